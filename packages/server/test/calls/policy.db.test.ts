import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, newCallWorld, requestInput } from './world.js';

describe('a call policy from non-default settings', () => {
  let w: CallWorld;
  beforeAll(async () => {
    // HOTLINE_FLASH_REVIEWERS=3, HOTLINE_MEMCON_DEADLINE_DAYS=2, HOTLINE_READOUT_DEADLINE_DAYS=3
    w = await newCallWorld({ flashReviewers: '3', memconDeadlineDays: '2', readoutDeadlineDays: '3' });
  });
  afterAll(() => w.close());

  it('reaches the calls service', () => {
    expect(w.t.ctx.calls.policy).toMatchObject({
      flashRequiresReviewers: 3,
      memconDeadlineDays: 2,
      readoutDeadlineDays: 3,
    });
  });

  it('a flash request stays under review until three different reviewers approve', async () => {
    const { requests, queries } = w.t.ctx.calls;
    const { staff, reviewer } = w.host.people;
    const c = { id: await requests.request(staff!, requestInput(w, { urgency: 'flash' })) };
    const approve = { recommendation: 'approve' as const, notes: 'Cleared on our side.', risks: '' };
    const review = async (who: typeof reviewer) => {
      await requests.review(who!, c.id, approve);
      return queries.get(who!, c.id);
    };
    expect((await review(reviewer)).state).toBe('under_review');
    // The same reviewer approving again still counts once.
    expect((await review(reviewer)).state).toBe('under_review');
    expect((await review(w.reviewer2)).state).toBe('under_review');
    const done = await review(w.reviewer3);
    expect(done.state).toBe('approved');
  });

  it('a routine request needs one approval whatever the flash setting', async () => {
    const { requests, queries } = w.t.ctx.calls;
    const c = { id: await requests.request(w.host.people.staff!, requestInput(w)) };
    await requests.review(w.host.people.reviewer!, c.id, {
      recommendation: 'approve',
      notes: 'Routine; fine.',
      risks: '',
    });
    expect((await queries.get(w.host.people.reviewer!, c.id)).state).toBe('approved');
  });

  it('the memcon is due 2 days after the call ends and the readout 3 days after the memcon is final', async () => {
    const { requests, scheduling, memcons, queries } = w.t.ctx.calls;
    const { staff, reviewer, secretariat, principal, notetaker } = w.host.people;
    w.t.clock.set('2026-03-02T14:00:00Z');
    const c = { id: await requests.request(staff!, requestInput(w)) };
    await requests.review(reviewer!, c.id, { recommendation: 'approve', notes: 'Fine by us.', risks: '' });
    await scheduling.schedule(secretariat!, c.id, {
      start: '2026-03-10T13:00:00Z',
      durationMin: 30,
      channel: 'secure_line',
      principalId: principal!.userId,
      interpreterIds: [],
      listenerIds: [],
    });
    w.t.clock.set('2026-03-10T13:00:00Z');
    await requests.transition(secretariat!, c.id, 'connect');
    w.t.clock.set('2026-03-10T13:30:00Z');
    await requests.transition(secretariat!, c.id, 'end');
    const ended = await queries.get(secretariat!, c.id);
    expect(ended.memconDueAt).toBe('2026-03-12T13:30:00.000Z');
    await memcons.saveMemcon(notetaker!, c.id, {
      classification: 'UNCLASSIFIED',
      subject: 'Telephone Conversation with President Macron',
      participants: ['Prime Minister Carney', 'President Macron'],
      notetakers: ['CA notetaker'],
      dateTimePlace: 'March 10, 2026, 9:00 a.m. EDT',
      paragraphs: [{ speaker: 'Prime Minister Carney', marking: '(U)', text: 'Thanked the President.' }],
      distribution: [],
      classifiedBy: '',
      derivedFrom: '',
      declassifyOn: '',
    });
    w.t.clock.set('2026-03-11T09:00:00Z');
    await memcons.finalizeMemcon(secretariat!, c.id);
    const fin = await queries.get(secretariat!, c.id);
    expect(fin.readoutDueAt).toBe('2026-03-14T09:00:00.000Z');
    const dash = await queries.dashboard(secretariat!);
    expect(dash.policy).toEqual({ memconDeadlineDays: 2, readoutDeadlineDays: 3 });
  });
});
