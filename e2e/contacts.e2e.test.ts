import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('the foreign contacts directory in real Chromium (issue 13, item 5)', () => {
  const e2e = withBrowserServer({ demo: true });

  it('a records officer adds an entry (re-scan raises the alert once), changes it, then retires it', async () => {
    // bypassCSP only so that axe can be injected; other browser tests check the CSP itself.
    const context = await e2e.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: /Sign in as Thomas Brennan/ }).click();
    await page.getByRole('link', { name: 'Records: foreign contacts' }).click();
    await poll(() =>
      page.getByRole('heading', { level: 1, name: 'Foreign contacts directory' }).isVisible(),
    ).toBe(true);
    // The demo directory is listed.
    await poll(() =>
      page
        .getByRole('row', { name: /Claudia Sheinbaum Pardo/ })
        .first()
        .isVisible(),
    ).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // A number the demo President called from a personal phone two days ago.
    await page.locator('#add-kind').selectOption('number');
    await page.locator('#add-value').fill('+1 202 555 0188');
    await page.locator('#add-leader').fill('Prime Minister Test of Example');
    await page.locator('#add-country').fill('Example');
    await page.locator('#add-source').fill('Embassy cable 2026-118');
    await page.getByRole('button', { name: 'Add entry' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({
          hasText:
            'Added +12025550188 (Prime Minister Test of Example). Re-scan of everything captured: 1 new off-channel alert(s), 0 new attempted contact(s) with Prime Minister Test of Example.',
        })
        .isVisible(),
    ).toBe(true);
    const row = page.getByRole('row', { name: /\+12025550188/ });
    await poll(() => row.getByRole('cell', { name: 'In use' }).isVisible()).toBe(true);
    await screenshot(page, 'contacts-added');

    // Change its source, with a reason: the re-scan raises nothing twice.
    await row.getByRole('button', { name: 'Change or retire +12025550188' }).click();
    await page.locator('#edit-source').fill('Embassy cable 2026-119 (corrected)');
    await page.locator('#edit-reason').fill('The cable number was mistyped');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Save change' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({
          hasText: /^Changed \+12025550188 .*: 0 new off-channel alert\(s\), 0 new attempted contact\(s\)\.$/,
        })
        .isVisible(),
    ).toBe(true);
    await poll(() => row.getByRole('cell', { name: 'Embassy cable 2026-119 (corrected)' }).isVisible()).toBe(
      true,
    );

    // Retire it: a final act, confirmed in the shared dialog; a reason is required.
    await row.getByRole('button', { name: 'Change or retire +12025550188' }).click();
    await page.locator('#edit-reason').fill('The number was reassigned');
    await page.getByRole('button', { name: 'Retire entry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Retire this entry' });
    await poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Retire this entry' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({ hasText: 'Retired +12025550188 (Prime Minister Test of Example).' })
        .isVisible(),
    ).toBe(true);
    await poll(() => row.getByRole('cell', { name: /^Retired \d{4}-\d\d-\d\d$/ }).isVisible()).toBe(true);
    expect(await row.getByRole('button').count()).toBe(0);

    expect(problems).toEqual([]);
    await context.close();
  });
});
