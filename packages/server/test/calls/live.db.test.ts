import { MINUTE } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/** A WebSocket client that collects server messages. */
async function connect(url: string, cookie: string, origin: string) {
  const ws = new WebSocket(url.replace('http', 'ws') + '/api/v1/live', { headers: { cookie, origin } });
  const inbox: { type: string; [k: string]: unknown }[] = [];
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString())));
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
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no ${type} message; got ${JSON.stringify(inbox)}`);
  };
  return { ws, next, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

describe('the in-app call room wired to the call lifecycle', () => {
  let t: TestContext;
  let app: App;
  let url: string;
  let callId: string;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000', sessionTtlHours: '720' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const list = await personas(app);
    for (const [k, role, office] of [
      ['potus', 'principal', 'us-potus'],
      ['macron', 'principal', 'fr-elysee'],
      ['notetaker', 'notetaker', 'us-potus'],
      ['press', 'press', 'us-potus'],
      ['secretariat', 'secretariat', 'us-potus'],
    ] as const) {
      cookies[k] = await signInAs(app, personaFor(list, role, office).userId);
    }
    // The seeded briefed call with France (channel hotline), opened 10 minutes before its start.
    const call = await t.ctx.db
      .selectFrom('calls')
      .selectAll()
      .where('state', '=', 'briefed')
      .where('channel', '=', 'hotline')
      .executeTakeFirstOrThrow();
    callId = call.id;
    t.clock.set(new Date(call.scheduled_start!).getTime() - 10 * MINUTE);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('admits scheduled participants with their media role and records each join', async () => {
    const a = await connect(url, cookies.potus!, t.cfg.publicUrl);
    a.send({ type: 'join', callId });
    const joined = await a.next('joined');
    expect(joined.you).toMatchObject({ role: 'principal', canSend: true });
    const l = await connect(url, cookies.notetaker!, t.cfg.publicUrl);
    l.send({ type: 'join', callId });
    expect((await l.next('joined')).you).toMatchObject({ role: 'listener', canSend: false });
    const kinds = (
      await t.ctx.db.selectFrom('call_log_entries').select('kind').where('call_id', '=', callId).execute()
    ).map((k) => k.kind);
    expect(kinds).toEqual(expect.arrayContaining(['joined', 'listening']));
    const recs = (
      await t.ctx.db.selectFrom('records').select('kind').where('subject', '=', callId).execute()
    ).map((r) => r.kind);
    expect(recs).toEqual(expect.arrayContaining(['call.log.joined', 'call.log.listening']));
    l.ws.close();

    // The secretariat connects; when the last principal hangs up, the call is completed.
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/calls/${callId}/transitions`,
      headers: { cookie: cookies.secretariat! },
      payload: { action: 'connect' },
    });
    expect(res.json().state).toBe('in_progress');
    a.send({ type: 'leave' });
    for (let i = 0; i < 100; i++) {
      const c = await t.ctx.db
        .selectFrom('calls')
        .select('state')
        .where('id', '=', callId)
        .executeTakeFirstOrThrow();
      if (c.state === 'completed') break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const done = await t.ctx.db
      .selectFrom('calls')
      .select(['state', 'memcon_due_at'])
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(done.state).toBe('completed');
    expect(done.memcon_due_at).not.toBeNull();
    const ev = await t.ctx.db
      .selectFrom('call_events')
      .select(['action', 'actor_id'])
      .where('call_id', '=', callId)
      .where('action', '=', 'end')
      .executeTakeFirstOrThrow();
    expect(ev.actor_id).toBeNull();
    a.ws.close();
  });

  it('refuses people who are not participants, with the reason', async () => {
    const p = await connect(url, cookies.press!, t.cfg.publicUrl);
    p.send({ type: 'join', callId });
    const err = await p.next('error');
    expect(String(err.detail)).toMatch(/not a participant of this call/);
    p.ws.close();
  });
});
