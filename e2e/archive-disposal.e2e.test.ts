import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, ShiftedClock, screenshot, watchConsole, withBrowserServer } from './harness.js';

const DAY = 86_400_000;

/** Issue 18.3: Records → Disposal. File, see the waiting period and a blocking hold, purge after confirming; withdraw another. */
describe('disposal requests in real Chromium (issue 18)', () => {
  const clock = new ShiftedClock();
  const e2e = withBrowserServer({ demo: true, clock });

  /** A JSON call from inside the signed-in page (same origin, its session cookie). */
  const api = (page: Page, method: string, path: string, body?: unknown) =>
    page.evaluate(
      async ([m, p, b]) => {
        const res = await fetch(p as string, {
          method: m as string,
          headers: b === undefined ? {} : { 'content-type': 'application/json' },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        return { status: res.status, json: await res.json() };
      },
      [method, path, body] as const,
    );

  async function signIn(page: Page) {
    await page.goto(`${e2e.server.url}/app/sign-in`);
    await page.getByRole('button', { name: /Sign in as Thomas Brennan/ }).click();
    await page.getByRole('link', { name: 'Records: disposal' }).click();
    await poll(() => page.getByRole('heading', { name: /Pending requests/ }).isVisible()).toBe(true);
  }

  async function fileRequest(page: Page, nth: number, reason: string) {
    const form = page.getByRole('region', { name: 'File a disposal request' });
    await form.getByRole('button', { name: 'Find' }).click();
    const radios = form.getByRole('radio');
    await poll(() => radios.count()).toBeGreaterThan(nth);
    await radios.nth(nth).check();
    await page.locator('#disposal-basis').selectOption('personal');
    await page.locator('#disposal-reason').fill(reason);
    await page
      .locator('#disposal-views')
      .fill('The Archivist does not object: personal records, 44 U.S.C. 2203(b).');
    await page.locator('#disposal-views-on').fill(new Date(Date.now() - DAY).toISOString().slice(0, 10));
    await page.getByRole('button', { name: 'File request…' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText(/waiting period starts today/).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'File request' }).click();
    await poll(() => form.getByText(/Request filed \(record #\d+\)/).isVisible()).toBe(true);
    return (await radios.nth(nth).getAttribute('value'))!;
  }

  it('file → waiting → blocked by a hold → ready → purge (confirmed) → withdraw another; axe clean, at 390 px too', async () => {
    const context = await e2e.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signIn(page);

    const itemId = await fileRequest(page, 0, 'A family email; not a record.');
    const pending = page.getByRole('listitem', { name: /^Disposal request:/ });
    await poll(() => pending.count()).toBe(1);
    const req = pending.first();
    await poll(() => req.getByText('Waiting period', { exact: true }).first().isVisible()).toBe(true);
    expect(await req.getByText(/runs until \d{4}-\d{2}-\d{2}/).isVisible()).toBe(true);
    expect(await req.getByRole('button', { name: 'Purge…' }).isDisabled()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // A legal hold blocks it, and the screen says which.
    const hold = await api(page, 'POST', '/api/v1/archive/holds', {
      matter: 'In re Family Email',
      reason: 'Preservation letter.',
      scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: itemId }] },
    });
    expect(hold.status).toBe(201);
    await page.reload();
    await poll(() => req.getByText('Blocked by a legal hold').isVisible()).toBe(true);
    expect(await req.getByText(/Blocked by In re Family Email/).isVisible()).toBe(true);
    await screenshot(page, 'archive-disposal-held');

    // At 390 px: nothing wider than the screen, still accessible.
    await page.setViewportSize({ width: 390, height: 844 });
    await poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'archive-disposal-390');
    await page.setViewportSize({ width: 1280, height: 900 });

    // Hold released and the waiting period run: ready. Purge asks first, saying what cannot be undone.
    expect(
      (await api(page, 'POST', `/api/v1/archive/holds/${hold.json.id}/release`, { reason: 'Matter closed.' }))
        .status,
    ).toBe(200);
    // 61 days on, the session has lapsed: sign in again.
    clock.setNow(Date.now() + 61 * DAY);
    await signIn(page);
    await poll(() => req.getByText('Ready to purge').isVisible()).toBe(true);
    await req.getByLabel('Why').fill('Personal; the Archivist did not object.');
    await req.getByRole('button', { name: 'Purge…' }).click();
    const dialog = page.getByRole('dialog');
    await poll(() => dialog.getByText(/cannot be recovered/).isVisible()).toBe(true);
    expect(await dialog.textContent()).toMatch(/records log keeps its entry/);
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Purge', exact: true }).click();
    await poll(() => page.getByText(/Purged; record #\d+ in the log/).isVisible()).toBe(true);
    const closed = page.getByRole('listitem', { name: /^Closed disposal request:/ });
    await poll(() => closed.count()).toBe(1);
    expect(await closed.first().getByText('Purged', { exact: true }).first().isVisible()).toBe(true);
    const gone = await api(page, 'GET', `/api/v1/archive/records/captured_item/${itemId}`);
    expect(gone.status).toBe(404);

    // Another request, withdrawn: the item keeps its content.
    const other = await fileRequest(page, 0, 'Duplicate personal note.');
    expect(other).not.toBe(itemId);
    await poll(() => pending.count()).toBe(1);
    await pending.first().getByLabel('Why').fill('The Archivist asked for more time.');
    await pending.first().getByRole('button', { name: 'Withdraw…' }).click();
    await poll(() => dialog.getByText(/cannot be reopened/).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Withdraw request' }).click();
    await poll(() => page.getByText(/Request withdrawn; record #\d+ in the log/).isVisible()).toBe(true);
    await poll(() => closed.count()).toBe(2);
    expect(
      await page
        .getByText(/The Archivist asked for more time/)
        .first()
        .isVisible(),
    ).toBe(true);
    expect((await api(page, 'GET', `/api/v1/archive/records/captured_item/${other}`)).status).toBe(200);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'archive-disposal-closed');
    expect(problems).toEqual([]);
    await context.close();
  });
});
