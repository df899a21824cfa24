import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, callThrough, http, newCallWorld } from './world.js';

const READOUT = {
  title: "Readout of the Prime Minister's Call with President Emmanuel Macron of France",
  bodyMd: 'Prime Minister Carney spoke today with President Macron. They agreed to stay in close touch.',
};

describe('readout approval as its own step', () => {
  let w: CallWorld;
  let callId: string;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
    callId = await callThrough(w, 'memcon_final');
  });
  afterAll(() => w.close());

  const press = () => w.host.people.press!;

  it('refuses to publish a readout that is not approved, naming the step to take', async () => {
    const saved = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts`, READOUT);
    expect(saved.statusCode, saved.body).toBe(201);
    const pub = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts/publish`);
    expect(pub.statusCode).toBe(409);
    expect(pub.json().detail).toMatch(/Readout v1 is not approved.*Approve the latest version first/);
    expect(pub.json().state).toBe('memcon_final');
  });

  it('the press of the host office approves the latest version, recorded with approver and time', async () => {
    // The counterpart office sees the call but may not approve its host's readout.
    const foreign = await http(w, w.other.people.press!, 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().detail).toMatch(/only the office whose leader takes the call/);
    const staff = await http(w, w.host.people.staff!, 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(staff.statusCode).toBe(403);
    w.t.clock.set('2026-10-28T12:00:00Z');
    const r = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().state).toBe('memcon_final');
    const row = await w.t.ctx.db
      .selectFrom('readouts')
      .selectAll()
      .where('call_id', '=', callId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ version: 1, status: 'approved', approved_by: press().userId });
    expect(new Date(row.approved_at!).toISOString()).toBe('2026-10-28T12:00:00.000Z');
    const ev = await w.t.ctx.db
      .selectFrom('call_events')
      .selectAll()
      .where('call_id', '=', callId)
      .where('action', '=', 'approve_readout')
      .executeTakeFirstOrThrow();
    expect(ev.actor_id).toBe(press().userId);
    expect(ev.details).toMatchObject({ readoutVersion: 1, approvedBy: press().userId });
    const rec = await w.t.ctx.db
      .selectFrom('records')
      .select(['kind', 'actor_id'])
      .where('seq', '=', ev.record_seq)
      .executeTakeFirstOrThrow();
    expect(rec).toEqual({ kind: 'call.approve_readout', actor_id: press().userId });
    const again = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/Readout v1 is already approved/);
  });

  it('a version saved after approval needs a new approval before it is published', async () => {
    const v2 = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts`, {
      ...READOUT,
      bodyMd: `${READOUT.bodyMd} They discussed the G7 agenda.`,
    });
    expect(v2.statusCode, v2.body).toBe(201);
    const refused = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts/publish`);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toMatch(/Readout v2 is not approved/);
    w.t.clock.set('2026-10-28T13:00:00Z');
    expect((await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts/approve`)).statusCode).toBe(200);
    w.t.clock.set('2026-10-28T14:00:00Z');
    const pub = await http(w, press(), 'POST', `/api/v1/calls/${callId}/readouts/publish`);
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json().state).toBe('readout_published');
    const published = await w.t.ctx.db
      .selectFrom('readouts')
      .selectAll()
      .where('call_id', '=', callId)
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    expect(published.body_md).toContain('G7 agenda');
    expect(published.approved_by).toBe(press().userId);
    expect(new Date(published.approved_at!).toISOString()).toBe('2026-10-28T13:00:00.000Z');
    expect(new Date(published.published_at!).toISOString()).toBe('2026-10-28T14:00:00.000Z');
  });
});

describe('a separate readout approver (HOTLINE_READOUT_SEPARATE_APPROVER=1)', () => {
  let w: CallWorld;
  let callId: string;
  beforeAll(async () => {
    w = await newCallWorld({ readoutSeparateApprover: '1' }, true);
    callId = await callThrough(w, 'memcon_final');
  });
  afterAll(() => w.close());

  it('refuses the author as approver and takes another press officer', async () => {
    const author = w.host.people.press!;
    expect((await http(w, author, 'POST', `/api/v1/calls/${callId}/readouts`, READOUT)).statusCode).toBe(201);
    const self = await http(w, author, 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(self.statusCode).toBe(403);
    expect(self.json().detail).toMatch(/different press officer to approve it/);
    const other = await http(w, w.press2, 'POST', `/api/v1/calls/${callId}/readouts/approve`);
    expect(other.statusCode, other.body).toBe(200);
    const pub = await http(w, author, 'POST', `/api/v1/calls/${callId}/readouts/publish`);
    expect(pub.statusCode, pub.body).toBe(200);
  });
});

describe('a readout drafted from the final memcon', () => {
  let w: CallWorld;
  beforeAll(async () => {
    w = await newCallWorld({}, true);
  });
  afterAll(() => w.close());

  it('is written in readout style from the unclassified paragraphs only, with no memcon header line', async () => {
    const callId = await callThrough(w, 'memcon_final');
    const r = await http(w, w.host.people.press!, 'GET', `/api/v1/calls/${callId}/readouts/draft`);
    expect(r.statusCode, r.body).toBe(200);
    const { title, bodyMd } = r.json();
    expect(title).toBe("Readout of the Prime Minister's Call with President Emmanuel Macron of France");
    // 13:00 UTC on 27 Oct 2026 is 9:00 in Ottawa: the date in the host's zone.
    expect(bodyMd).toContain(
      'On Tuesday 27 October 2026, Prime Minister Mark Carney spoke with President Emmanuel Macron of France.',
    );
    // The request's topics, in their own case.
    expect(bodyMd).toContain('The leaders discussed G7 agenda and Ukraine.');
    expect(bodyMd).toContain('Prime Minister Carney thanked the President for the call.');
    expect(bodyMd).toContain('Prime Minister Carney agreed to stay in close touch before the G7.');
    expect(bodyMd).not.toMatch(/Subject|Participants|Telephone Conversation|\*\*Prime Minister Carney:\*\*/);
    expect(bodyMd).not.toContain('secret assessment');
    expect(bodyMd).not.toContain('red lines');
    // The draft is a valid readout body as it stands.
    const saved = await http(w, w.host.people.press!, 'POST', `/api/v1/calls/${callId}/readouts`, {
      title,
      bodyMd,
    });
    expect(saved.statusCode, saved.body).toBe(201);
  });

  it('is refused before the memcon is final and to anyone but the press', async () => {
    const callId = await callThrough(w, 'completed');
    const early = await http(w, w.host.people.press!, 'GET', `/api/v1/calls/${callId}/readouts/draft`);
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toMatch(/The call is completed/);
    const done = await callThrough(w, 'memcon_final');
    const staff = await http(w, w.host.people.notetaker!, 'GET', `/api/v1/calls/${done}/readouts/draft`);
    expect(staff.statusCode).toBe(403);
  });
});
