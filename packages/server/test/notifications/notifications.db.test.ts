import { silentLogger } from '@hotline/common';
import type { LiveServerMessage, NotificationList } from '@hotline/contract';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import PostalMime from 'postal-mime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/app.js';
import { AppContext } from '../../src/context.js';
import type { App } from '../../src/http/types.js';
import { LIVE_PATH } from '../../src/live/index.js';
import { type CallWorld, http, newCallWorld, requestInput } from '../calls/world.js';
import { sameOrigin, signInAs } from '../helpers/http.js';
import { type SmtpSink, startSmtpSink } from './smtp-sink.js';

/**
 * Issue 14 item 10, issue 15 item 2: the next person in a call's chain learns that a step waits
 * for them. Written with the state change, listed with an unread count, marked read, chosen per
 * kind, pushed live over /api/v1/live (to a socket on another node on PostgreSQL), and emailed
 * through a real SMTP server process with no classified content.
 */
const onPostgres = process.env.HOTLINE_TEST_DB === 'postgres';

async function list(w: CallWorld, who: { userId: string }): Promise<NotificationList> {
  const res = await http(w, who as never, 'GET', '/api/v1/notifications');
  expect(res.statusCode).toBe(200);
  return res.json() as NotificationList;
}

/** A signed-in WebSocket to /api/v1/live, collecting what the server pushes. */
async function liveSocket(app: App, cookie: string, origin: string) {
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  const ws = new WebSocket(`ws://127.0.0.1:${addr.port}${LIVE_PATH}`, { headers: { cookie, origin } });
  const got: LiveServerMessage[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d)) as LiveServerMessage));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // Authentication finishes after the upgrade: a ping answered means the socket is the person's.
  ws.send(JSON.stringify({ type: 'ping', t: 1 }));
  await until(() => got.some((m) => m.type === 'pong'));
  return {
    ws,
    got,
    async next<T extends LiveServerMessage['type']>(type: T) {
      await until(() => got.some((m) => m.type === type));
      const i = got.findIndex((m) => m.type === type);
      return got.splice(i, 1)[0] as Extract<LiveServerMessage, { type: T }>;
    },
  };
}

