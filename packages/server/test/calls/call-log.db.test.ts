import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, callThrough, http, newCallWorld, requestInput } from './world.js';

const UNKNOWN = '01900000-0000-7000-8000-00000000dead';

describe('interpreters, participants and the call log', () => {
  let w: CallWorld;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
  });
  afterAll(() => w.close());

  it('scheduling refuses an interpreter, listener or counterpart principal who is not a user, naming the id', async () => {
    const { requests, queries } = w.t.ctx.calls;
    const c = { id: await requests.request(w.host.people.staff!, requestInput(w)) };
    await requests.review(w.host.people.reviewer!, c.id, { recommendation: 'approve', notes: 'Fine by us.' });
    const base = {
      start: '2026-10-27T13:00:00Z',
      durationMin: 30,
      channel: 'secure_line',
      principalId: w.host.people.principal!.userId,
      interpreterIds: [] as string[],
      listenerIds: [] as string[],
    };
    const cases: [object, string][] = [
      [{ interpreterIds: [UNKNOWN] }, 'interpreterIds.0'],
      [{ listenerIds: [w.host.people.notetaker!.userId, UNKNOWN] }, 'listenerIds.1'],
      [{ counterpartPrincipalId: UNKNOWN }, 'counterpartPrincipalId'],
    ];
    for (const [over, field] of cases) {
      const res = await http(w, w.host.people.secretariat!, 'PUT', `/api/v1/calls/${c.id}/schedule`, {
        ...base,
        ...over,
      });
      expect(res.statusCode, field).toBe(400);
      expect(res.json()).toMatchObject({ field, id: UNKNOWN });
      expect(res.json().detail).toContain(`${UNKNOWN} (${field}) is not a known user`);
    }
    const after = await queries.get(w.host.people.secretariat!, c.id);
    expect([after.state, after.scheduledStart]).toEqual(['approved', null]);
    // Only a person marked as an interpreter interprets.
    const notMarked = await http(w, w.host.people.secretariat!, 'PUT', `/api/v1/calls/${c.id}/schedule`, {
      ...base,
      interpreterIds: [w.other.people.staff!.userId],
    });
    expect(notMarked.statusCode, notMarked.body).toBe(400);
    expect(notMarked.json().detail).toMatch(/FR staff is not marked as an interpreter/);
    await w.t.ctx.database.db
      .updateTable('users')
      .set({ interpreter: true })
      .where('id', '=', w.other.people.staff!.userId)
      .execute();
    const ok = await http(w, w.host.people.secretariat!, 'PUT', `/api/v1/calls/${c.id}/schedule`, {
      ...base,
      interpreterIds: [w.other.people.staff!.userId],
      listenerIds: [w.host.people.notetaker!.userId],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().interpreters).toEqual([{ id: w.other.people.staff!.userId, name: 'FR staff' }]);
    expect(ok.json().participants).toEqual(['CA principal', 'FR staff', 'CA notetaker']);
  });

  it('off-channel contact keeps its participants and counterpart office, and shows the counterpart office’s time', async () => {
    w.t.clock.set('2026-10-30T12:00:00Z');
    const input = {
      ownerOfficeId: w.host.id,
      counterpartOfficeId: w.other.id,
      counterpartLeader: 'President Emmanuel Macron',
      counterpartCountry: 'FR',
      start: '2026-10-29T14:05:00Z',
      end: '2026-10-29T14:20:00Z',
      participants: ['Prime Minister Mark Carney', 'President Emmanuel Macron'],
      summary: 'The Prime Minister took a call on his personal phone.',
    };
    const bad = await http(w, w.host.people.staff!, 'POST', '/api/v1/calls/off-channel', {
      ...input,
      counterpartOfficeId: UNKNOWN,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('counterpartOfficeId');
    const res = await http(w, w.host.people.staff!, 'POST', '/api/v1/calls/off-channel', input);
    expect(res.statusCode, res.body).toBe(201);
    const d = res.json();
    expect(d).toMatchObject({
      state: 'completed',
      channel: 'off_channel',
      counterpartOfficeId: w.other.id,
      participants: input.participants,
      counterpartPrincipal: null,
      callLog: {
        channel: 'off_channel',
        actualStart: '2026-10-29T14:05:00.000Z',
        actualEnd: '2026-10-29T14:20:00.000Z',
        entries: [],
      },
    });
    // 14:05 UTC on 29 Oct: 10:05 in Ottawa (EDT), 15:05 in Paris (CET since 25 Oct).
    expect(d.localTimes).toEqual([
      {
        who: 'Office of the Prime Minister of Canada',
        zone: 'America/Toronto',
        text: 'Thu 29 Oct 2026, 10:05 a.m. EDT',
      },
      { who: 'President Emmanuel Macron', zone: 'Europe/Paris', text: 'Thu 29 Oct 2026, 3:05 p.m. GMT+1' },
    ]);
    const seen = await http(w, w.other.people.staff!, 'GET', `/api/v1/calls/${d.id}`);
    expect(seen.json().participants).toEqual(input.participants);
  });

  it('the secretariat records who was on a secure-line call, each entry a record in the log', async () => {
    const callId = await callThrough(w, 'in_progress');
    const sec = w.host.people.secretariat!;
    w.t.clock.set('2026-10-27T13:10:00Z');
    const res = await http(w, sec, 'POST', `/api/v1/calls/${callId}/call-log`, {
      entries: [
        { name: 'Prime Minister Mark Carney', kind: 'joined', at: '2026-10-27T12:59:30Z' },
        { name: 'President Emmanuel Macron', kind: 'joined', at: '2026-10-27T13:00:10Z' },
        { name: 'Duty officer, PCO', kind: 'listened' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().callLog).toEqual({
      channel: 'secure_line',
      actualStart: '2026-10-27T12:59:00.000Z',
      actualEnd: null,
      entries: [
        {
          at: '2026-10-27T12:59:30.000Z',
          name: 'Prime Minister Mark Carney',
          kind: 'joined',
          detail: 'recorded by CA secretariat',
        },
        {
          at: '2026-10-27T13:00:10.000Z',
          name: 'President Emmanuel Macron',
          kind: 'joined',
          detail: 'recorded by CA secretariat',
        },
        {
          at: '2026-10-27T13:10:00.000Z',
          name: 'Duty officer, PCO',
          kind: 'listened',
          detail: 'recorded by CA secretariat',
        },
      ],
    });
    const labels = res
      .json()
      .timeline.filter((e: { kind: string }) => e.kind === 'log')
      .map((e: { label: string }) => e.label);
    expect(labels).toContain('Prime Minister Mark Carney joined');
    expect(labels).toContain('Duty officer, PCO is listening');
    const recs = await w.t.ctx.db
      .selectFrom('records')
      .select(['kind', 'actor_id'])
      .where('subject', '=', callId)
      .where('kind', 'like', 'call.log.%')
      .orderBy('seq')
      .execute();
    expect(recs).toEqual([
      { kind: 'call.log.joined', actor_id: sec.userId },
      { kind: 'call.log.joined', actor_id: sec.userId },
      { kind: 'call.log.listening', actor_id: sec.userId },
    ]);

    // After the call, an entry without a time is taken as the start of the call.
    w.t.clock.set('2026-10-27T13:31:00Z');
    await w.t.ctx.calls.requests.transition(sec, callId, 'end');
    w.t.clock.set('2026-10-27T15:00:00Z');
    const late = await http(w, sec, 'POST', `/api/v1/calls/${callId}/call-log`, {
      entries: [{ name: 'Interpreter (French)', kind: 'listened' }],
    });
    expect(late.statusCode, late.body).toBe(201);
    // Entries are in time order: the interpreter comes first.
    expect(late.json().callLog.entries[0]).toEqual({
      at: '2026-10-27T12:59:00.000Z',
      name: 'Interpreter (French)',
      kind: 'listened',
      detail: 'recorded by CA secretariat',
    });
    expect(late.json().callLog.actualEnd).toBe('2026-10-27T13:31:00.000Z');
  });

  it('refuses bad entries whole, other channels and states, and other roles', async () => {
    const callId = await callThrough(w, 'completed');
    const sec = w.host.people.secretariat!;
    const count = async () =>
      (await w.t.ctx.db.selectFrom('call_log_entries').select('id').where('call_id', '=', callId).execute())
        .length;
    w.t.clock.set('2026-10-27T16:00:00Z');
    const afterEnd = await http(w, sec, 'POST', `/api/v1/calls/${callId}/call-log`, {
      entries: [
        { name: 'Prime Minister Mark Carney', kind: 'joined', at: '2026-10-27T13:00:00Z' },
        { name: 'Someone late', kind: 'joined', at: '2026-10-27T14:00:00Z' },
      ],
    });
    expect(afterEnd.statusCode).toBe(400);
    expect(afterEnd.json()).toMatchObject({ field: 'entries.1.at' });
    expect(afterEnd.json().detail).toMatch(/Entry 2 \(Someone late\).*after the call ended/);
    const early = await http(w, sec, 'POST', `/api/v1/calls/${callId}/call-log`, {
      entries: [{ name: 'Too early', kind: 'joined', at: '2026-10-27T12:00:00Z' }],
    });
    expect(early.statusCode).toBe(400);
    expect(early.json().detail).toMatch(/before the line opened/);
    expect(await count()).toBe(0);

    const staff = await http(w, w.host.people.staff!, 'POST', `/api/v1/calls/${callId}/call-log`, {
      entries: [{ name: 'Someone', kind: 'joined' }],
    });
    expect(staff.statusCode).toBe(403);
    const scheduled = await callThrough(w, 'scheduled');
    const tooSoon = await http(w, sec, 'POST', `/api/v1/calls/${scheduled}/call-log`, {
      entries: [{ name: 'Someone', kind: 'joined' }],
    });
    expect(tooSoon.statusCode).toBe(409);
    expect(tooSoon.json()).toMatchObject({ state: 'scheduled', action: 'record_call_log' });

    const hotline = await callThrough(w, 'in_progress', {}, 'hotline');
    const inApp = await http(w, sec, 'POST', `/api/v1/calls/${hotline}/call-log`, {
      entries: [{ name: 'Someone', kind: 'joined' }],
    });
    expect(inApp.statusCode).toBe(409);
    expect(inApp.json().detail).toMatch(
      /the call is on the hotline channel, and this step is only for secure line calls/,
    );
    expect(await count()).toBe(0);
  });

  it('shows what the in-app room logged: joins, listening, verifications, mutes and leaves', async () => {
    const callId = await callThrough(w, 'in_progress', {}, 'hotline');
    const { callLog, queries } = w.t.ctx.calls;
    const p = w.host.people.principal!;
    const fr = w.other.people.principal!;
    const n = w.host.people.notetaker!;
    const steps: [string, string, Record<string, unknown>][] = [
      ['joined', p.userId, { role: 'principal', displayName: p.displayName }],
      ['listening', n.userId, { role: 'listener', displayName: n.displayName }],
      ['joined', fr.userId, { role: 'principal', displayName: fr.displayName }],
      ['verified', p.userId, { with: 'FR principal', code: '123456' }],
      ['mismatch', fr.userId, { with: 'CA notetaker', code: '654321' }],
      ['muted', p.userId, {}],
      ['left', fr.userId, { reason: 'hung up' }],
    ];
    let minute = 0;
    for (const [kind, userId, details] of steps) {
      w.t.clock.set(new Date(Date.parse('2026-10-27T13:00:00Z') + minute++ * 60_000));
      await callLog.logEntry(callId, kind, userId, details);
    }
    const d = await queries.get(w.host.people.secretariat!, callId);
    expect(d.callLog.entries.map((e) => [e.kind, e.name, e.detail])).toEqual([
      ['joined', 'CA principal', 'as principal'],
      ['listened', 'CA notetaker', 'as listener'],
      ['joined', 'FR principal', 'as principal'],
      ['verified', 'CA principal', 'codes matched with FR principal'],
      ['noted', 'FR principal', 'reported a code MISMATCH with CA notetaker'],
      ['noted', 'CA principal', 'muted'],
      ['left', 'FR principal', 'hung up'],
    ]);
  });
});
