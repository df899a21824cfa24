import { MINUTE } from '@hotline/common';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations } from '../axe.js';
import {
  poll,
  ShiftedClock,
  screenshot,
  signInAs,
  startServer,
  type TestServer,
  watchConsole,
} from '../harness.js';
import { bytesFrom, connectedTo, launchRtcBrowser, pageAudio, rising, sasFor, sleep } from './rtc-harness.js';

/**
 * The in-app call through the real product: a demo server on PGlite, the staff web app, demo
 * sign-in, and the call page's "Secure call room". The US President, the President of France
 * and the US note-taker each join from their own browser; the secretariat connects the call;
 * the principals hang up. Everything lands in the call log and the records log.
 */
describe('a hotline call on the real call page', () => {
  const clock = new ShiftedClock();
  let server: TestServer;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  let call: {
    id: string;
    scheduled_start: Date | null;
    principal_id: string | null;
    counterpart_principal_id: string | null;
    listener_ids: string[];
  };
  let potus: Page;
  let macron: Page;
  let notetaker: Page;
  let trumpId: string;
  let macronId: string;
  let whitakerId: string;

  /** A browser context signed in as a demo persona, on the call's page. */
  async function openAs(name: string): Promise<Page> {
    const context = await browser.newContext({ timezoneId: 'America/New_York', bypassCSP: true });
    contexts.push(context);
    // Keep every RTCPeerConnection reachable for getStats (test instrumentation, not app code).
    await context.addInitScript(() => {
      window.__pcs = [];
      const Native = window.RTCPeerConnection;
      window.RTCPeerConnection = class extends Native {
        constructor(config?: RTCConfiguration) {
          super(config);
          window.__pcs.push(this);
        }
      };
    });
    const page = await context.newPage();
    problems.push(...watchConsole(page));
    await signInAs(page, server.url, name);
    await page.goto(`${server.url}/app/calls/${call.id}`);
    await poll(() => page.getByRole('heading', { name: 'Story of the call' }).isVisible()).toBe(true);
    return page;
  }

  async function callState(): Promise<string> {
    const row = await server.ctx.db
      .selectFrom('calls')
      .select('state')
      .where('id', '=', call.id)
      .executeTakeFirstOrThrow();
    return row.state;
  }

  beforeAll(async () => {
    // Sessions outlive the jump to the call's window (a day ahead).
    server = await startServer({ demo: true, clock, env: { sessionTtlHours: '72' } });
    browser = await launchRtcBrowser();
    // The demo's briefed call between the US President and the President of France, on the
    // in-app channel, with the US note-taker listening.
    call = await server.ctx.db
      .selectFrom('calls')
      .select(['id', 'scheduled_start', 'principal_id', 'counterpart_principal_id', 'listener_ids'])
      .where('state', '=', 'briefed')
      .where('channel', '=', 'hotline')
      .executeTakeFirstOrThrow();
    const users = await server.ctx.db.selectFrom('users').select(['id', 'display_name']).execute();
    const idOf = (name: string) => users.find((u) => u.display_name.includes(name))!.id;
    trumpId = idOf('Trump');
    macronId = idOf('Macron');
    whitakerId = idOf('Whitaker');
    expect([call.principal_id, call.counterpart_principal_id]).toEqual([trumpId, macronId]);
    expect(call.listener_ids).toEqual([whitakerId]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await server?.close();
  });

  it('refuses a participant before the window opens, and anyone who is not a participant', async () => {
    potus = await openAs('Donald J. Trump');
    // No Join button before the window: the room says when joining opens, in his zone.
    await poll(() => potus.locator('[data-testid="join-opens"]').textContent()).toMatch(
      /^Joining opens at .+ [ap]\.m\. E[SD]T, in /,
    );
    expect(await potus.locator('[data-testid="join"]').count()).toBe(0);

    // The press secretary is not on the call: the page offers no room, and the signaling
    // server refuses her even when she asks for it directly over the WebSocket.
    const press = await openAs('Rachel Moreno');
    expect(await press.locator('[data-testid="call-room"]').count()).toBe(0);
    const refusal = await press.evaluate(
      (callId) =>
        new Promise<{ type: string; code?: string; detail?: string }>((resolve, reject) => {
          const ws = new WebSocket(new URL('/api/v1/live', location.href).href.replace(/^http/, 'ws'));
          ws.onopen = () => ws.send(JSON.stringify({ type: 'join', callId }));
          ws.onmessage = (ev) => {
            const m = JSON.parse(String(ev.data));
            if (m.type === 'error' || m.type === 'joined') resolve(m);
          };
          ws.onerror = () => reject(new Error('websocket error'));
        }),
      call.id,
    );
    expect(refusal.type).toBe('error');
    expect(refusal.detail).toContain('You are not a participant of this call');
    await screenshot(potus, 'rtc-page-window-closed');
  });

  it('carries audio between the principals through the call page, the note-taker only listens, codes match', async () => {
    // Ten minutes before the start: the window is open.
    clock.setNow(new Date(call.scheduled_start!).getTime() - 10 * MINUTE);
    await potus.reload();
    await poll(() => potus.locator('[data-testid="join"]').isVisible()).toBe(true);
    macron = await openAs('Emmanuel Macron');
    notetaker = await openAs('James Whitaker');
    for (const p of [potus, macron, notetaker]) await p.locator('[data-testid="join"]').click();

    await connectedTo(potus, [macronId, whitakerId]);
    await connectedTo(macron, [trumpId, whitakerId]);
    await connectedTo(notetaker, [trumpId, macronId]);
    await poll(() =>
      macron.locator(`[data-testid="participant"][data-user-id="${whitakerId}"]`).textContent(),
    ).toContain('Listening');

    await sleep(1500);
    const [ab0, ab1] = await rising(potus, macronId);
    expect(ab1, 'the US President hears the President of France').toBeGreaterThan(ab0);
    const [ba0, ba1] = await rising(macron, trumpId);
    expect(ba1, 'the President of France hears the US President').toBeGreaterThan(ba0);
    const n1 = await pageAudio(notetaker);
    await sleep(1500);
    const n2 = await pageAudio(notetaker);
    expect(n2.inbound).toHaveLength(2);
    for (const [i, s] of n2.inbound.entries()) {
      expect(s.bytesReceived).toBeGreaterThan(n1.inbound[i]?.bytesReceived ?? 0);
    }
    expect(n2.outboundBytes, 'the note-taker sends nothing').toBe(0);
    expect(n2.directions.every((d) => d === 'recvonly')).toBe(true);
    expect(await bytesFrom(potus, whitakerId)).toBe(0);

    const code = await sasFor(potus, macronId);
    expect(code).toMatch(/^\d{6}$/);
    expect(await sasFor(macron, trumpId)).toBe(code);
    expect(await sasFor(potus, whitakerId)).toBe(await sasFor(notetaker, trumpId));
    expect(await sasFor(macron, whitakerId)).toBe(await sasFor(notetaker, macronId));
    await poll(() => potus.locator('[data-testid="stat-rtt"]').first().textContent()).toMatch(/^\d+ ms$/);
    await screenshot(potus, 'rtc-page-in-call');
  });

  it('the secretariat connects the call; both principals verify the code', async () => {
    const secretariat = await openAs('Linda Park');
    // The secretariat runs the call but is not on the line.
    expect(await secretariat.locator('[data-testid="call-room"]').count()).toBe(0);
    await secretariat.getByRole('button', { name: 'Connect the call' }).click();
    await poll(() => callState()).toBe('in_progress');

    await potus
      .locator(`[data-testid="participant"][data-user-id="${macronId}"] [data-testid="sas-match"]`)
      .click();
    await macron
      .locator(`[data-testid="participant"][data-user-id="${trumpId}"] [data-testid="sas-match"]`)
      .click();
    expect(await potus.locator('[data-testid="sas-alarm"]').count()).toBe(0);
  });

  it('8. during the call: the call log updates live and says who verified with whom; the note-taker only listens and keeps private notes; End the call stands apart from Leave', async () => {
    // The President's page was not reloaded: its call log fills in as the codes are verified.
    const pairs = potus.locator('[data-testid="verified-pairs"]');
    await poll(() => pairs.textContent()).toContain('Donald J. Trump with Emmanuel Macron');
    await poll(() => pairs.textContent()).toContain('Emmanuel Macron with Donald J. Trump');
    await poll(() => potus.locator('figure.timeline ol').textContent()).toContain(
      'Donald J. Trump verified the code with Emmanuel Macron',
    );
    // The speakers read their codes aloud; the note-taker, who only listens, is not asked to.
    expect(await potus.getByText(/^Read this code to Emmanuel Macron/).count()).toBe(1);
    expect(await notetaker.getByText(/Read this code/).count()).toBe(0);
    expect(await notetaker.locator('[data-testid="sas-listen-only"]').count()).toBe(2);
    // The note-taker's private notes pad, kept on the server for them alone.
    await notetaker
      .locator('#notes-body')
      .fill('Macron: proposed a joint Arctic patrol\nAgreed to follow up by letter');
    await notetaker.getByRole('button', { name: 'Save my notes' }).click();
    await poll(() => notetaker.locator('[data-testid="notes-status"]').textContent()).toMatch(
      /^Saved at \d{1,2}:\d\d [ap]\.m\. E[SD]T\.$/,
    );
    expect(await macron.locator('#notes-body').count()).toBe(0);
    const theirs = await macron.evaluate(
      async (id) => (await fetch(`/api/v1/calls/${id}/notes`)).status,
      call.id,
    );
    expect(theirs).toBe(403);
    expect(await axeViolations(notetaker, { wcagOnly: true })).toEqual([]);
    await screenshot(notetaker, 'rtc-page-notetaker');
    // The President ends the call for everyone in its own place, apart from Leave (which only
    // hangs up), and the actions panel offers no second "End the call" during the call.
    const zone = potus.locator('[data-testid="end-call-zone"]');
    expect(await zone.getByRole('button', { name: 'End the call for everyone' }).isVisible()).toBe(true);
    expect(await zone.locator('[data-testid="leave"]').count()).toBe(0);
    expect(await potus.locator('.call-room-buttons [data-testid="end-call"]').count()).toBe(0);
    expect(await potus.getByRole('button', { name: 'End the call', exact: true }).count()).toBe(0);
    const leave = (await potus.locator('[data-testid="leave"]').boundingBox())!;
    const end = (await zone.getByRole('button', { name: 'End the call for everyone' }).boundingBox())!;
    expect(end.y).toBeGreaterThan(leave.y + leave.height);
    expect(await potus.locator('#leave-hint').textContent()).toBe(
      'You hang up; the call goes on for the others.',
    );
    expect(await notetaker.locator('[data-testid="end-call"]').count()).toBe(0);
    expect(await axeViolations(potus, { wcagOnly: true })).toEqual([]);
    await screenshot(potus, 'rtc-page-end-apart');
  });

  it('a dropped WebSocket reconnects to the real server and audio resumes', async () => {
    const peer = await potus.locator('[data-testid="participant-self"]').getAttribute('data-peer-id');
    expect(server.app.liveHub.dropConnection(peer!)).toBe(true);
    await potus
      .locator('[data-testid="call-state"]', { hasText: 'reconnected 1×' })
      .waitFor({ timeout: 20_000 });
    await connectedTo(potus, [macronId, whitakerId]);
    await sleep(1000);
    const [r0, r1] = await rising(potus, macronId);
    expect(r1).toBeGreaterThan(r0);
    const [s0, s1] = await rising(macron, trumpId);
    expect(s1).toBeGreaterThan(s0);
  });

  it('when the last principal hangs up the call is completed, and the call log and records log hold every step', async () => {
    await macron.locator('[data-testid="leave"]').click();
    await poll(() => potus.locator(`[data-testid="participant"][data-user-id="${macronId}"]`).count()).toBe(
      0,
    );
    expect(await callState()).toBe('in_progress');
    await potus.locator('[data-testid="leave"]').click();
    await poll(() => callState()).toBe('completed');

    const log = await server.ctx.db
      .selectFrom('call_log_entries')
      .select(['kind', 'user_id', 'record_seq'])
      .where('call_id', '=', call.id)
      .orderBy('at')
      .execute();
    const entries = log.map((l) => `${l.kind}:${l.user_id}`);
    expect(entries).toEqual(
      expect.arrayContaining([
        `joined:${trumpId}`,
        `joined:${macronId}`,
        `listening:${whitakerId}`,
        `verified:${trumpId}`,
        `verified:${macronId}`,
        `left:${macronId}`,
        `left:${trumpId}`,
      ]),
    );
    // Each entry is a record in the log, and the lifecycle steps are records too.
    const records = await server.ctx.db
      .selectFrom('records')
      .select(['seq', 'kind'])
      .where('subject', '=', call.id)
      .execute();
    const seqs = new Set(records.map((r) => String(r.seq)));
    for (const l of log) expect(seqs.has(String(l.record_seq)), `record of ${l.kind}`).toBe(true);
    const kinds = records.map((r) => r.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['call.log.joined', 'call.log.listening', 'call.log.verified', 'call.log.left']),
    );
    const events = await server.ctx.db
      .selectFrom('call_events')
      .select(['action', 'to_state'])
      .where('call_id', '=', call.id)
      .execute();
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(['connect', 'end']));

    // The story of the call shows who joined, listened, verified and left.
    await potus.reload();
    await poll(() => potus.getByText('Completed', { exact: true }).first().isVisible()).toBe(true);
    for (const line of [
      'Donald J. Trump joined',
      'James Whitaker is listening',
      'Emmanuel Macron verified the code',
      'Donald J. Trump left',
    ]) {
      await poll(() => potus.getByText(line).first().isVisible()).toBe(true);
    }
    await screenshot(potus, 'rtc-page-completed');
    expect(problems).toEqual([]);
  });

  it('8. after the call, the note-taker’s memcon draft starts from their private notes', async () => {
    await notetaker.reload();
    const paras = notetaker.locator('#mc-paras');
    await poll(() => paras.inputValue()).toBe(
      'Macron | (C) | proposed a joint Arctic patrol\nNote | (C) | Agreed to follow up by letter',
    );
    expect(problems).toEqual([]);
  });
});
