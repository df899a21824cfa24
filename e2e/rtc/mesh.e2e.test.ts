import { ManualClock, MINUTE } from '@hotline/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelayedSignal } from '../../packages/server/src/live/types.js';
import { LISTENER, newCall, PRINCIPAL } from '../../packages/server/test/live/helpers.js';
import { watchConsole } from '../harness.js';
import {
  bytesFrom,
  callPageUrl,
  connectedTo,
  launchRtcBrowser,
  pageAudio,
  type RtcServer,
  rising,
  sasFor,
  sleep,
  startRtcServer,
} from './rtc-harness.js';

/**
 * Two principals and a listener in their own browser contexts, in real Chromium with fake
 * audio devices. Media goes peer to peer over host candidates on this machine's addresses.
 */
describe('hotline call in the browser (WebRTC mesh)', () => {
  let browser: Browser;
  let server: RtcServer;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  /** Calls whose relay swaps the DTLS fingerprint of one user's descriptions (a man in the middle). */
  const mitm = new Map<string, string>();

  function forgeFingerprint(s: RelayedSignal): RelayedSignal {
    const victim = mitm.get(s.callId);
    if (!victim || !s.description?.sdp) return s;
    const from = server.hub.peers(s.callId).find((p) => p.peerId === s.from);
    if (from?.userId !== victim) return s;
    // Flip the first byte of the fingerprint, as a relay that terminates DTLS itself would have to.
    const sdp = s.description.sdp.replace(
      /^(a=fingerprint:sha-256 )([0-9A-F]{2})/gm,
      (_m, prefix: string, byte: string) => prefix + (byte === '00' ? '01' : '00'),
    );
    return { ...s, description: { ...s.description, sdp } };
  }

  async function open(callId: string, as: string, name: string): Promise<Page> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    problems.push(...watchConsole(page));
    await page.goto(callPageUrl(server, callId, as, name));
    return page;
  }

  beforeAll(async () => {
    server = await startRtcServer({ transformSignal: forgeFingerprint });
    browser = await launchRtcBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  it('carries audio both ways between principals, the listener only receives, and all see the same codes', async () => {
    const call = newCall(
      { alice: PRINCIPAL, bob: PRINCIPAL, nora: LISTENER },
      new Date('2026-03-10T14:00:00Z'),
    );
    server.calls.set(call.id, call);
    const alice = await open(call.id, 'alice', 'President Alice');
    const bob = await open(call.id, 'bob', 'Prime Minister Bob');
    const nora = await open(call.id, 'nora', 'Nora (note-taker)');

    await connectedTo(alice, ['bob', 'nora']);
    await connectedTo(bob, ['alice', 'nora']);
    await connectedTo(nora, ['alice', 'bob']);

    // Everyone is listed, the listener as listening.
    await expect
      .poll(() => bob.locator('[data-testid="participant"][data-role="listener"]').textContent())
      .toContain('Listening');

    // Audio both ways between the principals; the listener hears both.
    await sleep(1500);
    const [ab0, ab1] = await rising(alice, 'bob');
    expect(ab1).toBeGreaterThan(ab0);
    const [ba0, ba1] = await rising(bob, 'alice');
    expect(ba1).toBeGreaterThan(ba0);
    for (const from of ['alice', 'bob']) {
      const [n0, n1] = await rising(nora, from);
      expect(n1, `nora hears ${from}`).toBeGreaterThan(n0);
    }
    // Straight from getStats(): every inbound-rtp at the principals and the listener rises.
    const a1 = await pageAudio(alice);
    const n1 = await pageAudio(nora);
    await sleep(1500);
    const a2 = await pageAudio(alice);
    const n2 = await pageAudio(nora);
    expect(n2.inbound).toHaveLength(2);
    n2.inbound.forEach((s, i) => {
      expect(s.bytesReceived).toBeGreaterThan(n1.inbound[i]?.bytesReceived ?? 0);
      expect(s.totalAudioEnergy).toBeGreaterThan(0);
    });
    expect(a2.inbound.find((s, i) => s.bytesReceived > (a1.inbound[i]?.bytesReceived ?? 0))).toBeTruthy();
    // The listener sends nothing: no outbound audio, receive-only transceivers.
    expect(n2.outboundBytes).toBe(0);
    expect(n2.directions.length).toBeGreaterThan(0);
    expect(n2.directions.every((d) => d === 'recvonly')).toBe(true);
    // Nothing arrives from the listener at the principals.
    expect(await bytesFrom(alice, 'nora')).toBe(0);

    // The same code per pair on both sides, and different codes for different pairs.
    const ab = await sasFor(alice, 'bob');
    expect(ab).toMatch(/^\d{6}$/);
    expect(await sasFor(bob, 'alice')).toBe(ab);
    expect(await sasFor(alice, 'nora')).toBe(await sasFor(nora, 'alice'));
    expect(await sasFor(bob, 'nora')).toBe(await sasFor(nora, 'bob'));
    expect(new Set([ab, await sasFor(alice, 'nora'), await sasFor(bob, 'nora')]).size).toBe(3);
    await expect
      .poll(() => alice.locator('[data-testid="stat-rtt"]').first().textContent())
      .toMatch(/^\d+ ms$/);

    // Verified on both sides: recorded with the code.
    await alice.locator('[data-testid="participant"][data-user-id="bob"] [data-testid="sas-match"]').click();
    await bob.locator('[data-testid="participant"][data-user-id="alice"] [data-testid="sas-match"]').click();
    await expect.poll(() => server.events.filter((e) => e.kind === 'verification').length).toBe(2);
    expect(server.events.filter((e) => e.kind === 'join').map((e) => e.userId)).toEqual([
      'alice',
      'bob',
      'nora',
    ]);
    // Each side shows the pair as verified by both, and neither raises the alarm.
    for (const [page, other] of [
      [alice, 'bob'],
      [bob, 'alice'],
    ] as const) {
      const result = page.locator(
        `[data-testid="participant"][data-user-id="${other}"] [data-testid="sas-result"]`,
      );
      await expect
        .poll(() => result.textContent())
        .toMatch(/^You verified the code with .+ · verified by .+ too$/);
      expect(await result.getAttribute('data-result')).toBe('verified');
      expect(await page.locator('[data-testid="sas-alarm"]').count()).toBe(0);
    }

    // The server cuts Alice's WebSocket: she reconnects with the same peer id, ICE restarts,
    // audio flows again, and Bob never sees her leave.
    const alicePeer = await alice.locator('[data-testid="participant-self"]').getAttribute('data-peer-id');
    expect(server.hub.dropConnection(alicePeer!)).toBe(true);
    await alice
      .locator('[data-testid="call-state"]', { hasText: 'reconnected 1×' })
      .waitFor({ timeout: 15_000 });
    expect(await alice.locator('[data-testid="participant-self"]').getAttribute('data-peer-id')).toBe(
      alicePeer,
    );
    await connectedTo(alice, ['bob', 'nora']);
    await sleep(1000);
    const [r0, r1] = await rising(alice, 'bob');
    expect(r1).toBeGreaterThan(r0);
    const [s0, s1] = await rising(bob, 'alice');
    expect(s1).toBeGreaterThan(s0);
    expect(await bob.locator(`[data-testid="participant"][data-peer-id="${alicePeer}"]`).count()).toBe(1);
    expect(server.events.filter((e) => e.kind === 'leave')).toEqual([]);
    // The verification code survives the ICE restart (same certificates).
    expect(await sasFor(alice, 'bob')).toBe(ab);

    // Bob hangs up: recorded, and the others see him go.
    await bob.locator('[data-testid="leave"]').click();
    await expect.poll(() => alice.locator('[data-testid="participant"][data-user-id="bob"]').count()).toBe(0);
    await expect.poll(() => server.events.at(-1)?.kind).toBe('leave');
    expect(problems).toEqual([]);
  });

  it('refuses a user who is not a participant, and a participant outside the window, saying why', async () => {
    const call = newCall({ alice: PRINCIPAL }, new Date('2026-03-10T14:00:00Z'));
    const later = newCall({ alice: PRINCIPAL }, new Date('2026-03-11T09:00:00Z'));
    server.calls.set(call.id, call);
    server.calls.set(later.id, later);
    const mallory = await open(call.id, 'mallory', 'Mallory');
    await expect
      .poll(() => mallory.locator('[data-testid="call-error"]').textContent())
      .toBe('You are not a participant of this call.');
    expect(await mallory.locator('[data-testid="call-state"]').textContent()).toBe('Not admitted');
    const early = await open(later.id, 'alice', 'President Alice');
    await expect
      .poll(() => early.locator('[data-testid="call-error"]').textContent())
      .toContain('opens 15 minutes before the start at 08:45 UTC');
    expect(server.clock).toBeInstanceOf(ManualClock);
    expect(MINUTE).toBe(60_000);
  });

  it('shows different codes and the alarm when the relay swaps a fingerprint', async () => {
    const call = newCall({ carol: PRINCIPAL, dave: PRINCIPAL }, new Date('2026-03-10T14:00:00Z'));
    server.calls.set(call.id, call);
    mitm.set(call.id, 'carol');
    const carol = await open(call.id, 'carol', 'Chancellor Carol');
    const dave = await open(call.id, 'dave', 'President Dave');
    const codeAtCarol = carol.locator(
      '[data-testid="participant"][data-user-id="dave"] [data-testid="sas-code"]',
    );
    const codeAtDave = dave.locator(
      '[data-testid="participant"][data-user-id="carol"] [data-testid="sas-code"]',
    );
    await codeAtCarol.waitFor({ timeout: 20_000 });
    await codeAtDave.waitFor({ timeout: 20_000 });
    const c = await codeAtCarol.getAttribute('data-code');
    const d = await codeAtDave.getAttribute('data-code');
    expect(c).toMatch(/^\d{6}$/);
    expect(d).toMatch(/^\d{6}$/);
    expect(c).not.toBe(d);

    await dave
      .locator('[data-testid="participant"][data-user-id="carol"] [data-testid="sas-differ"]')
      .click();
    const alarm = dave.locator('[data-testid="sas-alarm"]');
    await alarm.waitFor();
    expect(await alarm.textContent()).toContain('the connection may be intercepted');
    // Carol is told too (through the same server, so only as a courtesy, not a guarantee).
    await carol.locator('[data-testid="sas-alarm"]').waitFor();
    expect(await carol.locator('[data-testid="sas-alarm"]').textContent()).toContain('User dave reports');
    await expect
      .poll(() => server.events.find((e) => e.kind === 'verification' && e.callId === call.id))
      .toMatchObject({ userId: 'dave', withUserId: 'carol', result: 'mismatch', code: d });
  });
});
