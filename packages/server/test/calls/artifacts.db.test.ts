import { CallArtifactsSchema, CallsDashboardSchema } from '@hotline/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallWorld, callThrough, http, MEMCON, newCallWorld } from './world.js';

describe('artifacts with names and history', () => {
  let w: CallWorld;
  let callId: string;
  const post = (who: keyof CallWorld['host']['people'], path: string, body?: unknown) =>
    http(w, w.host.people[who]!, 'POST', `/api/v1/calls/${callId}${path}`, body);

  beforeAll(async () => {
    w = await newCallWorld({}, true);
    callId = await callThrough(w, 'scheduled');
  });
  afterAll(() => w.close());

  it('answers each save with the new version, its author and its log entry', async () => {
    w.t.clock.set('2026-10-20T10:00:00Z');
    const b1 = await post('staff', '/briefings', {
      backgroundMd: 'Background.',
      objectivesMd: '- Agree the G7 agenda',
      talkingPointsMd: '1. Thanks',
    });
    expect(b1.statusCode, b1.body).toBe(201);
    expect(b1.json()).toMatchObject({
      callId,
      version: 1,
      authorId: w.host.people.staff!.userId,
      authorName: 'CA staff',
      approvedByName: null,
      approvedAt: null,
      recordSeq: expect.any(Number),
      createdAt: '2026-10-20T10:00:00.000Z',
    });
    expect(b1.json().html).toContain('<h2>Talking points</h2>');
    w.t.clock.set('2026-10-20T11:00:00Z');
    const b2 = await post('reviewer', '/briefings', {
      backgroundMd: 'Background, revised.',
      objectivesMd: '- Agree the G7 agenda',
      talkingPointsMd: '1. Thanks\n2. Ukraine',
    });
    expect(b2.json()).toMatchObject({ version: 2, authorName: 'CA reviewer' });
    w.t.clock.set('2026-10-21T09:00:00Z');
    expect((await post('secretariat', '/briefings/approve')).json().state).toBe('briefed');

    w.t.clock.set('2026-10-27T12:59:00Z');
    await post('secretariat', '/transitions', { action: 'connect' });
    w.t.clock.set('2026-10-27T13:31:00Z');
    await post('secretariat', '/transitions', { action: 'end' });
    w.t.clock.set('2026-10-27T15:00:00Z');
    const m1 = await post('notetaker', '/memcons', MEMCON);
    expect(m1.statusCode, m1.body).toBe(201);
    expect(m1.json()).toMatchObject({
      version: 1,
      status: 'draft',
      final: false,
      correction: false,
      authorName: 'CA notetaker',
      correctsVersion: null,
      correctionReason: null,
      document: { subject: MEMCON.subject, classifiedBy: MEMCON.classifiedBy },
    });
    w.t.clock.set('2026-10-28T09:00:00Z');
    await post('secretariat', '/memcons/finalize');
    w.t.clock.set('2026-10-28T10:00:00Z');
    const corr = await post('notetaker', '/memcons', { ...MEMCON, correctionReason: 'The time was wrong.' });
    expect(corr.statusCode, corr.body).toBe(201);
    expect(corr.json()).toMatchObject({
      version: 3,
      status: 'final',
      final: true,
      correction: true,
      correctsVersion: 2,
      correctionReason: 'The time was wrong.',
    });

    w.t.clock.set('2026-10-28T11:00:00Z');
    const r1 = await post('press', '/readouts', {
      title: "Readout of the Prime Minister's Call with President Macron",
      bodyMd: 'Prime Minister Carney spoke with President **Macron** about the G7.',
    });
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json()).toMatchObject({
      version: 1,
      status: 'draft',
      authorName: 'CA press',
      approvedByName: null,
      publishedAt: null,
    });
    expect(r1.json().html).toContain('<strong>Macron</strong>');
    w.t.clock.set('2026-10-28T12:00:00Z');
    await post('press', '/readouts/approve');
    w.t.clock.set('2026-10-28T13:00:00Z');
    expect((await post('press', '/readouts/publish')).json().state).toBe('readout_published');
  });

  it("the other office on the call sees none of the host's briefings, memcons or readout drafts: only the published readout", async () => {
    const res = await http(w, w.other.people.staff!, 'GET', `/api/v1/calls/${callId}/artifacts`);
    expect(res.statusCode, res.body).toBe(200);
    const a = CallArtifactsSchema.parse(res.json());
    expect(a.briefings).toEqual([]);
    expect(a.memcons).toEqual([]);
    expect(a.readouts.map((r) => [r.version, r.status])).toEqual([[2, 'published']]);
  });

  it('lists every version with authors, approvers, finals, corrections and publication', async () => {
    const res = await http(w, w.host.people.staff!, 'GET', `/api/v1/calls/${callId}/artifacts`);
    expect(res.statusCode, res.body).toBe(200);
    const a = CallArtifactsSchema.parse(res.json());
    expect(a.briefings.map((b) => [b.version, b.authorName, b.approvedByName, b.approvedAt])).toEqual([
      [1, 'CA staff', null, null],
      [2, 'CA reviewer', 'CA secretariat', '2026-10-21T09:00:00.000Z'],
    ]);
    expect(
      a.memcons.map((m) => [m.version, m.authorName, m.final, m.correctsVersion, m.correctionReason]),
    ).toEqual([
      [1, 'CA notetaker', false, null, null],
      [2, 'CA secretariat', true, null, null],
      [3, 'CA notetaker', true, 2, 'The time was wrong.'],
    ]);
    expect(
      a.readouts.map((r) => [
        r.version,
        r.status,
        r.authorName,
        r.approvedByName,
        r.approvedAt,
        r.publishedAt,
      ]),
    ).toEqual([
      [1, 'approved', 'CA press', 'CA press', '2026-10-28T12:00:00.000Z', null],
      [2, 'published', 'CA press', 'CA press', '2026-10-28T12:00:00.000Z', '2026-10-28T13:00:00.000Z'],
    ]);
    const seqs = [...a.briefings, ...a.memcons, ...a.readouts].map((x) => x.recordSeq);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('the dashboard answers in its schema', async () => {
    const other = await callThrough(w, 'completed');
    w.t.clock.set('2026-11-10T12:00:00Z');
    const res = await http(w, w.host.people.secretariat!, 'GET', '/api/v1/calls/dashboard');
    expect(res.statusCode, res.body).toBe(200);
    const d = CallsDashboardSchema.parse(res.json());
    expect(d.policy).toEqual({ memconDeadlineDays: 5, readoutDeadlineDays: 7 });
    expect(d.items.find((i) => i.callId === other)).toMatchObject({
      kind: 'memcon',
      channel: 'secure_line',
      dueAt: '2026-11-01T13:31:00.000Z',
      daysOverdue: 8,
    });
    expect(d.items.some((i) => i.callId === callId)).toBe(false);
  });
});
