import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { newActor } from '../helpers/builders.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Disposal only as the law allows (44 U.S.C. 2203), on PGlite and PostgreSQL: a request with the
 * Archivist's views, the waiting period (60 days by default), never while held, presidential
 * records never; the records log keeps the item's entry.
 */
let t: TestContext;
let us: Actor;
const DAY = 86_400_000;
const views = {
  reason: 'Personal; not a presidential record.',
  archivistViews: 'The Archivist does not object (letter of 2 March 2026).',
  archivistViewsOn: '2026-03-02',
};

beforeAll(async () => {
  t = await newTestContext({ demo: '1' });
  await t.ctx.prepare();
  const office = (
    await t.ctx.db.selectFrom('offices').select('id').where('slug', '=', 'us-potus').executeTakeFirstOrThrow()
  ).id;
  us = await newActor(t.ctx, office, ['records']);
}, 180_000);
afterAll(() => t.close());

const items = (official: boolean, category?: 'personal' | 'presidential') => {
  let q = t.ctx.db
    .selectFrom('captured_items as i')
    .innerJoin('capture_accounts as a', 'a.id', 'i.account_id')
    .innerJoin('users as u', 'u.id', 'a.owner_id')
    .select(['i.id', 'i.record_id', 'i.account_id', 'a.kind as account_kind'])
    .where('u.office_id', '=', us.officeId)
    .where('a.official', '=', official);
  if (category) q = q.where('i.category', '=', category);
  return q.orderBy('i.id').execute();
};

const exists = async (id: string) =>
  !!(await t.ctx.db.selectFrom('captured_items').select('id').where('id', '=', id).executeTakeFirst());

