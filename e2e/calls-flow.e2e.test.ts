import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  downloadBy,
  launchBrowser,
  openCall as openCallAt,
  poll,
  screenshot,
  signInAs as signInAsIn,
  startServer,
  type TestServer,
  watchConsole,
} from './harness.js';

/**
 * The call day: eight weeks from today in the browser's zone (New York), so the schedule is always
 * in the future. Its zone abbreviation (EST or EDT) follows the date, as the call page shows it.
 */
const DAY = DateTime.now().setZone('America/New_York').plus({ weeks: 8 }).startOf('day');
const at = (hour: number) => DAY.set({ hour }).toFormat("yyyy-MM-dd'T'HH:mm");
const SHOWN = `${DAY.toFormat('ccc d LLL yyyy')}, 10:00 a.m. ${DAY.set({ hour: 10 }).toFormat('ZZZZ')}`;

/** The whole leader call flow in real Chromium, one persona after another (issue 4). */
describe('a leader call from request to published, verified readout', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  let callUrl = '';
  beforeAll(async () => {
    server = await startServer({ demo: true });
    browser = await launchBrowser();
    const context = await browser.newContext({ acceptDownloads: true, timezoneId: 'America/New_York' });
    page = await context.newPage();
    problems = watchConsole(page);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const signInAs = (name: string) => signInAsIn(page, server.url, name);
  const openCall = () => openCallAt(page, callUrl);

  /** Runs one step of the flow; a failure says which step it was in. */
  async function step(name: string, run: () => Promise<void>) {
    try {
      await run();
    } catch (e) {
      if (e instanceof Error) e.message = `step "${name}": ${e.message}`;
      throw e;
    }
  }

  /**
   * One test: each step needs the call the steps before it left behind. A failure names its step.
   */
  it('goes through every step, one persona after another', async () => {
    await step('1. a Canadian liaison requests a call', async () => {
      await signInAs('Priya Sandhu');
      await page.getByRole('link', { name: 'Request a call' }).click();
      await poll(() => page.getByLabel('Counterpart leader').isVisible()).toBe(true);
      await page
        .getByLabel('Whose leader is asked for the call')
        .selectOption({ label: 'Office of the President of the United States' });
      await page.getByLabel('Counterpart leader').fill('Prime Minister Mark Carney of Canada');
      await page.getByLabel('Counterpart country').fill('CA');
      await page.getByLabel('Purpose').fill('Coordinate positions before the G7 summit on Arctic security.');
      await page.getByLabel('Topics').fill('Arctic security, Trade');
      await page.getByLabel(/^Window 1 start/).fill(at(9));
      await page.getByLabel(/^Window 1 end/).fill(at(11));
      await screenshot(page, 'calls-1-request');
      await page.getByRole('button', { name: 'Send the request' }).click();
      await page.waitForURL(/\/app\/calls\/[0-9a-f-]{36}$/);
      callUrl = page.url();
      await poll(() => page.getByText('Requested', { exact: true }).first().isVisible()).toBe(true);
    });

    await step('2. a US reviewer approves, after a refused note is shown beside its field', async () => {
      await signInAs('Dr. Samuel Okafor');
      await openCall();
      await page.getByLabel('Recommendation').selectOption('approve');
      // Too short: the server refuses it, and the message sits beside Notes, not only at the top.
      await page.getByLabel('Notes').fill('OK');
      await page.getByRole('button', { name: 'Record the review' }).click();
      // A final act asks first, in a dialog.
      await page.getByRole('dialog').getByRole('button', { name: 'Record the review' }).click();
      const notes = page.getByLabel('Notes');
      await poll(() => notes.getAttribute('aria-invalid')).toBe('true');
      const describedBy = (await notes.getAttribute('aria-describedby')) ?? '';
      expect(describedBy.split(' ')).toContain('rv-notes-error');
      expect(await page.locator('#rv-notes-error').textContent()).toBe(
        'Notes must be at least 5 characters long',
      );
      await poll(() =>
        page.getByRole('link', { name: 'Notes must be at least 5 characters long' }).isVisible(),
      ).toBe(true);
      expect(await page.getByText('Under review', { exact: true }).count()).toBe(0);
      await screenshot(page, 'calls-2-field-error');
      await notes.fill('Timely; aligned with summit preparation.');
      await page.getByRole('button', { name: 'Record the review' }).click();
      // A final act asks first, in a dialog.
      await page.getByRole('dialog').getByRole('button', { name: 'Record the review' }).click();
      await poll(() => page.getByText('Approved', { exact: true }).first().isVisible()).toBe(true);
    });

    await step('3. the secretariat schedules it and the invitation downloads', async () => {
      await signInAs('Linda Park');
      await openCall();
      await page.getByLabel(/^Start/).fill(at(10));
      await page
        .getByRole('group', { name: 'Listeners (note-takers)' })
        .getByRole('checkbox', { name: 'James Whitaker' })
        .check();
      await page.getByRole('button', { name: 'Schedule the call' }).click();
      await poll(() => page.getByText('Scheduled', { exact: true }).first().isVisible()).toBe(true);
      await poll(() => page.getByText(SHOWN).first().isVisible()).toBe(true);
      await screenshot(page, 'calls-3-scheduled');
      const download = await downloadBy(
        page,
        page.getByRole('link', { name: /Download calendar invitation/ }),
      );
      const ics = readFileSync((await download.path())!, 'utf8');
      expect(ics).toContain('BEGIN:VCALENDAR');
      expect(ics).toContain('METHOD:REQUEST');
      expect(ics).toContain('CLASS:CONFIDENTIAL');
      await page.getByRole('button', { name: 'Connect the call' }).click();
      await poll(() => page.getByText('In progress', { exact: true }).first().isVisible()).toBe(true);
      await page.getByRole('button', { name: 'End the call' }).click();
      // Ending is final: it asks first.
      await page.getByRole('dialog').getByRole('button', { name: 'End the call' }).click();
      await poll(() => page.getByText('Completed', { exact: true }).first().isVisible()).toBe(true);
    });

    await step('4. a note-taker drafts the memcon and the secretariat finalizes it', async () => {
      await signInAs('James Whitaker');
      await openCall();
      await page.locator('#mc-class').selectOption('SECRET');
      await page
        .getByLabel('Paragraphs')
        .fill(
          'The President | (U) | Thanked the Prime Minister for the call.\nPrime Minister Carney | (S) | Described Arctic patrol plans.\nThe President | (U) | Agreed to stay in close touch.',
        );
      await page.getByRole('button', { name: 'Save memcon version' }).click();
      await poll(() => page.getByText('Memcon draft', { exact: true }).first().isVisible()).toBe(true);
      await screenshot(page, 'calls-4-memcon');
      await signInAs('Linda Park');
      await openCall();
      await page.getByRole('button', { name: 'Finalize the memcon' }).click();
      // A final act asks first, in a dialog.
      await page.getByRole('dialog').getByRole('button', { name: 'Finalize the memcon' }).click();
      await poll(() => page.getByText('Memcon final', { exact: true }).first().isVisible()).toBe(true);
      // Finalizing keeps the draft and adds a final version; the readout deadline starts.
      await poll(() =>
        page.getByRole('heading', { name: /Memcon v2 \(final\) · 2 versions/ }).isVisible(),
      ).toBe(true);
      // The readout deadline is drawn on the timeline as due (not yet overdue), the memcon's as met.
      const deadline = (what: string) => page.locator('.timeline g[data-kind="deadline"]', { hasText: what });
      await poll(() => deadline('Readout due').getAttribute('data-status')).toBe('due');
      expect(await deadline('Memcon due').getAttribute('data-status')).toBe('met');
    });

    await step(
      "4b. Canada's note-taker keeps Canada's own memcon; neither office sees the other's",
      async () => {
        await signInAs('Étienne Gagnon');
        await openCall();
        // The counterpart office is told whose call it is, and never shown the host's memcon.
        await poll(() => page.locator('#counterpart-note').isVisible()).toBe(true);
        expect(await page.getByText('Arctic patrol').count()).toBe(0);
        await page.locator('#mc-class').selectOption('SECRET');
        await page
          .getByLabel('Paragraphs')
          .fill('The Prime Minister | (S) | Pressed for a joint icebreaker programme.');
        await page.getByRole('button', { name: 'Save memcon version' }).click();
        await poll(() =>
          page.getByRole('heading', { name: /Memcon v1 \(draft\) · 1 versions/ }).isVisible(),
        ).toBe(true);
        await signInAs('Colleen MacDonald');
        await openCall();
        await page.getByRole('button', { name: "Finalize our office's memcon" }).click();
        // A final act asks first, in a dialog.
        await page.getByRole('dialog').getByRole('button', { name: "Finalize our office's memcon" }).click();
        await poll(() =>
          page.getByRole('heading', { name: /Memcon v2 \(final\) · 2 versions/ }).isVisible(),
        ).toBe(true);
        expect(await page.getByText('Arctic patrol').count()).toBe(0);
      },
    );

    await step(
      '5. the press drafts the readout from the memcon, approves it, then publishes it',
      async () => {
        await signInAs('Rachel Moreno');
        await openCall();
        // The host office sees its own memcon, not Canada's.
        expect(await page.getByText('joint icebreaker').count()).toBe(0);
        await page.getByRole('button', { name: 'Draft from the memcon' }).click();
        // Only the paragraphs marked (U) reach the draft, retold in the third person; the (S) one stays out.
        await poll(() => page.getByLabel('Text (Markdown)').inputValue()).toContain(
          'thanked the Prime Minister for the call.',
        );
        expect(await page.getByLabel('Text (Markdown)').inputValue()).not.toContain('Arctic patrol');
        await page
          .getByLabel('Title')
          .fill("Readout of the President's Call with Prime Minister Mark Carney of Canada");
        await page.getByRole('button', { name: 'Save readout draft' }).click();
        await poll(() => page.getByRole('button', { name: 'Approve the readout' }).isVisible()).toBe(true);
        // Publishing waits for the approval: there is no publish button for a draft.
        expect(await page.getByRole('button', { name: 'Publish the readout' }).count()).toBe(0);
        await page.getByRole('button', { name: 'Approve the readout' }).click();
        await poll(() => page.getByRole('button', { name: 'Publish the readout' }).isVisible()).toBe(true);
        await poll(() => page.getByRole('heading', { name: /Readout v1 \(approved\)/ }).isVisible()).toBe(
          true,
        );
        await page.getByRole('button', { name: 'Publish the readout' }).click();
        // A final act asks first, in a dialog.
        await page.getByRole('dialog').getByRole('button', { name: 'Publish the readout' }).click();
        await poll(() => page.getByText('Readout published', { exact: true }).first().isVisible()).toBe(true);
        // The history names who wrote and approved each version, and when the published one went out.
        const versions = page.locator('#readout-versions + table tbody tr');
        await poll(() => versions.first().textContent()).toMatch(
          /^v2Published.*Rachel Moreno.*Rachel Moreno/,
        );
        expect(await versions.nth(1).textContent()).toMatch(/^v1approvedRachel Moreno/);
        await screenshot(page, 'calls-5-published');
      },
    );

    await step('6. signed out, the public page and the feed show it, and "verify" succeeds', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await poll(() => page.getByRole('heading', { name: 'Sign in to Hotline' }).isVisible()).toBe(true);
      await server.ctx.log.integrateAll();
      await page.goto(`${server.url}/readouts`);
      await page
        .getByRole('link', {
          name: "Readout of the President's Call with Prime Minister Mark Carney of Canada",
        })
        .click();
      await poll(() => page.getByRole('button', { name: 'Verify this readout' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Verify this readout' }).click();
      await poll(() => page.locator('#verify-result').textContent()).toMatch(
        /^Verified: this readout is entry \d+ of the log/,
      );
      // The public entry is a commitment the page's salt and envelope open.
      await poll(() => page.locator('#verify-details').textContent()).toMatch(
        /Leaf commitment686f746c696e652d6c6561662f7632[0-9a-f]{64}/,
      );
      await screenshot(page, 'calls-6-public-verified');
      // A page whose envelope does not open the entry is not verified.
      await page.evaluate(() => {
        const s = document.getElementById('verify')!;
        s.dataset.envelope = s.dataset.envelope!.replace('readout.published', 'readout.publishex');
      });
      await page.getByRole('button', { name: 'Verify this readout' }).click();
      await poll(() => page.locator('#verify-result').textContent()).toMatch(
        /^Not verified: log entry \d+ is not the commitment to this page's record envelope/,
      );
      const feed = await (await page.request.get(`${server.url}/readouts.atom`)).text();
      expect(feed).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
      expect(feed).toMatch(
        /Readout of the President(&apos;|'|&#39;)s Call with Prime Minister Mark Carney of Canada/,
      );
      expect(problems).toEqual([]);
    });
  });
});
