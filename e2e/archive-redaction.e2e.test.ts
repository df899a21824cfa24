import { readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { downloadBy, poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

/** Issue 18: a records officer goes from a search to a hold to an access request answered with a redacted export. */
describe('the archive at work in real Chromium (issue 18)', () => {
  const e2e = withBrowserServer({ demo: true });

  it('search → hold → access request → redacted export (text and PDF without the words) → release the hold', async () => {
    // bypassCSP only so that axe can be injected; other browser tests check the CSP itself.
    const context = await e2e.browser.newContext({ acceptDownloads: true, bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: /Sign in as Thomas Brennan/ }).click();
    await page.getByRole('link', { name: 'Records: search' }).click();
    await page.locator('#archive-q').fill('arctic security');
    await page.locator('#archive-kind').selectOption('memcon');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const results = page.getByRole('region', { name: 'Results' });
    await poll(() => results.getByRole('listitem').count()).toBeGreaterThan(0);
    // A few matches: counted exactly (past the search window the line gives an estimate).
    expect(await results.getByText(/^\d[\d,]* records?\.$/).isVisible()).toBe(true);
    const first = results.getByRole('listitem').first();

    // A legal hold on the first result.
    await first.getByRole('checkbox').check();
    await page.locator('#hold-matter').fill('In re Arctic');
    await page.locator('#hold-reason').fill('Preservation letter from counsel.');
    await page.getByRole('button', { name: 'Place hold' }).click();
    const holds = page.getByRole('region', { name: 'Legal holds' });
    await poll(() => holds.getByText('In re Arctic').isVisible()).toBe(true);

    // Open it; file an access request for it; redact; export.
    await first.getByRole('button', { name: 'Open' }).click();
    const record = page.getByRole('region', { name: 'Record' });
    await poll(() =>
      record
        .getByText(/Arctic/)
        .first()
        .isVisible(),
    ).toBe(true);
    await page.locator('#req-requester').fill('House Committee on Oversight');
    await page.locator('#req-basis').fill('44 U.S.C. 2205(2)(C)');
    await page.locator('#req-due').fill('2030-06-28');
    await page.getByRole('button', { name: 'File request' }).click();
    await poll(() => page.locator('#redact-words').isVisible()).toBe(true);
    await page.locator('#redact-words').fill('Arctic');
    await page.locator('#redact-reason').selectOption('(b)(1)');
    await page.getByRole('button', { name: 'Make redacted copy' }).click();
    const copy = page.getByRole('region', { name: 'Redacted copy' });
    await poll(() =>
      copy
        .getByText(/\[REDACTED \(b\)\(1\)\]/)
        .first()
        .isVisible(),
    ).toBe(true);
    expect(await copy.textContent()).not.toMatch(/arctic/i);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'archive-redacted-copy');
    await copy.getByRole('button', { name: 'Export answer' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Export and answer' }).click();
    const link = page.getByRole('link', { name: /Download access-request-.*\.zip/ });
    await poll(() => link.isVisible()).toBe(true);
    const download = await downloadBy(page, link);
    const zip = unzipSync(new Uint8Array(await readFile((await download.path())!)));
    const names = Object.keys(zip);
    const txt = names.find((n) => n.startsWith('records/') && n.endsWith('.txt'))!;
    const pdf = names.find((n) => n.endsWith('.pdf'))!;
    expect(names).toContain('redaction-report.txt');
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await getDocument({ data: zip[pdf]!, useSystemFonts: true }).promise;
    let pdfText = '';
    for (let n = 1; n <= doc.numPages; n++)
      pdfText += (await (await doc.getPage(n)).getTextContent()).items
        .map((i) => ('str' in i ? i.str : ''))
        .join(' ');
    for (const text of [strFromU8(zip[txt]!), pdfText]) {
      expect(text).not.toMatch(/arctic/i);
      expect(text).toContain('[REDACTED (b)(1)]');
    }
    // The record on screen (the original) still holds the words.
    expect(
      await record
        .locator('p')
        .filter({ hasText: /Arctic/ })
        .count(),
    ).toBeGreaterThan(0);

    // Release the hold, with a reason and a confirmation.
    await holds.getByRole('textbox', { name: 'Why release' }).first().fill('Matter settled.');
    await holds.getByRole('button', { name: 'Release' }).first().click();
    await page.getByRole('dialog').getByRole('button', { name: 'Release hold' }).click();
    await poll(() => holds.getByText(/Hold released; record #\d+ in the log/).isVisible()).toBe(true);
    await poll(() => holds.getByText('In re Arctic').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
