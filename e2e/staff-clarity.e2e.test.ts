import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { openCall, poll, screenshot, signInAs, watchConsole, withBrowserServer } from './harness.js';

/**
 * The staff app tells each person what is needed from them, and nothing contradicts itself: each
 * test starts from the demo world and signs in as the personas it needs, in real Chromium, and
 * runs axe on the screens it looks at (as a11y.e2e.test.ts does).
 */
const DAY = DateTime.now().setZone('America/New_York').plus({ weeks: 8 }).startOf('day');
const at = (hour: number) => DAY.set({ hour }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('staff clarity', () => {
  const e2e = withBrowserServer({ demo: true });
  const contexts: BrowserContext[] = [];
  afterAll(async () => {
    for (const c of contexts) await c.close();
  });

  async function browserAs(name: string, viewport?: { width: number; height: number }) {
    const context = await e2e.browser.newContext({
      bypassCSP: true,
      timezoneId: 'America/New_York',
      ...(viewport ? { viewport } : {}),
    });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signInAs(page, e2e.server.url, name);
    return { page, problems };
  }

  /** A Canadian liaison asks the US office for a call; returns the call's URL. */
  async function requestCall(urgency: 'routine' | 'flash'): Promise<string> {
    const { page } = await browserAs('Priya Sandhu');
    await page.getByRole('link', { name: 'Request a call' }).click();
    await poll(() => page.getByLabel('Counterpart leader').isVisible()).toBe(true);
    await page
      .getByLabel('Whose leader is asked for the call')
      .selectOption({ label: 'Office of the President of the United States' });
    await page.getByLabel('Counterpart leader').fill('Prime Minister Mark Carney of Canada');
    await page.getByLabel('Counterpart country').fill('CA');
    await page.getByLabel('Urgency').selectOption(urgency);
    await page.getByLabel('Purpose').fill('Coordinate positions before the G7 summit on Arctic security.');
    await page.getByLabel('Topics').fill('Arctic security');
    await page.getByLabel(/^Window 1 start/).fill(at(9));
    await page.getByLabel(/^Window 1 end/).fill(at(11));
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.waitForURL(/\/app\/calls\/[0-9a-f-]{36}$/);
    return page.url();
  }

  it('1. a flash request is approved by the demo office’s two reviewers; a rule nobody can meet says so', async () => {
    const url = await requestCall('flash');
    const okafor = await browserAs('Dr. Samuel Okafor');
    await openCall(okafor.page, url);
    // No decision is pre-set: the reviewer chooses one.
    expect(await okafor.page.getByLabel('Recommendation').inputValue()).toBe('');
    await okafor.page.getByLabel('Recommendation').selectOption('approve');
    await okafor.page.getByLabel('Notes').fill('Timely; aligned with summit preparation.');
    await okafor.page.getByRole('button', { name: 'Record the review' }).click();
    // Final acts ask first: the dialog says what will happen and what cannot be undone.
    const dialog = okafor.page.getByRole('dialog', { name: 'Record the review?' });
    await poll(() => dialog.textContent()).toMatch(
      /Your approval is recorded \(1 of 2\); the call stays under review.*This cannot be undone:/,
    );
    expect(await axeViolations(okafor.page)).toEqual([]);
    await screenshot(okafor.page, 'clarity-5-confirm-review');
    await dialog.getByRole('button', { name: 'Record the review' }).click();
    await poll(() => okafor.page.getByText('1 of 2 approvals', { exact: true }).isVisible()).toBe(true);
    // Both reviewers can still act: nothing says the rule cannot be met.
    expect(await okafor.page.locator('.approval-shortfall').count()).toBe(0);

    // With the second reviewer's role taken away, the call says who could approve and what to do.
    const db = e2e.server.ctx.database.db;
    await db
      .updateTable('users')
      .set({ roles: ['staff'] })
      .where('email', '=', 'h.marsh@us.example.gov')
      .execute();
    await openCall(okafor.page, url);
    const shortfall = okafor.page.locator('.approval-shortfall');
    await poll(() => shortfall.textContent()).toMatch(
      /Needs 2 approvals from different reviewers; only 1 reviewer can approve: Dr\. Samuel Okafor\. Ask an administrator/,
    );
    expect(await axeViolations(okafor.page)).toEqual([]);
    await screenshot(okafor.page, 'clarity-1-shortfall');
    await db
      .updateTable('users')
      .set({ roles: ['reviewer'] })
      .where('email', '=', 'h.marsh@us.example.gov')
      .execute();

    const marsh = await browserAs('Ambassador Helen Marsh');
    await openCall(marsh.page, url);
    await marsh.page.getByLabel('Recommendation').selectOption('approve');
    await marsh.page.getByLabel('Notes').fill('Agreed; the summit timing makes it urgent.');
    await marsh.page.getByRole('button', { name: 'Record the review' }).click();
    await marsh.page.getByRole('dialog').getByRole('button', { name: 'Record the review' }).click();
    await poll(() => marsh.page.getByText('Approved', { exact: true }).first().isVisible()).toBe(true);
    expect([...okafor.problems, ...marsh.problems]).toEqual([]);
  });

  it('12. the server answers /favicon.ico, and the app and public pages link their icon', async () => {
    const ico = await fetch(`${e2e.server.url}/favicon.ico`);
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    expect(await ico.text()).toMatch(/^<svg /);
    const { page, problems } = await browserAs('Margaret Ellison');
    const failed: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    await page.reload();
    await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/favicon.svg');
    await page.goto(`${e2e.server.url}/readouts`);
    expect(await page.locator('link[rel=icon]').getAttribute('href')).toBe('/favicon.svg');
    expect(failed).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('3. nothing offered that will be refused: joining says when it opens, approving a briefing waits for one', async () => {
    const db = e2e.server.ctx.database.db;
    // The demo's briefed in-app call of the US President, about a day ahead.
    const briefed = await db
      .selectFrom('calls')
      .select(['id'])
      .where('state', '=', 'briefed')
      .where('channel', '=', 'hotline')
      .executeTakeFirstOrThrow();
    const potus = await browserAs('Donald J. Trump');
    await openCall(potus.page, `${e2e.server.url}/app/calls/${briefed.id}`);
    const opens = potus.page.locator('[data-testid="join-opens"]');
    await poll(() => opens.textContent()).toMatch(
      /^Joining opens at \w{3} \d+ \w{3} \d{4}, \d+:\d\d [ap]\.m\. E[SD]T, in (\d+ days?( \d+ h)?|\d+ h( \d+ min)?)\.$/,
    );
    expect(await potus.page.locator('[data-testid="join"]').count()).toBe(0);
    expect(await potus.page.getByText('Nothing for your role in this state.').count()).toBe(0);
    expect(
      await potus.page.getByRole('link', { name: /Join the call in the secure call room/ }).count(),
    ).toBe(1);
    expect(await axeViolations(potus.page)).toEqual([]);
    await screenshot(potus.page, 'clarity-3-join-opens');

    // Asked directly, the server's refusal names the opening in his zone, not a UTC timestamp.
    const refusal = await potus.page.evaluate(
      (callId) =>
        new Promise<{ type: string; detail?: string }>((resolve, reject) => {
          const ws = new WebSocket(new URL('/api/v1/live', location.href).href.replace(/^http/, 'ws'));
          ws.onopen = () => ws.send(JSON.stringify({ type: 'join', callId }));
          ws.onmessage = (ev) => {
            const m = JSON.parse(String(ev.data));
            if (m.type === 'error' || m.type === 'joined') resolve(m);
          };
          ws.onerror = () => reject(new Error('websocket error'));
        }),
      briefed.id,
    );
    expect(refusal.type).toBe('error');
    expect(refusal.detail).toMatch(
      /^Joining opens at .+ [ap]\.m\. E[SD]T, in .+\(15 minutes before the start\)\.$/,
    );
    expect(refusal.detail).not.toMatch(/\d{4}-\d\d-\d\dT/);

    // A scheduled call with no briefing yet: no "Approve the briefing" button, but why not.
    const scheduled = await db
      .selectFrom('calls')
      .innerJoin('offices', 'offices.id', 'calls.owner_office_id')
      .select(['calls.id'])
      .where('calls.state', '=', 'scheduled')
      .where('offices.slug', '=', 'us-potus')
      .where('calls.counterpart_leader', 'like', '%Sheinbaum%')
      .executeTakeFirstOrThrow();
    const park = await browserAs('Linda Park');
    await openCall(park.page, `${e2e.server.url}/app/calls/${scheduled.id}`);
    await poll(() => park.page.locator('[data-testid="briefing-not-yet"]').isVisible()).toBe(true);
    expect(await park.page.getByRole('button', { name: 'Approve the briefing' }).count()).toBe(0);
    expect(await axeViolations(park.page)).toEqual([]);
    expect([...potus.problems, ...park.problems]).toEqual([]);
  });

  it('13. the inbox and the lists fit a 390 px wide phone without clipping', async () => {
    const { page, problems } = await browserAs('Linda Park', { width: 390, height: 844 });
    const wide: string[] = [];
    for (const path of ['/inbox', '/calendar', '/calls']) {
      await page.goto(`${e2e.server.url}/app${path}`);
      await poll(() => page.locator('main h1').first().isVisible()).toBe(true);
      await poll(() => page.locator('[aria-busy="true"], .loading').count()).toBe(0);
      const width = await page.evaluate(() => document.scrollingElement!.scrollWidth);
      if (width > 390) wide.push(`${path}: ${width}px`);
      // Nor is anything clipped inside a panel that scrolls sideways (a table cut at the edge).
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll('main *')]
          .filter(
            (el) =>
              el.clientWidth > 1 &&
              el.scrollWidth > el.clientWidth + 1 &&
              getComputedStyle(el).overflowX !== 'visible',
          )
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.scrollWidth}/${el.clientWidth}`),
      );
      if (clipped.length) wide.push(`${path}: ${clipped.join('; ')}`);
      if (path === '/inbox') {
        expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
        await screenshot(page, 'clarity-13-inbox-390');
      }
    }
    expect(wide).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('2. "Needs you" names the step expected of each person and by when; closed and waived calls leave it', async () => {
    const db = e2e.server.ctx.database.db;
    const needs = (page: Page) => page.getByRole('region', { name: /^Needs you/ }).locator('tbody tr');
    async function inbox(name: string) {
      const b = await browserAs(name);
      await b.page.goto(`${e2e.server.url}/app/inbox`);
      await poll(() => b.page.getByRole('heading', { name: /^Needs you \(\d+\)$/ }).isVisible()).toBe(true);
      return b;
    }
    for (const name of ['Linda Park', 'Margaret Ellison', 'Thomas Brennan', 'Dr. Samuel Okafor']) {
      const { page, problems } = await inbox(name);
      const rows = await needs(page).all();
      for (const row of rows) {
        const text = (await row.textContent()) ?? '';
        // Every item says what is needed and by when (or that the step has no deadline).
        expect(await row.getByRole('list', { name: 'Needed from you' }).count(), `${name}: ${text}`).toBe(1);
        expect(text, name).toMatch(
          /(, by \w{3} \d+ \w{3} \d{4}, \d+:\d\d [ap]\.m\. [A-Z]{3,4}|, no deadline)/,
        );
        expect(text, name).not.toMatch(/Closed|Readout waived|Withdraw the request/);
      }
      if (name === 'Linda Park') {
        expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
        await screenshot(page, 'clarity-2-inbox');
      }
      if (name === 'Thomas Brennan') {
        const overdue = await db
          .selectFrom('calls')
          .innerJoin('offices', 'offices.id', 'calls.owner_office_id')
          .select('calls.id')
          .where('offices.slug', '=', 'us-potus')
          .where('calls.state', 'in', ['completed', 'memcon_draft'])
          .where('calls.memcon_due_at', '<', new Date())
          .execute();
        expect(await page.getByText('Chase the overdue memcon').count()).toBe(overdue.length);
      }
      expect(problems).toEqual([]);
    }
  });

  it('9. calls are named from the viewer’s side: a US user never sees a call "with" their own President', async () => {
    const { page, problems } = await browserAs('Margaret Ellison');
    await page.goto(`${e2e.server.url}/app/inbox`);
    const all = page.getByRole('region', { name: /^All calls of your office/ });
    await poll(() => all.locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await all.getByRole('link', { name: /Donald J\. Trump of the United States/ }).count()).toBe(0);
    // Mexico hosts the tariffs call with the US President: to the US it is a call with Mexico's President.
    const mexico = all.getByRole('row', { name: /Office of the President of Mexico/ }).first();
    await poll(() => mexico.getByRole('link').first().textContent()).toBe(
      'President Claudia Sheinbaum Pardo of Mexico',
    );
    await mexico.getByRole('link').first().click();
    await poll(() =>
      page
        .getByRole('heading', { level: 1, name: 'Call with President Claudia Sheinbaum Pardo of Mexico' })
        .isVisible(),
    ).toBe(true);
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('4. public readout pages give times in the host office’s zone, labelled with the zone', async () => {
    const context = await e2e.browser.newContext({ bypassCSP: true, timezoneId: 'Asia/Tokyo' });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchConsole(page);
    await page.goto(`${e2e.server.url}/readouts`);
    const times = page.locator('main time');
    await poll(() => times.count()).toBeGreaterThan(0);
    const texts = await times.allTextContents();
    // Every time is labelled with its zone: the host office's, whatever the reader's own (Tokyo).
    for (const text of texts)
      expect(text).toMatch(/^[A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d\d [ap]\.m\. (E[SD]T|C[SD]T|GMT[+-]\d+)$/);
    expect(texts.some((t) => /E[SD]T$/.test(t))).toBe(true);
    expect(texts.some((t) => /GMT\+9$|JST$/.test(t))).toBe(false);
    await page.locator('main a[href^="/readouts/"]').first().click();
    await poll(() => page.locator('main time').first().textContent()).toMatch(
      /[ap]\.m\. [A-Z]{3}([+-]\d+)?$/,
    );
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
    expect(problems).toEqual([]);
  });
});
