import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTransfer } from '../packages/server/src/transfer/verify-bag.js';
import { bagitPyValidate } from '../packages/server/test/helpers/bagit-python.js';
import { axeViolations } from './axe.js';
import { poll, screenshot, signInAs, watchConsole, withBrowserServer } from './harness.js';

/**
 * Issue 19: a records officer on a 390 px phone starts a transfer to the national archive from
 * Records → Search, confirms it, watches it run and reads the result; the bags it names pass
 * Hotline's verify-bag and the Library of Congress's bagit.py. Then the officer seals what was
 * transferred, from the same screen.
 */
describe('transfer from the records screen in real Chromium (issue 19)', () => {
  const e2e = withBrowserServer({ demo: true });

  it('scope → confirm → progress → result with the bags and the verify command → seal, on 390 px, axe-clean', async () => {
    const context = await e2e.browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signInAs(page, e2e.server.url, 'Thomas Brennan');
    await page.goto(`${e2e.server.url}/app/records/search`);
    const panel = page.getByRole('region', { name: 'Transfer to the national archive' });
    await poll(() => panel.isVisible()).toBe(true);

    // A date range with no day is refused before anything is asked or sent.
    await panel.getByLabel('Records of a date range').check();
    await panel.getByRole('button', { name: 'Transfer…' }).click();
    await poll(() => panel.getByRole('alert').textContent()).toMatch(/Give a first day, a last day or both/);

    // Calls only; small bags so that there are several. Cancelling the confirmation does nothing.
    await panel.getByLabel('Calls only (the call records)').check();
    await panel.locator('#transfer-bag').fill('0.01');
    await panel.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toMatch(/calls only .* BagIt bags of at most 0\.01 MB/i);
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Go back' }).click();
    await poll(() => dialog.isVisible()).toBe(false);
    expect(await panel.getByRole('status').count()).toBe(0);

    await panel.getByRole('button', { name: 'Transfer…' }).click();
    await dialog.getByRole('button', { name: 'Start the transfer' }).click();
    // Progress shows (a bar while it runs), then the result.
    await poll(() => panel.getByRole('status').isVisible()).toBe(true);
    const result = panel.getByRole('region', { name: 'Transfer result' });
    await poll(() => result.isVisible()).toBe(true);
    const text = (await result.textContent()) ?? '';
    expect(text).toMatch(/Transferred \d+ item\(s\)/);
    const bags = await result.getByRole('listitem').allTextContents();
    expect(bags.length).toBeGreaterThan(1);
    expect(bags[0]).toMatch(/^bag-0001: \d+ item\(s\), \d+ file\(s\)/);
    const command = (await panel.locator('pre.verify-command').textContent()) ?? '';
    expect(command).toContain('archive verify-bag');
    const dir = command.match(/verify-bag (\S+)/)![1]!;
    expect(dir.startsWith(join(e2e.server.ctx.cfg.dataDir, 'transfers'))).toBe(true);

    // It fits a 390 px phone: nothing wider than the screen, nothing clipped.
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'transfer-result-390');

    // The bags it names are there, and pass verify-bag and the outside validator.
    for (const b of bags) expect(existsSync(join(dir, b.split(':')[0]!, 'bagit.txt'))).toBe(true);
    const v = await verifyTransfer(dir);
    expect(v.bags.flatMap((b) => b.errors)).toEqual([]);
    expect(v.ok).toBe(true);
    for (const b of bags) {
      const loc = await bagitPyValidate(join(dir, b.split(':')[0]!));
      expect(loc.output).toContain('is valid');
    }

    // Once the Archivist has them: seal what was transferred. It asks first, says what cannot be
    // undone, shows its progress, then what it sealed; search finds the calls by the transfer only.
    await result.getByRole('button', { name: 'Seal what was transferred…' }).click();
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toMatch(/cannot be put back into search/);
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Seal the transferred records' }).click();
    const sealed = result.locator('.seal-result');
    await poll(() => sealed.isVisible()).toBe(true);
    expect(await sealed.textContent()).toMatch(
      /^Sealed [1-9]\d* index entr(y|ies), recorded in the log under /,
    );
    expect(await result.getByRole('button', { name: 'Seal what was transferred…' }).count()).toBe(0);
    const transferId = (await sealed.locator('code').textContent()) ?? '';
    expect(transferId).toMatch(/^[0-9a-f-]{36}$/);
    // The app's own search request, from the page (same origin, its session).
    const hits = await page.evaluate(async () => {
      const res = await fetch('/api/v1/archive/search', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ kind: 'call', page: 1, pageSize: 100 }),
      });
      return ((await res.json()) as { hits: { title: string }[] }).hits;
    });
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.title).toBe(`call (sealed after transfer ${transferId})`);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'transfer-sealed-390');

    expect(problems).toEqual([]);
    await context.close();
  });
});