async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('notifications in the app', () => {
  let w: CallWorld;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    w.t.clock.set('2026-10-01T12:00:00Z');
  });
  afterAll(async () => w.close());

  it('tells the next people in the chain, in the transaction of the step, and not the one who took it', async () => {
    const { staff, reviewer, secretariat } = w.host.people;
    const before = await list(w, reviewer!);
    const id = await w.t.ctx.calls.requests.request(staff!, requestInput(w));
    // Every reviewer of the host office is told; the requester is not.
    for (const r of [reviewer!, w.reviewer2, w.reviewer3]) {
      const l = await list(w, r);
      const mine = l.items.filter((n) => n.callId === id);
      expect(mine.map((n) => [n.kind, n.step])).toEqual([['review', 'Review the request']]);
      expect(mine[0]!.link).toBe(`/app/calls/${id}`);
    }
    expect((await list(w, reviewer!)).unread).toBe(before.unread + 1);
    expect((await list(w, staff!)).items.filter((n) => n.callId === id)).toEqual([]);
    // The row and the call's step are one transaction: a refused step leaves neither.
    await expect(w.t.ctx.calls.requests.transition(staff!, id, 'connect')).rejects.toThrow();
    expect((await list(w, secretariat!)).items.filter((n) => n.callId === id)).toHaveLength(1);

    await w.t.ctx.calls.requests.review(reviewer!, id, { recommendation: 'approve', notes: 'Fine.' });
    // The secretariat may begin a review, and schedules the approved call.
    const s = (await list(w, secretariat!)).items.filter((n) => n.callId === id);
    expect(s.map((n) => `${n.kind}: ${n.step}`).sort()).toEqual([
      'review: Begin review',
      'schedule: Schedule',
    ]);
  });

  it('marks read, one or all, and counts what is left', async () => {
    const { reviewer } = w.host.people;
    await w.t.ctx.calls.requests.request(w.host.people.staff!, requestInput(w));
    const l = await list(w, reviewer!);
    expect(l.unread).toBeGreaterThanOrEqual(2);
    const first = l.items[0]!;
    const one = await http(w, reviewer!, 'POST', '/api/v1/notifications/read', { ids: [first.id] });
    expect(one.json()).toEqual({ unread: l.unread - 1 });
    expect((await list(w, reviewer!)).items.find((n) => n.id === first.id)?.readAt).not.toBeNull();
    // Someone else's id marks nothing.
    const other = await http(w, w.reviewer2, 'POST', '/api/v1/notifications/read', { ids: [first.id] });
    expect(other.json()).toEqual({ unread: (await list(w, w.reviewer2)).unread });
    const all = await http(w, reviewer!, 'POST', '/api/v1/notifications/read', { all: true });
    expect(all.json()).toEqual({ unread: 0 });
    const bad = await http(w, reviewer!, 'POST', '/api/v1/notifications/read', {});
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
  });

  it('follows each person’s choices per kind, and a change of choices is a record', async () => {
    const r2 = w.reviewer2;
    const prefs = await http(w, r2, 'GET', '/api/v1/notifications/preferences');
    expect(prefs.json()).toMatchObject({
      emailAvailable: false,
      kinds: { review: { inApp: true, email: true } },
    });
    const kinds = { ...prefs.json().kinds, review: { inApp: false, email: false } };
    const put = await http(w, r2, 'PUT', '/api/v1/notifications/preferences', { kinds });
    expect(put.statusCode).toBe(200);
    expect(put.json().kinds.review).toEqual({ inApp: false, email: false });
    const id = await w.t.ctx.calls.requests.request(w.host.people.staff!, requestInput(w));
    expect((await list(w, r2)).items.filter((n) => n.callId === id)).toEqual([]);
    expect((await list(w, w.reviewer3)).items.filter((n) => n.callId === id)).toHaveLength(1);
    const rec = await w.t.ctx.db
      .selectFrom('records')
      .select(['kind', 'actor_id'])
      .where('kind', '=', 'audit.notifications.preferences')
      .execute();
    expect(rec).toEqual([{ kind: 'audit.notifications.preferences', actor_id: r2.userId }]);
  });

  it('pushes a notification live to each socket of the person, with the unread count', async () => {
    await w.app!.listen({ port: 0, host: '127.0.0.1' });
    const { reviewer, staff } = w.host.people;
    const cookie = await signInAs(w.app!, reviewer!.userId);
    const sock = await liveSocket(w.app!, cookie, w.t.cfg.publicUrl);
    const id = await w.t.ctx.calls.requests.request(staff!, requestInput(w));
    const msg = await sock.next('notification');
    expect(msg.notification).toMatchObject({ callId: id, step: 'Review the request', kind: 'review' });
    expect(msg.unread).toBe((await list(w, reviewer!)).unread);
    await http(w, reviewer!, 'POST', '/api/v1/notifications/read', { all: true });
    expect((await sock.next('notifications-read')).unread).toBe(0);
    sock.ws.close();
  });
});

describe.skipIf(!onPostgres)('notifications across two nodes on one PostgreSQL', () => {
  let w: CallWorld;
  let other: { ctx: AppContext; app: App };
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    w.t.clock.set('2026-10-01T12:00:00Z');
    // A second server process's context and app on the same database, sharing the cookie key.
    // (The world's offices are not demo data: the second node is told the demo check was made.)
    const ctx = await AppContext.fromConfig(
      { ...w.t.cfg, demoForce: true },
      {
        db: w.t.ctx.database,
        clock: w.t.clock,
        logger: silentLogger(),
        cipher: w.t.ctx.cipher,
        logSigner: parseSignerKey(generateSignerKey(w.t.cfg.logOrigin).signer),
        sessionSecret: w.t.ctx.sessionSecret,
      },
    );
    other = { ctx, app: sameOrigin(await buildApp(ctx, { webDir: null })) };
    await w.app!.listen({ port: 0, host: '127.0.0.1' });
    await other.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await other?.app.close();
    await other?.ctx.close();
    await w.close();
  });

  it('reaches a person whose socket is on the other node', async () => {
    expect(other.app.liveHub.nodeId).not.toBe(w.app!.liveHub.nodeId);
    const { reviewer, staff } = w.host.people;
    const cookie = await signInAs(w.app!, reviewer!.userId);
    const there = await liveSocket(other.app, cookie, w.t.cfg.publicUrl);
    const here = await liveSocket(w.app!, cookie, w.t.cfg.publicUrl);
    // The step is taken on the first node; the reviewer's sockets are on both.
    const id = await w.t.ctx.calls.requests.request(staff!, requestInput(w));
    expect((await there.next('notification')).notification).toMatchObject({
      callId: id,
      step: 'Review the request',
    });
    expect((await here.next('notification')).notification.callId).toBe(id);
    // Marked read through the second node: the first node's socket learns the count.
    const res = await other.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/read',
      headers: { cookie },
      payload: { all: true },
    });
    expect(res.json()).toEqual({ unread: 0 });
    expect((await here.next('notifications-read')).unread).toBe(0);
    there.ws.close();
    here.ws.close();
  });
});

