import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, http, newCallWorld, requestInput } from './world.js';

/** Refused call steps carry the current state, what this person may do now, and where the call can go. */
describe('problem details of a refused call step', () => {
  let w: CallWorld;
  let callId: string;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    const c = await http(w, w.host.people.staff!, 'POST', '/api/v1/calls', requestInput(w));
    expect(c.statusCode, c.body).toBe(201);
    callId = c.json().id;
  });
  afterAll(() => w.close());

  const transition = (who: keyof CallWorld['host']['people'], action: string, extra: object = {}) =>
    http(w, w.host.people[who]!, 'POST', `/api/v1/calls/${callId}/transitions`, { action, ...extra });

  it('409 for the wrong state names the state, your next steps and the reachable states', async () => {
    const res = await transition('secretariat', 'connect');
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const p = res.json();
    expect(p).toMatchObject({
      status: 409,
      state: 'requested',
      allowed: ['begin_review'],
      nextStates: ['under_review', 'declined', 'withdrawn'],
      action: 'connect',
    });
    expect(p.detail).toBe(
      'Cannot connect the call now. The call is requested. Your next steps: begin review. From requested it can become: under review, declined or withdrawn.',
    );
  });

  it('403 for the wrong role says who may, and what this person may do instead', async () => {
    const staff = await http(w, w.host.people.staff!, 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'I would like to approve.',
    });
    expect(staff.statusCode).toBe(403);
    expect(staff.json()).toMatchObject({
      state: 'requested',
      allowed: ['withdraw'],
      nextStates: ['under_review', 'declined', 'withdrawn'],
    });
    expect(staff.json().detail).toMatch(
      /^You may not begin review: it needs one of these roles: Reviewer, Secretariat\. The call is requested\. Your next steps: withdraw the request\./,
    );
    const press = await transition('press', 'decline', { reason: 'No.' });
    expect(press.statusCode).toBe(403);
    expect(press.json()).toMatchObject({ state: 'requested', allowed: [] });
    expect(press.json().detail).toContain('You have no step to take on it now.');
  });

  it('403 for the wrong office names the office that may', async () => {
    const res = await http(w, w.other.people.reviewer!, 'POST', `/api/v1/calls/${callId}/transitions`, {
      action: 'begin_review',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ state: 'requested', allowed: [], nextStates: expect.any(Array) });
    expect(res.json().detail).toMatch(
      /only the office whose leader takes the call may\. The call is requested\./,
    );
  });

  it('a stale expectedVersion is a 409 with the same context, and nothing changes', async () => {
    const before = (await http(w, w.host.people.reviewer!, 'GET', `/api/v1/calls/${callId}`)).json();
    const res = await transition('reviewer', 'begin_review', { expectedVersion: before.version + 5 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      state: 'requested',
      version: before.version,
      allowed: ['begin_review', 'decline'],
    });
    expect(res.json().detail).toMatch(
      /changed since you loaded it.*Reload and try again\. The call is requested\./,
    );
    const after = (await http(w, w.host.people.reviewer!, 'GET', `/api/v1/calls/${callId}`)).json();
    expect([after.state, after.version]).toEqual([before.state, before.version]);
  });

  it('a finished call says no step leads on', async () => {
    expect((await transition('staff', 'withdraw', { reason: 'No longer needed.' })).statusCode).toBe(200);
    const res = await transition('staff', 'withdraw');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ state: 'withdrawn', allowed: [], nextStates: [] });
    expect(res.json().detail).toMatch(/No step leads on from here: the call is finished\.$/);
  });
});
