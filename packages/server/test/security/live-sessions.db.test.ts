import { HOUR, MINUTE } from '@hotline/common';
import { LIVE_CLOSE } from '@hotline/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { type Persona, personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

interface Client {
  ws: WebSocket;
  inbox: { type: string; [k: string]: unknown }[];
  closed: Promise<{ code: number; at: number }>;
  next(type: string): Promise<{ type: string; [k: string]: unknown }>;
  send(m: unknown): void;
}

/** A real WebSocket client with the session cookie, as the browser's. */
async function connect(url: string, cookie: string, origin: string): Promise<Client> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/live`, { headers: { cookie, origin } });
  const inbox: Client['inbox'] = [];
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString())));
  const closed = new Promise<{ code: number; at: number }>((res) =>
    ws.on('close', (code) => res({ code, at: Date.now() })),
  );
  await new Promise((res, rej) => {
    ws.once('open', res);
    ws.once('error', rej);
  });
  const next = async (type: string) => {
    for (let i = 0; i < 200; i++) {
      const m = inbox.find((x) => x.type === type);
      if (m) {
        inbox.splice(inbox.indexOf(m), 1);
        return m;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${type} message; got ${JSON.stringify(inbox)}`);
  };
  return { ws, inbox, closed, next, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

/** Resolves with the close, or with null when the socket is still open after `ms`. */
function closedWithin(c: Client, ms: number): Promise<{ code: number; at: number } | null> {
  return Promise.race([c.closed, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
}

/**
 * Issue "Hardening" item 6: a live socket does not outlive its session. Sign-out, revocation,
 * expiry, deactivation and a role taken away close the person's sockets within a second, the
 * room records them leaving, and nothing sent afterwards is recorded.
 */
describe('security: live sockets end with their session', () => {
  let t: TestContext;
  let app: App;
  let url: string;
  let callId: string;
  let potus: Persona;
  let notetaker: Persona;
  let admin = '';

  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000', sessionTtlHours: '1' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const list = await personas(app);
    potus = personaFor(list, 'principal', 'us-potus');
    notetaker = personaFor(list, 'notetaker', 'us-potus');
    const call = await t.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where('state', '=', 'briefed')
      .where('channel', '=', 'hotline')
      .executeTakeFirstOrThrow();
    callId = call.id;
    t.clock.set(new Date(call.scheduled_start!).getTime() - 10 * MINUTE);
    admin = await signInAs(app, personaFor(list, 'admin', 'us-potus').userId);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  async function entries(userId: string, kind: string): Promise<number> {
    const rows = await t.ctx.db
      .selectFrom('call_log_entries')
      .select('id')
      .where('call_id', '=', callId)
      .where('user_id', '=', userId)
      .where('kind', '=', kind)
      .execute();
    return rows.length;
  }

  /** Waits (up to 2 s) for the number of a person's call-log entries of a kind to reach `n`. */
  async function expectEntries(userId: string, kind: string, n: number): Promise<void> {
    for (let i = 0; i < 100 && (await entries(userId, kind)) < n; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await entries(userId, kind)).toBe(n);
  }

  async function joined(cookie: string): Promise<Client> {
    const c = await connect(url, cookie, t.cfg.publicUrl);
    c.send({ type: 'join', callId });
    await c.next('joined');
    return c;
  }

  async function currentSessionId(cookie: string): Promise<string> {
    const res = await app.inject({ url: '/api/v1/me/sessions', headers: { cookie } });
    return res.json().find((s: { current: boolean }) => s.current).id;
  }

  it('signing out over HTTP closes the joined socket within a second, and the room records the leave', async () => {
    const cookie = await signInAs(app, potus.userId);
    const c = await joined(cookie);
    const leftBefore = await entries(potus.userId, 'left');
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    const signedOutAt = Date.now();
    const closed = await closedWithin(c, 1000);
    expect(closed, 'the socket is still open a second after sign-out').not.toBeNull();
    expect(closed!.code).toBe(LIVE_CLOSE.unauthenticated);
    expect(closed!.at - signedOutAt).toBeLessThan(1000);
    expect(c.inbox.find((m) => m.type === 'error')?.detail).toMatch(/signed out/);
    await expectEntries(potus.userId, 'left', leftBefore + 1);
  });

  it('records no mute and answers no ping sent after sign-out', async () => {
    const cookie = await signInAs(app, potus.userId);
    const c = await joined(cookie);
    const mutedBefore = await entries(potus.userId, 'muted');
    await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie } });
    c.send({ type: 'state', muted: true });
    c.send({ type: 'ping', t: 1 });
    await closedWithin(c, 1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(await entries(potus.userId, 'muted')).toBe(mutedBefore);
    expect(c.inbox.filter((m) => m.type === 'pong')).toEqual([]);
  });

  it("revoking one session closes that session's sockets only", async () => {
    const a = await signInAs(app, potus.userId);
    const b = await signInAs(app, potus.userId);
    const onA = await joined(a);
    const onB = await connect(url, b, t.cfg.publicUrl);
    const leftBefore = await entries(potus.userId, 'left');
    const res = await app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${await currentSessionId(a)}`,
      headers: { cookie: b },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await closedWithin(onA, 1000))?.code).toBe(LIVE_CLOSE.unauthenticated);
    await expectEntries(potus.userId, 'left', leftBefore + 1);
    // The other session's socket is untouched.
    onB.send({ type: 'ping', t: 2 });
    expect((await onB.next('pong')).t).toBe(2);
    expect(onB.ws.readyState).toBe(WebSocket.OPEN);
    // Revoked by an administrator, the other one closes too.
    const byAdmin = await app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${potus.userId}/sessions/${await currentSessionId(b)}`,
      headers: { cookie: admin },
    });
    expect(byAdmin.statusCode, byAdmin.body).toBe(200);
    expect((await closedWithin(onB, 1000))?.code).toBe(LIVE_CLOSE.unauthenticated);
  });

  it('taking a role away closes the person’s sockets; adding one does not', async () => {
    const cookie = await signInAs(app, potus.userId);
    const c = await joined(cookie);
    const leftBefore = await entries(potus.userId, 'left');
    const setRoles = (roles: string[]) =>
      app.inject({
        method: 'PUT',
        url: `/api/v1/users/${potus.userId}/roles`,
        headers: { cookie: admin },
        payload: { roles },
      });
    expect((await setRoles(['principal', 'press'])).statusCode).toBe(200);
    expect(await closedWithin(c, 300)).toBeNull();
    expect((await setRoles(['principal'])).statusCode).toBe(200);
    const closed = await closedWithin(c, 1000);
    expect(closed?.code).toBe(LIVE_CLOSE.unauthenticated);
    expect(c.inbox.find((m) => m.type === 'error')?.detail).toMatch(/press removed/);
    await expectEntries(potus.userId, 'left', leftBefore + 1);
  });

  it('deactivating a person closes every one of their sockets and records the leave', async () => {
    const one = await joined(await signInAs(app, notetaker.userId));
    const two = await connect(url, await signInAs(app, notetaker.userId), t.cfg.publicUrl);
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/users/${notetaker.userId}/deactivate`,
      headers: { cookie: admin },
      payload: {},
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await closedWithin(one, 1000))?.code).toBe(LIVE_CLOSE.unauthenticated);
    expect((await closedWithin(two, 1000))?.code).toBe(LIVE_CLOSE.unauthenticated);
    expect(one.inbox.find((m) => m.type === 'error')?.detail).toMatch(/deactivated/);
    await expectEntries(notetaker.userId, 'left', 1);
  });

  // Last: it moves the clock past every session's expiry.
  it('closes the socket within a second of the session expiring (test clock, 1-hour sessions)', async () => {
    const cookie = await signInAs(app, potus.userId);
    const c = await joined(cookie);
    const leftBefore = await entries(potus.userId, 'left');
    t.clock.advance(HOUR - MINUTE);
    expect(await closedWithin(c, 700)).toBeNull();
    t.clock.advance(MINUTE);
    const closed = await closedWithin(c, 1000);
    expect(closed, 'the socket is still open a second after its session expired').not.toBeNull();
    expect(closed!.code).toBe(LIVE_CLOSE.unauthenticated);
    expect(c.inbox.find((m) => m.type === 'error')?.detail).toMatch(/expired/);
    await expectEntries(potus.userId, 'left', leftBefore + 1);
  });
});
