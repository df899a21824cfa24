import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './axe.js';
import { poll, withMessagingDevices } from './harness.js';

/**
 * Issue 16 in Chromium: people of two offices message each other end to end (MLS), each office's
 * records member in every conversation. Three browser contexts (three devices of three people),
 * one real server. The markers sent never reach the server's files readable.
 */

declare global {
  interface Window {
    /** The page's messaging client (packages/web/src/messages/client.ts), typed loosely here. */
    hotlineMessaging?: {
      send(groupId: string, text: string): Promise<void>;
      createBareConversation(): Promise<string>;
      deviceId: string;
      store: { sealingKey: CryptoKey; rawValues(): Promise<unknown[]> };
    };
  }
}

const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const MARK = (n: string) => `MSGMARK-${RUN}-${n}`;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

describe('messaging (MLS, records member in every conversation)', () => {
  // The records members run as their own processes (hotline records-member), as npm start runs them.
  const e2e = withMessagingDevices();
  const { problems, signIn } = e2e;

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

  /** Wait until this page's messaging client has started (device keys, credential, key packages). */
  async function clientReady(page: Page) {
    await poll(() => page.evaluate(() => window.hotlineMessaging !== undefined)).toBe(true);
  }

  let margaret: Page;
  let genevieve: Page;
  let linda: Page;
  let conversationUrl: string;

  it('a person messages another office’s persona in two clicks from the start page, and the other reads it live', async () => {
    genevieve = await signIn('Geneviève Tremblay');
    linda = await signIn('Linda Park');
    margaret = await signIn('Margaret Ellison');
    await clientReady(genevieve);
    await clientReady(linda);
    await clientReady(margaret);

    // Click 1: Messages. Click 2: "Message Geneviève Tremblay".
    await nav(margaret)
      .getByRole('link', { name: /^Messages/ })
      .click();
    await margaret.getByRole('button', { name: 'Message Geneviève Tremblay' }).click();
    await margaret.waitForURL(/\/app\/messages\/[0-9a-f-]{36}$/);
    conversationUrl = margaret.url();
    await expect
      .poll(() => margaret.getByRole('note').filter({ hasText: 'Preserved by the records of' }).textContent())
      .toMatch(
        /Office of the President of the United States.*Office of the Prime Minister of Canada|Office of the Prime Minister of Canada.*Office of the President/,
      );

    // The records members are visible members.
    await poll(() =>
      margaret.getByText(/Records member of Office of the Prime Minister of Canada/).isVisible(),
    ).toBe(true);

    await margaret.getByLabel('Message', { exact: true }).fill(MARK('hello'));
    await margaret.getByRole('button', { name: 'Send' }).click();
    await poll(() => margaret.getByText(MARK('hello')).isVisible()).toBe(true);

    // Geneviève: the unread count appears in the navigation without a reload, then the message.
    const badge = nav(genevieve).getByRole('link', { name: /^Messages/ });
    await poll(() => badge.textContent()).toMatch(/Messages\s*1\s*unread/);
    await badge.click();
    await genevieve.getByRole('link', { name: /Margaret Ellison/ }).click();
    await poll(() => genevieve.getByText(MARK('hello')).isVisible()).toBe(true);
    await poll(() => badge.textContent()).toBe('Messages');

    // Both offices' records members archive it (their own processes), and both sides see "archived".
    for (const page of [margaret, genevieve])
      await poll(() =>
        page
          .getByRole('listitem')
          .filter({ hasText: MARK('hello') })
          .getByText('archived', { exact: true })
          .isVisible(),
      ).toBe(true);

    // She replies with a file.
    await genevieve.getByLabel('Message', { exact: true }).fill(MARK('reply'));
    await genevieve.getByLabel('Attach a file').setInputFiles({
      name: 'brief.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(MARK('file-body')),
    });
    await genevieve.getByRole('button', { name: 'Send' }).click();
    await poll(() => genevieve.getByText(MARK('reply')).isVisible()).toBe(true);

    await poll(() => margaret.getByText(MARK('reply')).isVisible()).toBe(true);
    const download = margaret.waitForEvent('download');
    await margaret.getByRole('button', { name: /Download brief\.txt/ }).click();
    const file = await download;
    const path = await file.path();
    expect(readFileSync(path, 'utf8')).toBe(MARK('file-body'));

    // Safety codes: what Margaret sees for Geneviève is what Geneviève sees for herself.
    const codeOf = async (page: Page, who: RegExp) =>
      page.getByRole('listitem').filter({ hasText: who }).locator('.safety-code').first().textContent();
    await poll(() => codeOf(margaret, /^Geneviève Tremblay/)).toMatch(/^Safety code \d{5}( \d{5}){5}$/);
    expect(await codeOf(margaret, /^Geneviève Tremblay/)).toBe(
      await codeOf(genevieve, /^Geneviève Tremblay \(you\)/),
    );
  }, 180_000);

  it('adds and removes a member; the removed member can no longer read or send', async () => {
    await margaret
      .getByLabel('Add a person')
      .selectOption({ label: 'Linda Park, Office of the President of the United States' });
    await margaret.getByRole('button', { name: 'Add to the conversation' }).click();
    await poll(() => margaret.getByText(/You added Linda Park/).isVisible()).toBe(true);

    await linda.goto(conversationUrl);
    await poll(() => linda.getByText(/You were added to this conversation/).isVisible()).toBe(true);
    await margaret.getByLabel('Message', { exact: true }).fill(MARK('for-three'));
    await margaret.getByRole('button', { name: 'Send' }).click();
    await poll(() => linda.getByText(MARK('for-three')).isVisible()).toBe(true);
    // The change shows to everyone, Geneviève included.
    await poll(() => genevieve.getByText(/Margaret Ellison added Linda Park/).isVisible()).toBe(true);

    await margaret.getByRole('button', { name: 'Remove Linda Park' }).click();
    await poll(() => margaret.getByText(/You removed Linda Park/).isVisible()).toBe(true);
    await margaret.getByLabel('Message', { exact: true }).fill(MARK('after-removal'));
    await margaret.getByRole('button', { name: 'Send' }).click();
    await poll(() => genevieve.getByText(MARK('after-removal')).isVisible()).toBe(true);

    await poll(() =>
      linda
        .getByText(/no longer a member/)
        .first()
        .isVisible(),
    ).toBe(true);
    expect(await linda.getByText(MARK('after-removal')).count()).toBe(0);
    expect(await linda.getByRole('button', { name: 'Send' }).count()).toBe(0);
    // Even through the client API, with the form gone: refused.
    const sent = await linda.evaluate(
      async ([id, text]) => {
        try {
          await window.hotlineMessaging!.send(id!, text!);
          return 'sent';
        } catch (e) {
          return (e as Error).message;
        }
      },
      [conversationUrl.split('/').pop(), MARK('from-removed')],
    );
    expect(sent).toMatch(/no longer a member|not in that conversation/);
  }, 180_000);

  it('a client whose roster lacks a records member refuses to send, and says why', async () => {
    const result = await margaret.evaluate(async () => {
      const c = window.hotlineMessaging!;
      const id = await c.createBareConversation();
      try {
        await c.send(id, 'never sent');
        return { id, error: null };
      } catch (e) {
        return { id, error: (e as Error).message };
      }
    });
    expect(result.error).toMatch(/not preserved: office .* has no records member/);
    await margaret.goto(`${e2e.server.url}/app/messages/${result.id}`);
    await poll(() => margaret.getByRole('alert').filter({ hasText: 'Sending is refused' }).isVisible()).toBe(
      true,
    );
    expect(await margaret.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
  }, 60_000);

  it('state survives a reload; the sealing key cannot be exported and nothing readable is at rest', async () => {
    await genevieve.reload();
    await poll(() => genevieve.getByText(MARK('after-removal')).isVisible()).toBe(true);
    await genevieve.getByLabel('Message', { exact: true }).fill(MARK('after-reload'));
    await genevieve.getByRole('button', { name: 'Send' }).click();
    await margaret.goto(conversationUrl);
    await poll(() => margaret.getByText(MARK('after-reload')).isVisible()).toBe(true);
    const atRest = await genevieve.evaluate(async () => {
      const c = window.hotlineMessaging!;
      const raw = await c.store.rawValues();
      const text = JSON.stringify(raw, (_k, v) =>
        v instanceof ArrayBuffer || ArrayBuffer.isView(v)
          ? new TextDecoder('latin1').decode(v as ArrayBuffer)
          : (v as unknown),
      );
      return { extractable: c.store.sealingKey.extractable, text };
    });
    expect(atRest.extractable).toBe(false);
    expect(atRest.text).not.toContain('MSGMARK');
  }, 60_000);

  it('the Messages screen and a conversation pass axe, also at 390 px', async () => {
    await margaret.goto(`${e2e.server.url}/app/messages`);
    await poll(() => margaret.getByRole('heading', { name: 'Conversations' }).isVisible()).toBe(true);
    expect(await axeViolations(margaret)).toEqual([]);
    await margaret.goto(conversationUrl);
    await poll(() => margaret.getByText(MARK('after-reload')).isVisible()).toBe(true);
    expect(await axeViolations(margaret)).toEqual([]);

    const phone = await signIn('Geneviève Tremblay', { width: 390, height: 844 });
    await phone.goto(`${e2e.server.url}/app/messages`);
    await poll(() => phone.getByRole('heading', { name: 'Conversations' }).isVisible()).toBe(true);
    expect(await axeViolations(phone)).toEqual([]);
    const overflow = (page: Page) =>
      page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow(phone)).toBeLessThanOrEqual(0);
    // The disappearing-messages timer is the conversation's setting, seen by the other member too.
    await margaret.getByLabel('Messages disappear after').selectOption({ label: '1 day' });
    await genevieve.goto(conversationUrl);
    await poll(() => genevieve.getByLabel('Messages disappear after').inputValue()).toBe('86400');

    // A conversation on a phone-width screen.
    await margaret.setViewportSize({ width: 390, height: 844 });
    await margaret.goto(conversationUrl);
    await poll(() => margaret.getByText(MARK('after-reload')).isVisible()).toBe(true);
    expect(await axeViolations(margaret)).toEqual([]);
    expect(await overflow(margaret)).toBeLessThanOrEqual(0);
    for (const p of problems) expect(p).toEqual([]);
  }, 120_000);

  it('a person’s new device joins their conversations; a removed one leaves them and reads nothing new', async () => {
    // Margaret signs in on a second browser: a new device, with its own credential and key packages.
    const second = await signIn('Margaret Ellison');
    await clientReady(second);
    // Her first device, on its next sync, sees a credential its conversations lack and adds it.
    await margaret.goto(conversationUrl);
    await poll(() => margaret.getByText(/added a new device of Margaret Ellison/).isVisible()).toBe(true);
    await second.goto(conversationUrl);
    await poll(() => second.getByText('You were added to this conversation.').isVisible()).toBe(true);
    await genevieve.goto(conversationUrl);
    await poll(() => genevieve.getByText(/added a new device of Margaret Ellison/).isVisible()).toBe(true);
    await genevieve.getByLabel('Message', { exact: true }).fill(MARK('to-both-devices'));
    await genevieve.getByRole('button', { name: 'Send' }).click();
    for (const page of [second, margaret])
      await poll(() => page.getByText(MARK('to-both-devices')).isVisible()).toBe(true);

    // The second device is lost: Margaret removes it from her first one (asked first).
    const lostId = await second.evaluate(() => window.hotlineMessaging!.deviceId);
    await margaret.goto(`${e2e.server.url}/app/messages`);
    const devicesPanel = margaret.getByRole('region', { name: 'Your devices' });
    await poll(() => devicesPanel.getByText('This device').isVisible()).toBe(true);
    await devicesPanel.getByRole('button', { name: `Remove device ${lostId.slice(0, 8)}` }).click();
    const dialog = margaret.getByRole('dialog', { name: 'Remove this device?' });
    await poll(() => dialog.isVisible()).toBe(true);
    expect(await axeViolations(margaret)).toEqual([]);
    await dialog.getByRole('button', { name: 'Remove the device' }).click();
    await poll(() => margaret.getByText(`Removed device ${lostId}.`).isVisible()).toBe(true);
    await margaret.goto(conversationUrl);
    await poll(() => margaret.getByText(/You removed a device of Margaret Ellison/).isVisible()).toBe(true);
    // What is sent now reaches her first device, not the lost one.
    await genevieve.goto(conversationUrl);
    await poll(() => genevieve.getByText(/removed a device of Margaret Ellison/).isVisible()).toBe(true);
    await genevieve.getByLabel('Message', { exact: true }).fill(MARK('after-device-removal'));
    await genevieve.getByRole('button', { name: 'Send' }).click();
    await poll(() => margaret.getByText(MARK('after-device-removal')).isVisible()).toBe(true);
    await second.goto(conversationUrl);
    await poll(() =>
      second.getByText(/You were removed: this device can no longer read or send here/).isVisible(),
    ).toBe(true);
    expect(await second.getByText(MARK('after-device-removal')).count()).toBe(0);
  }, 180_000);

  it('no marker is readable in the server’s data directory (files, logs, blobs)', async () => {
    const dataDir = e2e.server.ctx.cfg.dataDir;
    const hits: string[] = [];
    for (const f of filesUnder(dataDir)) {
      const bytes = readFileSync(f);
      if (bytes.includes(`MSGMARK-${RUN}`) || bytes.includes(Buffer.from(`MSGMARK-${RUN}`, 'utf16le')))
        hits.push(f);
    }
    expect(hits).toEqual([]);
  }, 120_000);
});
