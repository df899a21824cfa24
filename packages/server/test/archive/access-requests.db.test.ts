import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { newActor } from '../helpers/builders.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/** Access requests and the 2208 notice clock, on PGlite and PostgreSQL. */
let t: TestContext;
let us: Actor;
let ca: Actor;
let usStaff: Actor;

beforeAll(async () => {
  t = await newTestContext({ demo: '1' });
  await t.ctx.prepare();
  const office = async (slug: string) =>
    (await t.ctx.db.selectFrom('offices').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
  us = await newActor(t.ctx, await office('us-potus'), ['records']);
  ca = await newActor(t.ctx, await office('ca-pmo'), ['records']);
  usStaff = await newActor(t.ctx, us.officeId, ['staff']);
  // The demo seed, on a shared machine under load, can take longer than the default minute.
}, 180_000);
afterAll(() => t.close());

const auditKinds = async (seqs: number[]) =>
  (
    await t.ctx.db
      .selectFrom('records')
      .select(['kind', 'subject'])
      .where('seq', 'in', seqs.map(String))
      .orderBy('seq')
      .execute()
  ).map((r) => r.kind);

describe('access requests', () => {
  it('a congressional request under 2205: notices start the 60-working-day clock, one extension of up to 30', async () => {
    const hit = (await t.ctx.archive.search(us, { q: 'arctic security' }, 1, 5)).hits[0]!;
    const filed = await t.ctx.accessRequests.file(us, {
      requesterKind: 'congress',
      requester: 'Senate Committee on Foreign Relations',
      legalBasis: '44 U.S.C. 2205(2)(C); letter of the chair',
      scope: { kind: 'records', records: [{ refKind: hit.refKind, refId: hit.refId }] },
      receivedOn: '2026-02-27',
      dueOn: '2026-09-30',
    });
    expect(filed.dueOn).toBe('2026-09-30');

    const n1 = await t.ctx.accessRequests.recordNotice(us, filed.id, 'incumbent_president', '2026-03-02');
    // 21 working days left in March, 22 in April, 17 in May with Memorial Day counted out.
    expect(n1.noticeExpiresOn).toBe('2026-05-26');
    const n2 = await t.ctx.accessRequests.recordNotice(us, filed.id, 'former_president', '2026-03-04');
    expect(n2.noticeExpiresOn).toBe('2026-05-26');
    await expect(
      t.ctx.accessRequests.recordNotice(us, filed.id, 'former_president', '2026-03-05'),
    ).rejects.toMatchObject({ status: 409 });

    await expect(t.ctx.accessRequests.extendNotice(us, filed.id, 31, 'Volume.')).rejects.toMatchObject({
      status: 400,
    });
    const ext = await t.ctx.accessRequests.extendNotice(
      us,
      filed.id,
      30,
      'The former President asked for time.',
    );
    // Juneteenth and Independence Day (observed Friday 3 July) counted out.
    expect(ext.extendedTo).toBe('2026-07-09');
    await expect(t.ctx.accessRequests.extendNotice(us, filed.id, 5, 'Again.')).rejects.toMatchObject({
      status: 409,
    });

    const queued = (await t.ctx.accessRequests.queue(us)).find((r) => r.id === filed.id)!;
    expect(queued).toMatchObject({
      status: 'extended',
      noticeExpiresOn: '2026-05-26',
      extendedTo: '2026-07-09',
      extensionDays: 30,
      notices: [
        { party: 'incumbent_president', notifiedOn: '2026-03-02', recordSeq: n1.recordSeq },
        { party: 'former_president', notifiedOn: '2026-03-04', recordSeq: n2.recordSeq },
      ],
      next: { date: '2026-07-09', which: 'notice' },
    });
    // Today in the test clock is 2 March 2026.
    expect(queued.next.workingDaysLeft).toBe(90);
    expect(await auditKinds([filed.recordSeq, n1.recordSeq, n2.recordSeq, ext.recordSeq])).toEqual([
      'audit.archive.request_filed',
      'audit.archive.request_notice',
      'audit.archive.request_notice',
      'audit.archive.request_extended',
    ]);
    // Another office neither sees nor touches it.
    expect((await t.ctx.accessRequests.queue(ca)).some((r) => r.id === filed.id)).toBe(false);
    await expect(
      t.ctx.accessRequests.recordNotice(ca, filed.id, 'incumbent_president', '2026-03-02'),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('FOIA only once the records are open; due 20 working days after receipt', async () => {
    const foia = {
      requesterKind: 'foia' as const,
      requester: 'A. Reporter',
      legalBasis: '5 U.S.C. 552',
      scope: { kind: 'search' as const, search: { q: 'wildfire' } },
      receivedOn: '2026-03-02',
    };
    await expect(t.ctx.accessRequests.file(us, foia)).rejects.toMatchObject({ status: 409 });
    const before = await t.ctx.accessRequests.queue(us);
    await t.ctx.db
      .updateTable('offices')
      .set({ records_open_on: '2026-01-20' })
      .where('id', '=', us.officeId)
      .execute();
    const r = await t.ctx.accessRequests.file(us, foia);
    // March 3–6, 9–13, 16–20, 23–27, 30: the 20th working day is the 30th.
    expect(r.dueOn).toBe('2026-03-30');
    const after = await t.ctx.accessRequests.queue(us);
    expect(after.length).toBe(before.length + 1);
    expect(after.map((x) => x.next.date)).toEqual([...after.map((x) => x.next.date)].sort());
  });

  it('a 2205 request needs its due date; records must be the office’s own; records officers only', async () => {
    const base = {
      requesterKind: 'court' as const,
      requester: 'U.S. District Court for the District of Columbia',
      legalBasis: 'Subpoena duces tecum, No. 26-cv-0001',
      receivedOn: '2026-03-02',
    };
    await expect(
      t.ctx.accessRequests.file(us, { ...base, scope: { kind: 'search', search: { q: 'G7' } } }),
    ).rejects.toMatchObject({ status: 409 });
    const usItem = (await t.ctx.archive.search(us, { kind: 'captured_item' }, 1, 1)).hits[0]!;
    await expect(
      t.ctx.accessRequests.file(ca, {
        ...base,
        dueOn: '2026-04-01',
        scope: { kind: 'records', records: [{ refKind: usItem.refKind, refId: usItem.refId }] },
      }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(
      t.ctx.accessRequests.file(usStaff, {
        ...base,
        dueOn: '2026-04-01',
        scope: { kind: 'search', search: {} },
      }),
    ).rejects.toMatchObject({ status: 403 });
  });
});
