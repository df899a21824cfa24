import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppContext } from '@hotline/server';
import { afterAll, describe, expect, it } from 'vitest';
import { splitArchiveKeyOf } from '../packages/server/test/helpers/split-key.js';
import { axeViolations } from './axe.js';
import { poll, screenshot, signInAs, watchConsole, withBrowserServer } from './harness.js';

/**
 * A split demo server (the demo seeded, then its archive key split 2 of 3 as `hotline keys
 * split` does, before the server starts): the records officer opens a captured email, sees that
 * its original is sealed, chooses two custodians' share files and opens it; the text shows and
 * the opening is a record. Axe-clean.
 */
describe('a sealed email opened with custodians’ shares in real Chromium', () => {
  const sharesDir = mkdtempSync(join(tmpdir(), 'hotline-e2e-shares-'));
  const files: string[] = [];
  const e2e = withBrowserServer({
    demo: true,
    prepareData: async (cfg) => {
      const ctx = await AppContext.fromConfig(cfg);
      try {
        await ctx.prepare();
        const { shares } = await splitArchiveKeyOf(
          ctx,
          ['Ada Lovelace', 'Ben Franklin', 'Cleo Archivist'],
          2,
        );
        shares.forEach((text, i) => {
          const f = join(sharesDir, `archive-key-share-${i + 1}.txt`);
          writeFileSync(f, text, { mode: 0o600 });
          files.push(f);
        });
      } finally {
        await ctx.close();
      }
    },
  });
  afterAll(() => rmSync(sharesDir, { recursive: true, force: true }));

  it('sealed notice → two share files → the text, recorded; axe-clean', async () => {
    expect(e2e.server.ctx.cipher.canOpen).toBe(false);
    // bypassCSP: axe is injected as an inline script.
    const context = await e2e.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signInAs(page, e2e.server.url, 'Thomas Brennan');
    await page.getByRole('link', { name: 'Records: 20-day rule' }).click();
    const items = page.getByRole('region', { name: 'Items', exact: true });
    await poll(() => items.isVisible()).toBe(true);
    await items.getByLabel('Status').selectOption({ label: 'Any' });
    await items.getByLabel('Kind').selectOption('email');
    // The list the filters ask for (emails only), not the one shown before the last filter.
    await poll(async () => {
      const shown = await items.locator('details > summary').allTextContents();
      return shown.length > 0 && shown.every((t) => / — email “/.test(t));
    }).toBe(true);
    const first = items.locator('details').first();
    await first.locator('summary').click();
    const sealed = first.getByRole('region', { name: 'Sealed original' });
    await poll(() => sealed.isVisible()).toBe(true);
    expect(await sealed.textContent()).toMatch(/Sealed: opening needs 2 of 3 custodians\./);
    const open = sealed.getByRole('button', { name: 'Open with these shares' });
    expect(await open.isDisabled()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'records-sealed-email');

    const opened = () =>
      e2e.server.ctx.db
        .selectFrom('records')
        .select('seq')
        .where('kind', '=', 'archive.key-opened')
        .execute()
        .then((r) => r.length);
    expect(await opened()).toBe(0);
    await sealed.getByLabel("Custodians' share files").setInputFiles([files[0]!, files[2]!]);
    await poll(() => open.isEnabled()).toBe(true);
    await open.click();
    const body = first.locator('pre.item-body');
    await poll(() => body.isVisible()).toBe(true);
    expect(((await body.textContent()) ?? '').trim().length).toBeGreaterThan(0);
    expect(await body.textContent()).not.toMatch(/could not be read/);
    expect(await sealed.count()).toBe(0);
    expect(await opened()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'records-sealed-email-opened');
    expect(problems).toEqual([]);
    await context.close();
  });
});
