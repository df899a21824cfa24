import type { CallSummary } from '@hotline/contract';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, screenshot, watchConsole, withBrowserServer } from './harness.js';

/**
 * Readouts fit to publish (issue 14, point 6), in real Chromium: the press office drafts the
 * readout from the final memcon in readout style, sees it as the public page will show it before
 * publishing, reaches the public page from the call page and back, corrects it (the public page
 * says so, when and why) and withdraws it (a tombstone that still verifies). The demo's call with
 * Mexico is the one whose memcon is final and whose readout is not yet written.
 */
const e2e = withBrowserServer({ demo: true });

describe('a readout drafted, previewed, published, corrected and withdrawn', () => {
  let page: Page;
  let problems: string[];
  afterAll(async () => {
    await page?.context().close();
  });

  async function step(name: string, run: () => Promise<void>) {
    try {
      await run();
    } catch (e) {
      if (e instanceof Error) e.message = `step "${name}": ${e.message}`;
      throw e;
    }
  }

  it('goes from the memcon to a verifiable tombstone, with the public page one link away', async () => {
    // The browser is in Tokyo: the preview and the public page still date the readout in the
    // host office's zone (Washington), labelled.
    const context = await e2e.browser.newContext({ bypassCSP: true, timezoneId: 'Asia/Tokyo' });
    page = await context.newPage();
    problems = watchConsole(page);
    const host = DateTime.now().setZone('America/New_York');
    const hostDay = host.toFormat('ccc d LLL yyyy');
    const hostZone = host.toFormat('ZZZZ'); // EST or EDT
    let callUrl = '';
    let publicUrl = '';

    await step('1. the press office opens the call whose memcon is final', async () => {
      await page.goto(`${e2e.server.url}/app/sign-in`);
      await page.getByRole('button', { name: /Sign in as Rachel Moreno/ }).click();
      await poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      const calls: CallSummary[] = await (
        await page.request.get(`${e2e.server.url}/api/v1/calls?scope=all`)
      ).json();
      const call = calls.find((c) => c.state === 'memcon_final' && /Sheinbaum/.test(c.counterpartLeader));
      expect(call, `a memcon_final call with Mexico in ${calls.map((c) => c.state).join(', ')}`).toBeTruthy();
      callUrl = `${e2e.server.url}/app/calls/${call!.id}`;
      await page.goto(callUrl);
      await poll(() => page.getByRole('heading', { name: 'Story of the call' }).isVisible()).toBe(true);
    });

    await step('2. the draft from the memcon reads as a readout', async () => {
      await page.getByRole('button', { name: 'Draft from the memcon' }).click();
      const text = page.getByLabel('Text (Markdown)');
      await poll(() => text.inputValue()).toContain('spoke with President Claudia Sheinbaum Pardo of Mexico');
      const body = await text.inputValue();
      // The principal by name, in the third person; what was said from the (U) paragraphs only.
      expect(body).toMatch(/^On \w+day \d+ \w+ \d{4}, President Donald J\. Trump spoke with/);
      expect(body).toContain('thanked President Claudia Sheinbaum Pardo of Mexico for the call.');
      expect(body).toContain('agreed to stay in close touch.');
      // No markings, no speaker labels, no header lines, nothing of the (S) paragraphs.
      expect(body).not.toMatch(/\((U|C|S|TS)\)/);
      expect(body).not.toContain('|');
      expect(body).not.toMatch(/^\s*[A-Z][\w .]*:\s/m);
      expect(body).not.toContain('Telephone Conversation with');
      expect(body).not.toContain('in detail');
      expect(body).not.toContain('SECRET');
      expect(await page.getByLabel('Title').inputValue()).toBe(
        "Readout of the President's Call with President Claudia Sheinbaum Pardo of Mexico",
      );
      await page.getByRole('button', { name: 'Save readout draft' }).click();
      await poll(() => page.getByRole('button', { name: 'Approve the readout' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Approve the readout' }).click();
      await poll(() => page.getByRole('button', { name: 'Publish the readout' }).isVisible()).toBe(true);
    });

    await step('3. the preview shows the public page before publishing', async () => {
      const preview = page.getByTestId('readout-preview');
      await poll(() => preview.isVisible()).toBe(true);
      expect(await preview.getByRole('heading').textContent()).toBe(
        'Preview: the public page, if published now',
      );
      const shown = (await preview.textContent()) ?? '';
      expect(shown).toContain('For immediate release');
      expect(shown).toContain(
        "Readout of the President's Call with President Claudia Sheinbaum Pardo of Mexico",
      );
      // Dated in the host office's zone, labelled, though the browser is in Tokyo.
      expect(shown).toContain(hostDay);
      expect(shown).toMatch(new RegExp(`\\d{1,2}:\\d{2} [ap]\\.m\\. ${hostZone}`));
      expect(shown).not.toMatch(/JST|GMT\+9/);
      expect(shown).toContain('thanked President Claudia Sheinbaum Pardo of Mexico for the call.');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'readouts-1-preview');
    });

    await step('4. publishing asks first, then the call page links to the public page', async () => {
      await page.getByRole('button', { name: 'Publish the readout' }).click();
      const dialog = page.getByRole('dialog');
      await poll(() => dialog.isVisible()).toBe(true);
      expect(await dialog.textContent()).toContain('as in the preview');
      expect(await dialog.textContent()).toContain('This cannot be undone');
      await dialog.getByRole('button', { name: 'Publish the readout' }).click();
      await poll(() => page.getByText('Readout published', { exact: true }).first().isVisible()).toBe(true);
      const link = page.getByRole('link', { name: 'open the public readout' });
      await poll(() => link.isVisible()).toBe(true);
      expect(await page.getByTestId('readout-public-state').textContent()).toMatch(
        /^The readout is public since/,
      );
      expect(await axeViolations(page)).toEqual([]);
      await link.click();
      await page.waitForURL(/\/readouts\/[0-9a-f-]{36}\?v=\d+$/);
      publicUrl = new URL(page.url()).pathname;
      await poll(() =>
        page
          .getByRole('heading', {
            level: 1,
            name: "Readout of the President's Call with President Claudia Sheinbaum Pardo of Mexico",
          })
          .isVisible(),
      ).toBe(true);
      expect(await page.locator('article').textContent()).toContain(hostZone);
      expect(await axeViolations(page)).toEqual([]);
      // …and back: the public page links to the call in the staff app.
      await page.getByRole('link', { name: 'open this call in Hotline' }).click();
      await page.waitForURL(callUrl);
      await poll(() => page.getByRole('heading', { name: 'Story of the call' }).isVisible()).toBe(true);
    });

    await step(
      '5. a correction needs a reason, then the public page says corrected, when and why',
      async () => {
        const text = page.getByLabel('Corrected text (Markdown)');
        await poll(() => text.isVisible()).toBe(true);
        await text.fill(
          `${await text.inputValue()}\n\nThe leaders agreed that their border security teams will meet in Mexico City next month.`,
        );
        // Without a reason it is refused beside the field, and nothing is published.
        await page.getByRole('button', { name: 'Publish the correction' }).click();
        const reason = page.getByLabel('Why it is corrected');
        await poll(() => reason.getAttribute('aria-invalid')).toBe('true');
        expect(await page.getByText('Correction published.').count()).toBe(0);
        await reason.fill('The meeting of the border security teams was left out.');
        await page.getByRole('button', { name: 'Publish the correction' }).click();
        await poll(() =>
          page
            .getByText(/Correction published\./)
            .first()
            .isVisible(),
        ).toBe(true);
        await poll(() => page.getByTestId('readout-public-state').textContent()).toMatch(
          new RegExp(`^The readout is public, corrected ${hostDay}`),
        );
        await screenshot(page, 'readouts-2-corrected');
        await page.getByRole('link', { name: 'open the public readout' }).click();
        await page.waitForURL((u) => u.pathname === publicUrl);
        const notice = page.locator('.notice', { hasText: 'Corrected' });
        await poll(() => notice.isVisible()).toBe(true);
        expect(await notice.textContent()).toMatch(
          new RegExp(`^Corrected .*${hostZone}: The meeting of the border security teams was left out\\.$`),
        );
        expect(await page.locator('article').textContent()).toContain('will meet in Mexico City next month');
        expect(await axeViolations(page)).toEqual([]);
      },
    );

    await step('6. withdrawal needs a reason and asks first, saying what cannot be undone', async () => {
      await page.goto(callUrl);
      await poll(() => page.getByRole('heading', { name: 'Story of the call' }).isVisible()).toBe(true);
      await page.getByRole('button', { name: 'Withdraw the readout' }).click();
      const reason = page.getByLabel('Why it is withdrawn');
      await poll(() => reason.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByRole('dialog').count()).toBe(0);
      await reason.fill('Both governments agreed to issue a joint statement instead.');
      await page.getByRole('button', { name: 'Withdraw the readout' }).click();
      const dialog = page.getByRole('dialog');
      await poll(() => dialog.isVisible()).toBe(true);
      const asked = (await dialog.textContent()) ?? '';
      expect(asked).toContain('This cannot be undone');
      expect(asked).toContain('cannot be published or corrected again');
      expect(await axeViolations(page)).toEqual([]);
      await dialog.getByRole('button', { name: 'Withdraw the readout' }).click();
      await poll(() => page.getByText('Readout withdrawn.', { exact: true }).first().isVisible()).toBe(true);
      await poll(() => page.getByTestId('readout-public-state').textContent()).toMatch(
        /^The readout was withdrawn .*: Both governments agreed to issue a joint statement instead\./,
      );
      // Nothing left to correct or withdraw.
      expect(await page.getByRole('button', { name: 'Publish the correction' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Withdraw the readout' }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'readouts-3-withdrawn');
    });

    await step('7. the public page is a tombstone whose "Verify" still verifies', async () => {
      await page.getByRole('link', { name: 'open the public readout' }).click();
      await page.waitForURL((u) => u.pathname === publicUrl);
      const article = page.locator('article');
      await poll(() => article.textContent()).toContain('Withdrawn');
      const shown = (await article.textContent()) ?? '';
      expect(shown).toContain('Both governments agreed to issue a joint statement instead.');
      expect(shown).not.toContain('will meet in Mexico City next month');
      expect(shown).not.toContain('thanked President Claudia Sheinbaum Pardo');
      await e2e.server.ctx.log.integrateAll();
      await page.getByRole('button', { name: 'Verify this readout' }).click();
      await poll(() => page.locator('#verify-result').textContent()).toMatch(
        /^Verified: this readout is entry \d+ of the log/,
      );
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'readouts-4-tombstone-verified');
      expect(problems).toEqual([]);
    });
  });
});
