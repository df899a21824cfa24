import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, http, newCallWorld, requestInput } from './world.js';

describe('the list filters by state; scheduling checks the version the person saw', () => {
  let w: CallWorld;
  let requested: string;
  let approved: string;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    const { requests } = w.t.ctx.calls;
    requested = await requests.request(w.host.people.staff!, requestInput(w));
    approved = await requests.request(w.host.people.staff!, requestInput(w));
    await requests.review(w.host.people.reviewer!, approved, {
      recommendation: 'approve',
      notes: 'Fine by us.',
    });
  });
  afterAll(() => w.close());

  it('GET /calls?state= returns only calls in that state', async () => {
    const ids = async (q: string) =>
      (await http(w, w.host.people.secretariat!, 'GET', `/api/v1/calls${q}`))
        .json()
        .map(
          (c: { id: string; state: string }) =>
            `${c.state}:${c.id === requested ? 'R' : c.id === approved ? 'A' : '?'}`,
        );
    expect((await ids('')).sort()).toEqual(['approved:A', 'requested:R']);
    expect(await ids('?state=approved')).toEqual(['approved:A']);
    expect(await ids('?state=requested')).toEqual(['requested:R']);
    expect(await ids('?state=closed')).toEqual([]);
    // With a scope: the secretariat's inbox holds both (begin review, schedule), one per state.
    expect(await ids('?scope=inbox&state=approved')).toEqual(['approved:A']);
    const bad = await http(w, w.host.people.secretariat!, 'GET', '/api/v1/calls?state=finished');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toContain('querystring.state');
  });

  it('PUT /schedule refuses a stale expectedVersion (409) and leaves the call as it was', async () => {
    const sec = w.host.people.secretariat!;
    const seen = (await http(w, sec, 'GET', `/api/v1/calls/${approved}`)).json();
    const body = {
      start: '2026-10-27T13:00:00Z',
      durationMin: 30,
      channel: 'secure_line',
      principalId: w.host.people.principal!.userId,
    };
    const stale = await http(w, sec, 'PUT', `/api/v1/calls/${approved}/schedule`, {
      ...body,
      expectedVersion: seen.version - 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({
      state: 'approved',
      version: seen.version,
      allowed: ['schedule', 'cancel'],
    });
    expect(stale.json().detail).toMatch(/changed since you loaded it/);
    const unchanged = (await http(w, sec, 'GET', `/api/v1/calls/${approved}`)).json();
    expect([unchanged.state, unchanged.version, unchanged.scheduledStart]).toEqual([
      'approved',
      seen.version,
      null,
    ]);

    const ok = await http(w, sec, 'PUT', `/api/v1/calls/${approved}/schedule`, {
      ...body,
      expectedVersion: seen.version,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ state: 'scheduled', version: seen.version + 1 });
    // The version is checked, not recorded.
    const ev = await w.t.ctx.db
      .selectFrom('call_events')
      .select('details')
      .where('call_id', '=', approved)
      .where('action', '=', 'schedule')
      .executeTakeFirstOrThrow();
    expect(ev.details).not.toHaveProperty('expectedVersion');

    // Rescheduling with the version seen before the schedule is stale too.
    const again = await http(w, sec, 'PUT', `/api/v1/calls/${approved}/schedule`, {
      ...body,
      start: '2026-10-27T14:00:00Z',
      expectedVersion: seen.version,
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().state).toBe('scheduled');
  });
});
