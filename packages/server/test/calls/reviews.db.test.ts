import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, http, newCallWorld, requestInput } from './world.js';

describe('reviews with clearances, and the approval count', () => {
  let w: CallWorld;
  let callId: string;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    const c = await http(
      w,
      w.host.people.staff!,
      'POST',
      '/api/v1/calls',
      requestInput(w, { urgency: 'flash' }),
    );
    expect(c.statusCode, c.body).toBe(201);
    callId = c.json().id;
    expect(c.json().approvals).toEqual({ have: 0, need: 2 });
  });
  afterAll(() => w.close());

  it('stores and returns the offices that cleared a review; a flash request shows 1 of 2 approvals', async () => {
    const r = await http(w, w.host.people.reviewer!, 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'Cleared with Legal and the Europe desk.',
      clearances: ['Legal Adviser', 'Regional desk (Europe)', 'Legal Adviser'],
    });
    expect(r.statusCode, r.body).toBe(200);
    const d = r.json();
    expect(d.state).toBe('under_review');
    expect(d.approvals).toEqual({ have: 1, need: 2 });
    expect(d.reviews).toHaveLength(1);
    expect(d.reviews[0]).toMatchObject({
      reviewer: 'CA reviewer',
      recommendation: 'approve',
      clearances: ['Legal Adviser', 'Regional desk (Europe)'],
    });
    const kept = await w.t.ctx.db
      .selectFrom('call_reviews')
      .select('clearances')
      .where('call_id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(kept.clearances).toEqual(['Legal Adviser', 'Regional desk (Europe)']);
  });

  it('the same reviewer approving twice still counts once', async () => {
    w.t.clock.set('2026-03-02T15:00:00Z');
    const r = await http(w, w.host.people.reviewer!, 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'Approving again after the Legal call.',
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ state: 'under_review', approvals: { have: 1, need: 2 } });
    expect(r.json().reviews[1].clearances).toEqual([]);
  });

  it('refuses a blank clearance naming the field', async () => {
    const r = await http(w, w.reviewer2, 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'Fine.',
      clearances: [' '],
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().detail).toContain('body.clearances.0');
    const reviews = await w.t.ctx.db
      .selectFrom('call_reviews')
      .select('id')
      .where('call_id', '=', callId)
      .execute();
    expect(reviews).toHaveLength(2);
  });

  it('a second reviewer makes 2 of 2 and the call is approved', async () => {
    w.t.clock.set('2026-03-02T16:00:00Z');
    const r = await http(w, w.reviewer2, 'POST', `/api/v1/calls/${callId}/reviews`, {
      recommendation: 'approve',
      notes: 'Cleared by the PCO.',
      clearances: ['Privy Council Office'],
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ state: 'approved', approvals: { have: 2, need: 2 } });
    const approve = r.json().timeline.find((e: { toState?: string }) => e.toState === 'approved');
    expect(approve).toMatchObject({ kind: 'transition', actor: 'CA reviewer two' });
  });
});
