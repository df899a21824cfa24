import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyTransfer } from '../packages/server/src/transfer/verify-bag.js';
import { bagitPyValidate } from '../packages/server/test/helpers/bagit-python.js';
import { axeViolations } from './axe.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

/**
 * Issue 19: a records officer on a 390 px phone starts a transfer to the national archive from
 * Records → Search, confirms it, watches it run and reads the result; the bags it names pass
 * Hotline's verify-bag and the Library of Congress's bagit.py.
 */
describe('transfer from the records screen in real Chromium (issue 19)', () => {
  const e2e = withBrowserServer({ demo: true });

  it('scope → confirm → progress → result with the bags and the verify command, on 390 px, axe-clean', async () => {
    const context = await e2e.browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: /Sign in as Thomas Brennan/ }).click();
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
    expect(problems).toEqual([]);
    await context.close();
  });
});