describe('disposal', () => {
  it('presidential records are never disposed of; no purge without a request', async () => {
    const [official] = await items(true);
    await expect(
      t.ctx.disposals.request(us, { itemId: official!.id, basis: 'personal', ...views }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/never disposed of/) });
    const [personal] = await items(false, 'personal');
    await expect(t.ctx.disposals.dispose(us, personal!.id, 'Personal.')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/no disposal request/),
    });
    expect(await exists(official!.id)).toBe(true);
    expect(await exists(personal!.id)).toBe(true);
  });

  it('a personal record: the waiting period, then holds re-checked, then purged; the log keeps its entry', async () => {
    const [, item] = await items(false, 'personal');
    const req = await t.ctx.disposals.request(us, { itemId: item!.id, basis: 'personal', ...views });
    expect(req.eligibleOn).toBe('2026-05-01'); // 60 calendar days after 2 March
    const listed = (await t.ctx.disposals.list(us)).find((d) => d.id === req.id);
    expect(listed).toMatchObject({ archivistViews: views.archivistViews, archivistViewsOn: '2026-03-02' });
    await expect(
      t.ctx.disposals.request(us, { itemId: item!.id, basis: 'personal', ...views }),
    ).rejects.toMatchObject({ status: 409 });

    await expect(t.ctx.disposals.dispose(us, item!.id, 'Personal.')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/waiting period runs until 2026-05-01/),
    });
    const start = t.clock.now().getTime();
    try {
      t.clock.set(start + 59 * DAY);
      await expect(t.ctx.disposals.dispose(us, item!.id, 'Personal.')).rejects.toMatchObject({ status: 409 });
      t.clock.set(start + 60 * DAY);
      const hold = await t.ctx.archive.placeHold(us, {
        matter: 'In re Disposal',
        reason: 'Preservation letter.',
        scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: item!.id }] },
      });
      await expect(t.ctx.disposals.dispose(us, item!.id, 'Personal.')).rejects.toMatchObject({
        status: 409,
        message: expect.stringMatching(/legal hold/),
      });
      expect(await exists(item!.id)).toBe(true);
      await t.ctx.archive.releaseHold(us, hold.id, 'Matter closed.');
      const done = await t.ctx.disposals.dispose(us, item!.id, 'Personal.');
      expect(done.disposalId).toBe(req.id);
      expect(await exists(item!.id)).toBe(false);
    } finally {
      t.clock.set(start);
    }
    // The records log keeps the item's entry and says that a disposal happened.
    const kept = await t.ctx.db
      .selectFrom('records')
      .select('seq')
      .where('id', '=', item!.record_id)
      .executeTakeFirst();
    expect(kept).toBeDefined();
    const after = (await t.ctx.disposals.list(us)).find((d) => d.id === req.id)!;
    expect(after.disposedSeq).toEqual(expect.any(Number));
    const rec = await t.ctx.db
      .selectFrom('records')
      .select('subject')
      .where('seq', '=', String(after.disposedSeq))
      .executeTakeFirstOrThrow();
    expect(rec.subject).toBe(`captured_item:${item!.id}`);
    const history = await t.ctx.archiveQueries.accessHistory(us, 'captured_item', item!.id);
    expect(history.map((h) => h.action)).toContain('disposed');
  });

  it('a non-record copy may go while its record copy is kept; the last copy may not', async () => {
    // The demo's personal mailbox had messages copied to the official account (the 20-day rule):
    // the same message captured twice. The official account's copy is the record copy.
    const pair = await sql<{ copy: string; original: string }>`
      select p.id as copy, o.id as original from captured_items p
      join capture_accounts pa on pa.id = p.account_id and not pa.official
      join captured_items o on o.kind = p.kind and o.source_id = p.source_id and o.id <> p.id
      join capture_accounts oa on oa.id = o.account_id and oa.official
      join users u on u.id = oa.owner_id
      where u.office_id = ${us.officeId}
      order by p.id limit 1`.execute(t.ctx.db);
    const copyId = pair.rows[0]!.copy;
    const original = { id: pair.rows[0]!.original };
    const lonely = (
      await sql<{ id: string }>`
      select i.id from captured_items i join capture_accounts a on a.id = i.account_id
      join users u on u.id = a.owner_id
      where u.office_id = ${us.officeId} and not exists (
        select 1 from captured_items o where o.kind = i.kind and o.source_id = i.source_id and o.id <> i.id)
      order by i.id limit 1`.execute(t.ctx.db)
    ).rows[0];
    await expect(
      t.ctx.disposals.request(us, { itemId: lonely!.id, basis: 'non_record_copy', ...views }),
    ).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/record copy kept/) });

    const req = await t.ctx.disposals.request(us, { itemId: copyId, basis: 'non_record_copy', ...views });
    // While the copy is up for disposal, the original cannot be called a copy of it.
    await expect(
      t.ctx.disposals.request(us, { itemId: original.id, basis: 'non_record_copy', ...views }),
    ).rejects.toMatchObject({ status: 409 });
    const start = t.clock.now().getTime();
    try {
      t.clock.set(start + 60 * DAY);
      await t.ctx.disposals.dispose(us, copyId, 'Duplicate of the record copy.');
    } finally {
      t.clock.set(start);
    }
    expect(await exists(copyId)).toBe(false);
    expect(await exists(original.id)).toBe(true);
    expect((await t.ctx.disposals.list(us)).find((d) => d.id === req.id)?.keptCopyId).toBe(original.id);
    await expect(
      t.ctx.disposals.request(us, { itemId: original.id, basis: 'non_record_copy', ...views }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('a request is listed with its state and blocking holds, and may be withdrawn (not after a purge)', async () => {
    const [, , item] = await items(false, 'personal');
    const req = await t.ctx.disposals.request(us, { itemId: item!.id, basis: 'personal', ...views });
    const state = async () => (await t.ctx.disposals.list(us)).find((d) => d.id === req.id)!;
    expect(await state()).toMatchObject({
      status: 'waiting',
      waitingPeriodOver: false,
      holds: [],
      item: { kind: expect.any(String) },
    });
    const hold = await t.ctx.archive.placeHold(us, {
      matter: 'In re Withdrawal',
      reason: 'Preservation letter.',
      scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: item!.id }] },
    });
    expect(await state()).toMatchObject({
      status: 'held',
      holds: [{ id: hold.id, matter: 'In re Withdrawal' }],
    });
    await t.ctx.archive.releaseHold(us, hold.id, 'Matter closed.');
    const start = t.clock.now().getTime();
    try {
      t.clock.set(start + 60 * DAY);
      expect(await state()).toMatchObject({ status: 'ready', waitingPeriodOver: true });
    } finally {
      t.clock.set(start);
    }

    const w = await t.ctx.disposals.withdraw(us, req.id, 'The Archivist asked for more time.');
    expect(await state()).toMatchObject({
      status: 'withdrawn',
      withdrawnReason: 'The Archivist asked for more time.',
      withdrawnSeq: w.recordSeq,
    });
    await expect(t.ctx.disposals.withdraw(us, req.id, 'Again.')).rejects.toMatchObject({ status: 409 });
    // Withdrawn: nothing to carry out, and a new request may be filed.
    await expect(t.ctx.disposals.dispose(us, item!.id, 'Personal.')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/no disposal request/),
    });
    expect(await exists(item!.id)).toBe(true);
    const again = await t.ctx.disposals.request(us, { itemId: item!.id, basis: 'personal', ...views });
    try {
      t.clock.set(start + 60 * DAY);
      await t.ctx.disposals.dispose(us, item!.id, 'Personal.');
    } finally {
      t.clock.set(start);
    }
    expect(await state()).toMatchObject({ status: 'withdrawn' });
    expect((await t.ctx.disposals.list(us)).find((d) => d.id === again.id)).toMatchObject({
      status: 'disposed',
      item: null,
    });
    await expect(t.ctx.disposals.withdraw(us, again.id, 'Too late.')).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/cannot be withdrawn/),
    });
    const audit = await t.ctx.db
      .selectFrom('records')
      .select('seq')
      .where('seq', '=', String(w.recordSeq))
      .executeTakeFirst();
    expect(audit).toBeTruthy();
  });
});
