import { DateTime } from 'luxon';
import type { Browser, BrowserContext } from 'playwright-core';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SmtpSink, startSmtpSink } from '../packages/server/test/notifications/smtp-sink.js';
import { axeViolations } from './axe.js';
import { launchBrowser, poll, signInAs, startServer, type TestServer, watchConsole } from './harness.js';

/**
 * Issue 14 item 10: the next person in the chain learns that something waits for them. A
 * Canadian liaison requests a call of the US office in one browser; a US reviewer, signed in in
 * another, sees the unread count appear in the navigation without reloading (over the live
 * socket), lists it, opens the call, marks it read; chooses on the profile page not to get review
 * emails. The server sends email through a real SMTP server process, carrying only a link.
 */
const DAY = DateTime.now().setZone('America/New_York').plus({ weeks: 8 }).startOf('day');
const at = (hour: number) => DAY.set({ hour }).toFormat("yyyy-MM-dd'T'HH:mm");

describe('notifications', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startServer({ demo: true, env: { smtpUrl: sink.url } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
    await sink?.stop();
  });

  async function browserAs(name: string) {
    const context = await browser.newContext({ bypassCSP: true, timezoneId: 'America/New_York' });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchConsole(page);
    await signInAs(page, server.url, name);
    return { page, problems };
  }

  async function requestCall(purpose: string): Promise<string> {
    const { page } = await browserAs('Priya Sandhu');
    await page.getByRole('link', { name: 'Request a call' }).click();
    await poll(() => page.getByLabel('Counterpart leader').isVisible()).toBe(true);
    await page
      .getByLabel('Whose leader is asked for the call')
      .selectOption({ label: 'Office of the President of the United States' });
    await page.getByLabel('Counterpart leader').fill('Prime Minister Mark Carney of Canada');
    await page.getByLabel('Counterpart country').fill('CA');
    await page.getByLabel('Purpose').fill(purpose);
    await page.getByLabel('Topics').fill('Arctic security');
    await page.getByLabel(/^Window 1 start/).fill(at(9));
    await page.getByLabel(/^Window 1 end/).fill(at(11));
    await page.getByRole('button', { name: 'Send the request' }).click();
    await page.waitForURL(/\/app\/calls\/[0-9a-f-]{36}$/);
    return page.url();
  }

  it('a reviewer sees a new request arrive live, lists it, opens it and marks it read; the email carries only a link', async () => {
    const { page, problems } = await browserAs('Dr. Samuel Okafor');
    const nav = page.getByRole('navigation', { name: 'Main' });
    const link = nav.getByRole('link', { name: /^Notifications/ });
    await poll(() => link.isVisible()).toBe(true);
    expect(await link.textContent()).toBe('Notifications');

    const url = await requestCall('SECRET-PURPOSE-MARKER: the Arctic red lines.');
    // The count appears without a reload: pushed over the live socket.
    await poll(() => link.textContent()).toBe('Notifications1 unread');
    await link.click();
    await poll(() => page.getByRole('heading', { name: 'Notifications', level: 1 }).isVisible()).toBe(true);
    const item = page.getByRole('listitem').filter({ hasText: 'Review the request' });
    await poll(() => item.isVisible()).toBe(true);
    expect(await item.textContent()).toContain('Unread');
    expect(await item.textContent()).toContain('A request to review');
    expect(await item.getByRole('link', { name: 'Open the call' }).getAttribute('href')).toBe(
      new URL(url).pathname,
    );
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);

    // The server's answers (to marking read and to reading the list again) are held back 1.5 s,
    // so the pushed count arrives first, as it can on a busy machine: the count must never read 0
    // beside an item still marked "Unread".
    const slow = /\/api\/v1\/notifications(\/read)?$/;
    await page.route(slow, async (route) => {
      const answer = await route.fetch();
      await new Promise((r) => setTimeout(r, 1500));
      await route.fulfill({ response: answer });
    });
    await item.getByRole('button', { name: /Mark read/ }).click();
    await poll(() => link.textContent()).toBe('Notifications');
    expect(await item.textContent()).not.toContain('Unread');
    // Waits for the answers still held back: removing the route at once would let Playwright pass
    // them on unheld, and the held answer would then fail ("Route is already handled").
    await page.unrouteAll({ behavior: 'wait' });
    await item.getByRole('link', { name: 'Open the call' }).click();
    await poll(() => page.getByRole('heading', { name: 'Story of the call' }).isVisible()).toBe(true);
    expect(problems).toEqual([]);

    // Both US reviewers and the executive secretary got an email: the step and a link, no subject.
    const okafor = (await sink.waitFor(3)).find((m) => m.to.includes('s.okafor@us.example.gov'));
    expect(okafor).toBeDefined();
    const mail = await PostalMime.parse(okafor!.data);
    expect(mail.text).toContain(url);
    expect(okafor!.data).not.toMatch(/SECRET-PURPOSE-MARKER|Arctic|Carney/);
  });

  it('a person chooses on the profile page which notifications come in the app and by email', async () => {
    const { page, problems } = await browserAs('Ambassador Helen Marsh');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
    const box = page.getByRole('checkbox', { name: 'A request to review: by email' });
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.isChecked()).toBe(true);
    expect(await page.getByText('Emails carry only the kind of step and a link').isVisible()).toBe(true);
    expect(await axeViolations(page, { wcagOnly: true })).toEqual([]);
    await box.uncheck();
    await page.getByRole('button', { name: 'Save notification choices' }).click();
    await poll(() => page.getByText('Your notification choices are saved.').isVisible()).toBe(true);

    sink.messages.length = 0;
    const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ });
    const unread = async () => Number(/(\d+) unread/.exec((await link.textContent()) ?? '')?.[1] ?? 0);
    const before = await unread();
    await requestCall('Coordinate positions before the G7 summit.');
    // Okafor and the secretariat are emailed; Marsh, who chose not to be, is not (but sees it in the app).
    const msgs = await sink.waitFor(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(msgs.flatMap((m) => m.to)).not.toContain('h.marsh@us.example.gov');
    await poll(unread).toBe(before + 1);
    await page.reload();
    await poll(() => box.isVisible()).toBe(true);
    expect(await box.isChecked()).toBe(false);
    expect(problems).toEqual([]);
  });
});