describe('notification emails through a real SMTP server', () => {
  let sink: SmtpSink;
  let w: CallWorld;
  beforeAll(async () => {
    sink = await startSmtpSink();
    w = await newCallWorld({ smtpUrl: sink.url, publicUrl: 'http://localhost:8080' });
    w.t.clock.set('2026-10-01T12:00:00Z');
  });
  afterAll(async () => {
    await w.close();
    await sink.stop();
  });

  const emailRows = (callId: string) =>
    w.t.ctx.db
      .selectFrom('notifications')
      .select(['user_id', 'email_status', 'email_attempts', 'email_error', 'in_app'])
      .where('call_id', '=', callId)
      .execute();
  const choose = async (who: { userId: string }, email: boolean) =>
    w.t.ctx.notifications.setPreferences(who as never, {
      ...(await w.t.ctx.notificationQueries.preferences(who as never)).kinds,
      review: { inApp: true, email },
    });

  it('sends after the commit a message with the step and a link, and nothing of the call', async () => {
    await choose(w.reviewer3, false);
    const input = requestInput(w, { purpose: 'SECRET-PURPOSE-MARKER: the red lines on Evian.' });
    const id = await w.t.ctx.calls.requests.request(w.host.people.staff!, input);
    await w.t.ctx.notifications.kick();
    // Two of the three reviewers want review emails; the secretariat may begin the review.
    const msgs = await sink.waitFor(3);
    const emails = await w.t.ctx.db.selectFrom('users').select(['id', 'email']).execute();
    const emailOf = (u: string) => emails.find((e) => e.id === u)!.email;
    expect(msgs.map((m) => m.to[0]).sort()).toEqual(
      [w.host.people.reviewer!, w.reviewer2, w.host.people.secretariat!].map((p) => emailOf(p.userId)).sort(),
    );
    for (const m of msgs) {
      const mail = await PostalMime.parse(m.data);
      expect(mail.from?.address).toBe('hotline@localhost');
      expect(mail.text).toContain(`http://localhost:8080/app/calls/${id}`);
      expect(`${mail.subject} ${mail.text}`).toMatch(/Review the request|Begin review/);
      for (const secret of ['SECRET-PURPOSE-MARKER', 'Evian', 'Macron', 'G7 agenda', 'Ukraine', 'Carney'])
        expect(m.data).not.toContain(secret);
    }
    expect((await emailRows(id)).map((r) => r.email_status).sort()).toEqual(['none', 'sent', 'sent', 'sent']);
  });

  it('retries a message the server refused for now, after the backoff', async () => {
    sink.messages.length = 0;
    for (const r of [w.reviewer2, w.host.people.secretariat!]) await choose(r, false);
    await sink.rejectNext(1);
    const id = await w.t.ctx.calls.requests.request(w.host.people.staff!, requestInput(w));
    await w.t.ctx.notifications.kick();
    const pending = (await emailRows(id)).filter((r) => r.email_status !== 'none');
    expect(pending).toMatchObject([{ email_status: 'pending', email_attempts: 1 }]);
    expect(pending[0]!.email_error).toMatch(/451|later/i);
    // Not before its time.
    await w.t.ctx.notifications.kick();
    expect(sink.messages).toHaveLength(0);
    w.t.clock.advance(31_000);
    await w.t.ctx.notifications.kick();
    await sink.waitFor(1);
    expect((await emailRows(id)).filter((r) => r.email_status !== 'none')).toMatchObject([
      { email_status: 'sent', email_attempts: 2 },
    ]);
  });

  it('gives up after five attempts when the server is gone; the notice stays in the app', async () => {
    await sink.stop();
    const id = await w.t.ctx.calls.requests.request(w.host.people.staff!, requestInput(w));
    for (let i = 0; i < 6; i++) {
      await w.t.ctx.notifications.kick();
      w.t.clock.advance(60 * 60_000);
    }
    const rows = (await emailRows(id)).filter((r) => r.email_status !== 'none');
    expect(rows).toMatchObject([{ email_status: 'failed', email_attempts: 5, in_app: true }]);
    const inApp = await w.t.ctx.notificationQueries.list(w.host.people.reviewer!);
    expect(inApp.items.some((n) => n.callId === id)).toBe(true);
  });
});
