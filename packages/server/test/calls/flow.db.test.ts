import { fromHex, httpFetcher, isLeafCommitment, LogClient, opensLeaf } from '@hotline/ledger';
import { parseFeed } from '@rowanmanning/feed-parser';
import ICAL from 'ical.js';
import nodeIcal from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { type Persona, personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

describe('the leader call lifecycle over HTTP', () => {
  let t: TestContext;
  let app: App;
  let list: Persona[];
  let url: string;
  const as: Record<string, string> = {};
  let usOffice: string;
  let caOffice: string;
  let callId = '';

  async function call(who: string, method: 'GET' | 'POST' | 'PUT', path: string, payload?: unknown) {
    return app.inject({
      method,
      url: path,
      headers: { cookie: as[who]! },
      ...(payload !== undefined ? { payload } : {}),
    } as never);
  }

  beforeAll(async () => {
    t = await newTestContext({
      demo: '1',
      authRateLimit: '10000',
      publicRateLimit: '10000',
      sessionTtlHours: '720',
    });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    list = await personas(app);
    for (const [key, role, office] of [
      ['caLiaison', 'liaison', 'ca-pmo'],
      ['usReviewer', 'reviewer', 'us-potus'],
      ['usSecretariat', 'secretariat', 'us-potus'],
      ['usNotetaker', 'notetaker', 'us-potus'],
      ['usPress', 'press', 'us-potus'],
      ['usStaff', 'staff', 'us-potus'],
      ['usPrincipal', 'principal', 'us-potus'],
      ['usRecords', 'records', 'us-potus'],
      ['frStaff', 'staff', 'fr-elysee'],
    ] as const) {
      as[key] = await signInAs(app, personaFor(list, role, office).userId);
    }
    usOffice = (
      await t.ctx.db
        .selectFrom('offices')
        .select('id')
        .where('slug', '=', 'us-potus')
        .executeTakeFirstOrThrow()
    ).id;
    caOffice = (
      await t.ctx.db.selectFrom('offices').select('id').where('slug', '=', 'ca-pmo').executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('a Canadian liaison requests a call with the President', async () => {
    const res = await call('caLiaison', 'POST', '/api/v1/calls', {
      ownerOfficeId: usOffice,
      counterpartOfficeId: caOffice,
      counterpartLeader: 'Prime Minister Mark Carney',
      counterpartCountry: 'CA',
      purpose: 'Coordinate on the Arctic security dialogue before the NATO summit.',
      topics: ['Arctic security', 'Trade'],
      urgency: 'priority',
      language: 'English',
      requesterZone: 'America/Toronto',
      proposedWindows: [{ start: '2026-03-10T09:00', end: '2026-03-10T11:00' }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json();
    callId = c.id;
    expect(c.state).toBe('requested');
    expect(c.timeline[0]).toMatchObject({ kind: 'transition', toState: 'requested' });
  });

  it('refuses illegal transitions naming the state and the next steps', async () => {
    const res = await call('usSecretariat', 'POST', `/api/v1/calls/${callId}/transitions`, {
      action: 'connect',
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toMatch(
      /The call is requested\. Your next steps: begin review\. From requested it can become: under review, declined or withdrawn\./,
    );
    expect(res.json().allowed).toEqual(['begin_review']);
    expect(res.json().nextStates).toEqual(['under_review', 'declined', 'withdrawn']);
    const needsForm = await call('usReviewer', 'POST', `/api/v1/calls/${callId}/transitions`, {
      action: 'approve',
    });
    expect(needsForm.statusCode).toBe(400);
    expect(needsForm.json().detail).toMatch(/needs its form: use POST \/api\/v1\/calls\/\{id\}\/reviews/);
    const wrongRole = await call('usPress', 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'Looks fine.',
    });
    expect(wrongRole.statusCode).toBe(403);
    const otherOffice = await call('frStaff', 'GET', `/api/v1/calls/${callId}`);
    expect(otherOffice.statusCode).toBe(404);
  });

  it('a US reviewer approves, the secretariat schedules, and the invitation downloads', async () => {
    const r = await call('usReviewer', 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'Timely; aligns with summit prep.',
      risks: 'Tariff questions.',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().state).toBe('approved');
    const principal = personaFor(list, 'principal', 'us-potus').userId;
    const caPrincipal = personaFor(list, 'principal', 'ca-pmo').userId;
    const listener = personaFor(list, 'notetaker', 'us-potus').userId;
    t.clock.set('2026-03-02T14:00:00Z');
    const s = await call('usSecretariat', 'PUT', `/api/v1/calls/${callId}/schedule`, {
      start: '2026-03-10T13:00:00Z',
      durationMin: 30,
      channel: 'hotline',
      principalId: principal,
      counterpartPrincipalId: caPrincipal,
      listenerIds: [listener],
    });
    expect(s.statusCode, s.body).toBe(200);
    const d = s.json();
    expect(d.state).toBe('scheduled');
    expect(d.localTimes.map((l: { text: string }) => l.text)).toContain('Tue 10 Mar 2026, 9:00 a.m. EDT');
    const ics = await call('usPrincipal', 'GET', `/api/v1/calls/${callId}/invite.ics`);
    expect(ics.statusCode).toBe(200);
    expect(ics.headers['content-type']).toContain('text/calendar');
    const parsed = Object.values(nodeIcal.sync.parseICS(ics.body)).find(
      (v) => v?.type === 'VEVENT',
    ) as nodeIcal.VEvent;
    expect(parsed.uid).toBe(`${callId}@hotline`);
    expect(new Date(parsed.start).toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(ics.body).toContain('METHOD:REQUEST');
    expect(ics.body).toContain('BEGIN:VTIMEZONE');
    expect(ics.body).toContain('CLASS:CONFIDENTIAL');
    expect(ics.body).not.toContain('Arctic');
    const comp = new ICAL.Component(ICAL.parse(ics.body));
    const ev = new ICAL.Event(comp.getFirstSubcomponent('vevent')!);
    expect(ev.startDate.toJSDate().toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(ev.sequence).toBe(0);
    const notInvited = await call('usPress', 'GET', `/api/v1/calls/${callId}/invite.ics`);
    expect(notInvited.statusCode).toBe(403);
  });

  it('reschedules with a higher SEQUENCE and warns of a clash', async () => {
    const principal = personaFor(list, 'principal', 'us-potus').userId;
    const r = await call('usSecretariat', 'PUT', `/api/v1/calls/${callId}/schedule`, {
      start: '2026-03-10T14:00:00Z',
      durationMin: 30,
      channel: 'hotline',
      principalId: principal,
      listenerIds: [personaFor(list, 'notetaker', 'us-potus').userId],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().scheduleSequence).toBe(1);
    const ics = await call('usPrincipal', 'GET', `/api/v1/calls/${callId}/invite.ics`);
    expect(ics.body).toContain('SEQUENCE:1');
  });

  it('the briefing is versioned, rendered safely, and its approval briefs the call', async () => {
    const b = await call('usStaff', 'POST', `/api/v1/calls/${callId}/briefings`, {
      backgroundMd: 'Canada hosts the **Arctic** dialogue. <script>alert(1)</script>',
      objectivesMd: '- Agree on a summit statement',
      talkingPointsMd: '1. Thank the PM',
    });
    expect(b.statusCode, b.body).toBe(201);
    expect(b.json().version).toBe(1);
    const art = (await call('usReviewer', 'GET', `/api/v1/calls/${callId}/artifacts`)).json();
    const html: string = art.briefings[0].html;
    expect(html).toContain('<strong>Arctic</strong>');
    expect(html).toContain('<h2>Talking points</h2>');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    const a = await call('usReviewer', 'POST', `/api/v1/calls/${callId}/briefings/approve`);
    expect(a.json().state).toBe('briefed');
  });

  it('the secretariat connects and ends the call; a note-taker drafts, the secretariat finalizes the memcon', async () => {
    t.clock.set('2026-03-10T13:58:00Z');
    expect(
      (
        await call('usSecretariat', 'POST', `/api/v1/calls/${callId}/transitions`, { action: 'connect' })
      ).json().state,
    ).toBe('in_progress');
    t.clock.set('2026-03-10T14:31:00Z');
    const ended = (
      await call('usSecretariat', 'POST', `/api/v1/calls/${callId}/transitions`, { action: 'end' })
    ).json();
    expect(ended.state).toBe('completed');
    expect(ended.memconDueAt).toBe('2026-03-15T14:31:00.000Z');
    const memcon = {
      classification: 'SECRET',
      subject: 'Telephone Conversation with Prime Minister Mark Carney of Canada',
      participants: ['The President', 'Prime Minister Mark Carney'],
      notetakers: ['James Whitaker'],
      dateTimePlace: 'March 10, 2026, 10:00–10:30 a.m. EDT, Oval Office',
      paragraphs: [
        { speaker: 'The President', marking: '(U)', text: 'Thanked the Prime Minister for hosting.' },
        {
          speaker: 'Prime Minister Carney',
          marking: '(S/NF)',
          text: 'Discussed Arctic patrol coordination.',
        },
      ],
      distribution: ['NSC Principals'],
    };
    const bad = await call('usNotetaker', 'POST', `/api/v1/calls/${callId}/memcons`, {
      ...memcon,
      classification: 'CONFIDENTIAL',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(
      /Paragraph 2 is marked \(S\/NF\), above the document's classification CONFIDENTIAL/,
    );
    expect((await call('usNotetaker', 'POST', `/api/v1/calls/${callId}/memcons`, memcon)).statusCode).toBe(
      201,
    );
    const v2 = await call('usNotetaker', 'POST', `/api/v1/calls/${callId}/memcons`, {
      ...memcon,
      paragraphs: [
        ...memcon.paragraphs,
        { speaker: 'The President', marking: '(U)', text: 'Agreed to stay in close touch.' },
      ],
    });
    expect(v2.json().version).toBe(2);
    // The generic transition endpoint goes through the same finalization as /memcons/finalize.
    const fin = await call('usSecretariat', 'POST', `/api/v1/calls/${callId}/transitions`, {
      action: 'finalize_memcon',
    });
    expect(fin.json().state).toBe('memcon_final');
    const corr = await call('usNotetaker', 'POST', `/api/v1/calls/${callId}/memcons`, memcon);
    expect(corr.statusCode).toBe(400);
    expect(corr.json().detail).toMatch(/final; a correction needs a reason/);
    const c2 = await call('usNotetaker', 'POST', `/api/v1/calls/${callId}/memcons`, {
      ...memcon,
      correctionReason: 'Fix the time line.',
    });
    expect(c2.json()).toMatchObject({ correction: true, version: 4 });
    // The timeline names who wrote each version, and why the final one was corrected.
    const { timeline } = (await call('usSecretariat', 'GET', `/api/v1/calls/${callId}`)).json() as {
      timeline: { kind: string; label: string; actor: string | null; reason?: string | null }[];
    };
    const memcons = timeline.filter((i) => i.kind === 'memcon');
    expect(memcons.map((i) => [i.label, i.actor, i.reason ?? null])).toEqual([
      ['Memcon v1 draft', 'James Whitaker', null],
      ['Memcon v2 draft', 'James Whitaker', null],
      ['Memcon v3 final', 'Linda Park', null],
      ['Memcon v4 final', 'James Whitaker', 'Correction of v3: Fix the time line.'],
    ]);
  });

  it('the press publishes the readout; the public page, the feed and the log show it', async () => {
    expect(
      (
        await call('usPress', 'POST', `/api/v1/calls/${callId}/readouts`, {
          title: "Readout of the President's Call with Prime Minister Mark Carney of Canada",
          bodyMd:
            'President Trump spoke today with Prime Minister Mark Carney of Canada. The leaders discussed Arctic security <b>and</b> trade, and agreed to stay in close touch.',
        })
      ).statusCode,
    ).toBe(201);
    const approved = await call('usPress', 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(approved.statusCode, approved.body).toBe(200);
    const pub = await call('usPress', 'POST', `/api/v1/calls/${callId}/readouts/publish`);
    expect(pub.json().state).toBe('readout_published');
    await t.ctx.log.integrateAll();

    const page = await fetch(`${url}/readouts`);
    const html = await page.text();
    expect(html).toContain('Readout of the President&#39;s Call with Prime Minister Mark Carney of Canada');
    const id = /href="\/readouts\/([0-9a-f-]{36})">Readout of the President&#39;s Call/.exec(html)![1]!;
    const one = await (await fetch(`${url}/readouts/${id}`)).text();
    expect(one).toContain('&lt;b&gt;and&lt;/b&gt;');
    expect(one).not.toContain('<b>and</b>');
    const seq = Number(/data-index="(\d+)"/.exec(one)![1]);
    const attr = (name: string) =>
      new RegExp(`data-${name}="([^"]*)"`)
        .exec(one)![1]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    const client = new LogClient(httpFetcher(`${url}/log/`), t.ctx.log.verifierKey, t.ctx.log.origin);
    const { checkpoint } = await client.checkpoint();
    const { entry } = await client.proveInclusion(seq, checkpoint);
    // The public entry is a commitment; the page discloses what opens it, and only it.
    expect(isLeafCommitment(entry)).toBe(true);
    expect(new TextDecoder().decode(entry)).not.toContain('readout');
    const envelope = attr('envelope');
    expect(opensLeaf(entry, fromHex(attr('salt')), new TextEncoder().encode(envelope))).toBe(true);
    const env = JSON.parse(envelope);
    expect(env.kind).toBe('readout.published');
    const decoded = attr('content');
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(decoded).digest('hex')).toBe(env.digest);

    const atom = await (await fetch(`${url}/readouts.atom`)).text();
    const feed = parseFeed(atom);
    expect(feed.title).toBe('Hotline readouts');
    expect(feed.items[0]!.title).toBe(
      "Readout of the President's Call with Prime Minister Mark Carney of Canada",
    );
    expect(feed.items[0]!.url).toBe(`${t.cfg.publicUrl}/readouts/${id}`);
    const search = await (await fetch(`${url}/readouts?q=Carney`)).text();
    expect(search).toMatch(/\d+ readouts? matching “Carney”/);
    expect(search).toContain('Prime Minister Mark Carney of Canada');
    const none = await (await fetch(`${url}/readouts?q=zzzz`)).text();
    expect(none).toContain('No readouts match');
  });

  it('closes, and every transition is a record in the log', async () => {
    expect(
      (await call('usSecretariat', 'POST', `/api/v1/calls/${callId}/transitions`, { action: 'close' })).json()
        .state,
    ).toBe('closed');
    const kinds = (
      await t.ctx.db
        .selectFrom('records')
        .select('kind')
        .where('subject', '=', callId)
        .orderBy('seq')
        .execute()
    ).map((r) => r.kind);
    for (const k of [
      'call.request',
      'call.begin_review',
      'call.review',
      'call.approve',
      'call.schedule',
      'call.reschedule',
      'call.brief',
      'call.connect',
      'call.end',
      'call.draft_memcon',
      'call.memcon.final',
      'call.finalize_memcon',
      'call.memcon.correction',
      'call.approve_readout',
      'readout.published',
      'call.publish_readout',
      'call.close',
    ]) {
      expect(kinds).toContain(k);
    }
    // The timeline tells the story in order: by time, and at one instant in the log's order.
    const { timeline } = (await call('usSecretariat', 'GET', `/api/v1/calls/${callId}`)).json() as {
      timeline: { at: string; recordSeq: number | null }[];
    };
    const key = (i: { at: string; recordSeq: number | null }) =>
      [i.at, String(i.recordSeq ?? Number.MAX_SAFE_INTEGER).padStart(16, '0')].join(' ');
    expect(timeline.map(key)).toEqual(timeline.map(key).sort());
  });

  it('logs off-channel contact as a completed call that needs a memcon, shown overdue on the dashboard', async () => {
    t.clock.set('2026-03-20T12:00:00Z');
    const res = await call('usStaff', 'POST', '/api/v1/calls/off-channel', {
      ownerOfficeId: usOffice,
      counterpartLeader: 'President Claudia Sheinbaum Pardo',
      counterpartCountry: 'MX',
      start: '2026-03-12T23:05:00Z',
      end: '2026-03-12T23:20:00Z',
      participants: ['The President', 'President Sheinbaum'],
      summary: 'The President took a call on his personal phone.',
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ state: 'completed', channel: 'off_channel', overdue: ['memcon'] });
    const dash = (await call('usRecords', 'GET', '/api/v1/calls/dashboard')).json();
    expect(dash.memcons.overdue).toBeGreaterThanOrEqual(1);
    const mine = dash.items.find((i: { callId: string }) => i.callId === res.json().id);
    expect(mine).toMatchObject({
      kind: 'memcon',
      channel: 'off_channel',
      counterpartLeader: 'President Claudia Sheinbaum Pardo',
      daysOverdue: 2,
    });
  });
});
