import { describe, expect, it } from 'vitest';
import { downloadBy, poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

describe('the records officer in real Chromium (issue 6, demo captures)', () => {
  const e2e = withBrowserServer({ demo: true });

  it('sees 20-day compliance drawn, the off-channel alert, and classifies a queued item', async () => {
    const context = await e2e.browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: /Sign in as Thomas Brennan/ }).click();
    await page.getByRole('link', { name: 'Records: 20-day rule' }).click();
    await poll(() => page.getByRole('img', { name: 'Captured items per month, by status' }).isVisible()).toBe(
      true,
    );
    await poll(() =>
      page.getByText(/contact with President Claudia Sheinbaum Pardo of Mexico/).isVisible(),
    ).toBe(true);
    await screenshot(page, 'records-compliance');
    const row = page.getByRole('row', { name: /Infrastructure bill/ });
    await row.getByRole('button', { name: 'Presidential' }).click();
    await poll(() =>
      page
        .getByRole('status')
        .filter({
          hasText:
            /^Classified email "Infrastructure bill" of potus\.private@personal\.example\.com as presidential \(was unclassified\); the decision is log entry \d+\. It has left the queue\.$/,
        })
        .isVisible(),
    ).toBe(true);
    await poll(() => page.getByRole('row', { name: /Infrastructure bill/ }).count()).toBe(0);
    // Upload an export through the web app: progress, then the result.
    await page.locator('#imp-kind').selectOption('eml');
    await page.locator('#imp-account').fill('leader.private@personal.example.com');
    await page.locator('#imp-owner').fill('potus@us.example.gov');
    await page.locator('#imp-file').setInputFiles({
      name: 'message.eml',
      mimeType: 'message/rfc822',
      buffer: Buffer.from(
        'From: a@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: Uploaded from the browser\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <browser-1@x>\r\n\r\nHello\r\n',
      ),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await poll(() => page.getByText(/Imported 1 new item\(s\)/).isVisible()).toBe(true);
    await poll(() => page.getByRole('row', { name: /Uploaded from the browser/ }).isVisible()).toBe(true);
    const download = await downloadBy(page, page.getByRole('link', { name: 'Export CSV' }));
    expect(download.suggestedFilename()).toBe('hotline-20-day-compliance.csv');
    await page.getByRole('link', { name: /Open the call \(memcon required\)/ }).click();
    await poll(() => page.getByText('Off-channel contact detected by Hotline').first().isVisible()).toBe(
      true,
    );
    expect(problems).toEqual([]);
    await context.close();
  });
});
