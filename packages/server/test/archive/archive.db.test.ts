import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveService } from '../../src/archive/archive-service.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor } from '../helpers/builders.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * The archive at work on the demo's records. This file runs under db-pglite and db-postgres:
 * the expectations below are the same on both (same matches, same order, same snippets).
 */
let t: TestContext;
let us: Actor;
let ca: Actor;
let usStaff: Actor;
const mark = (s: string) => s.split('\u0002').join('[').split('\u0003').join(']');

beforeAll(async () => {
  // No waiting period here (disposal.db.test.ts checks it): these tests are about holds.
  t = await newTestContext({ demo: '1', disposalWaitingDays: '0' });
  await t.ctx.prepare();
  const office = async (slug: string) =>
    (await t.ctx.db.selectFrom('offices').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id;
  us = await newActor(t.ctx, await office('us-potus'), ['records']);
  ca = await newActor(t.ctx, await office('ca-pmo'), ['records']);
  usStaff = await newActor(t.ctx, us.officeId, ['staff']);
  // The demo seed, on a shared machine under load, can take longer than the default minute.
}, 180_000);
afterAll(() => t.close());

const requestDisposal = (itemId: string) =>
  t.ctx.disposals.request(us, {
    itemId,
    basis: 'personal',
    reason: 'Personal; not a record.',
    archivistViews: 'The Archivist does not object: personal records, 44 U.S.C. 2203(b).',
    archivistViewsOn: '2026-03-02',
  });

const personalItems = async (n: number) =>
  (
    await t.ctx.db
      .selectFrom('captured_items as i')
      .innerJoin('capture_accounts as a', 'a.id', 'i.account_id')
      .innerJoin('users as u', 'u.id', 'a.owner_id')
      .select('i.id')
      .where('u.office_id', '=', us.officeId)
      .where('a.official', '=', false)
      .where('i.category', '=', 'personal')
      .orderBy('i.id')
      .limit(n)
      .execute()
  ).map((r) => r.id);

describe('search', () => {
  it('ranks full-text matches, with highlighted snippets and provenance (same on both databases)', async () => {
    const r = await t.ctx.archive.search(us, { q: 'arctic security' }, 1, 20);
    expect(r.hits.map((h) => [h.refKind, h.title])).toEqual([
      [
        'call',
        'Call with Prime Minister Mark Carney of Canada: Coordinate ahead of the G7 leaders’ summit and discuss Arctic security.',
      ],
      ['briefing', 'Briefing v1: Coordinate ahead of the G7 leaders’ summit and discuss Arctic security.'],
      ['memcon', 'Memcon v2: Coordinate ahead of the G7 leaders’ summit and discuss Arctic security.'],
      ['memcon', 'Memcon v1: Coordinate ahead of the G7 leaders’ summit and discuss Arctic security.'],
      ['readout', 'Readout of the President’s Call with Prime Minister Mark Carney of Canada'],
      ['readout', 'Readout of the President’s Call with Prime Minister Mark Carney of Canada'],
    ]);
    expect(r.total).toBe(6);
    const ranks = r.hits.map((h) => h.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(mark(r.hits[0]!.snippet)).toContain('[Arctic] [security]');
    for (const h of r.hits) {
      const rec = await t.ctx.db
        .selectFrom('records')
        .select(['seq', 'at'])
        .where('seq', '=', String(h.provenance.seq))
        .executeTakeFirstOrThrow();
      expect(h.provenance.sequencedAt).toBe(new Date(rec.at).toISOString());
    }
  });

  it('phrases, exclusion and prefixes', async () => {
    expect((await t.ctx.archive.search(us, { q: '"arctic security"' }, 1, 50)).total).toBeGreaterThan(0);
    expect((await t.ctx.archive.search(us, { q: '"summit arctic"' }, 1, 50)).total).toBe(0);
    const g7 = await t.ctx.archive.search(us, { q: 'G7' }, 1, 50);
    expect(g7.hits.filter((h) => h.refKind === 'captured_item').length).toBe(2);
    const noStatement = await t.ctx.archive.search(us, { q: 'G7 -statement' }, 1, 50);
    expect(noStatement.hits.some((h) => h.refKind === 'captured_item')).toBe(false);
    expect(noStatement.total).toBe(g7.total - 2);
    const prefix = await t.ctx.archive.search(us, { q: 'secur*' }, 1, 50);
    const whole = await t.ctx.archive.search(us, { q: 'security' }, 1, 50);
    expect(prefix.total).toBeGreaterThanOrEqual(whole.total);
    expect(prefix.hits.map((h) => mark(h.snippet)).join(' ')).toContain('[security]');
    expect((await t.ctx.archive.search(us, { q: 'wildf*' }, 1, 50)).total).toBe(
      (await t.ctx.archive.search(us, { q: 'wildfire' }, 1, 50)).total,
    );
  });

  it('finds misspelled names by trigram similarity', async () => {
    const r = await t.ctx.archive.search(us, { q: 'Sheinbam' }, 1, 50);
    expect(r.total).toBeGreaterThan(0);
    const exact = await t.ctx.archive.search(us, { q: 'Sheinbaum' }, 1, 50);
    expect(r.hits.map((h) => h.refId).sort()).toEqual(exact.hits.map((h) => h.refId).sort());
  });

  it('counts and ranks within the search window; past it, a capped count and an estimate (same on both databases)', async () => {
    const q = 'secur*';
    const all = await t.ctx.archive.search(us, { q }, 1, 100);
    expect(all).toMatchObject({ totalExact: true, estimatedTotal: null });
    expect(all.total).toBe(all.hits.length);
    expect(all.total).toBeGreaterThan(6);
    // A small window (10,000 in service): the k newest matches, ranked among themselves. k is
    // chosen where the dates differ, so which matches are the newest is unambiguous.
    const byDate = [...all.hits].sort(
      (a, b) =>
        b.occurredAt.localeCompare(a.occurredAt) ||
        a.refKind.localeCompare(b.refKind) ||
        a.refId.localeCompare(b.refId),
    );
    const k = [5, 4, 6, 3, 7].find((n) => byDate[n - 1]!.occurredAt !== byDate[n]!.occurredAt)!;
    const small = new ArchiveService(t.ctx.db, t.ctx.records, t.clock, t.ctx.archiveQueries, k);
    const capped = await small.search(us, { q }, 1, 100);
    expect(capped.total).toBe(k);
    expect(capped.totalExact).toBe(false);
    expect(capped.estimatedTotal).toBeGreaterThan(k);
    const newest = new Set(byDate.slice(0, k).map((h) => h.refId + h.refKind));
    expect(capped.hits.map((h) => `${h.refKind}:${h.refId}`)).toEqual(
      all.hits.filter((h) => newest.has(h.refId + h.refKind)).map((h) => `${h.refKind}:${h.refId}`),
    );
    // Paging stops at the window; a page past it is empty and still says how many were counted.
    const p2 = await small.search(us, { q }, 2, 2);
    expect(p2.hits.map((h) => h.refId)).toEqual(capped.hits.slice(2, 4).map((h) => h.refId));
    const past = await small.search(us, { q }, 10, 2);
    expect(past).toMatchObject({ hits: [], total: k, totalExact: false });
    // A search with no more matches than the window is counted exactly.
    const few = await small.search(us, { q: 'arctic security', kind: 'memcon' }, 1, 20);
    expect(few.totalExact).toBe(true);
    expect(few.total).toBe(few.hits.length);
  });

  it('pages in a total order', async () => {
    const all = await t.ctx.archive.search(us, { q: 'secur*' }, 1, 100);
    const p1 = await t.ctx.archive.search(us, { q: 'secur*' }, 1, 4);
    const p2 = await t.ctx.archive.search(us, { q: 'secur*' }, 2, 4);
    expect([...p1.hits, ...p2.hits].map((h) => h.refId)).toEqual(all.hits.slice(0, 8).map((h) => h.refId));
  });

  it('filters by kind, classification, date range, person and hold', async () => {
    const items = await t.ctx.archive.search(us, { kind: 'captured_item' }, 1, 100);
    expect(items.total).toBeGreaterThan(0);
    expect(items.hits.every((h) => h.refKind === 'captured_item')).toBe(true);
    const personal = await t.ctx.archive.search(
      us,
      { kind: 'captured_item', classification: 'personal' },
      1,
      100,
    );
    expect(personal.hits.every((h) => h.classification === 'personal')).toBe(true);
    expect(personal.total).toBe((await personalItems(1000)).length);
    const from = '2026-02-20T00:00:00.000Z';
    const recent = await t.ctx.archive.search(us, { from }, 1, 100);
    expect(recent.hits.every((h) => h.occurredAt >= from)).toBe(true);
    const mine = await t.ctx.archive.search(us, { person: usStaff.userId }, 1, 10);
    expect(mine.total).toBe(0);
    const overdue = await t.ctx.archive.search(us, { twentyDay: 'overdue' }, 1, 100);
    expect(overdue.hits.every((h) => h.refKind === 'captured_item')).toBe(true);
  });

  it("shows an office only its own records: Canada's officer never sees US items or US briefings", async () => {
    const usG7 = await t.ctx.archive.search(us, { q: 'G7' }, 1, 100);
    const caG7 = await t.ctx.archive.search(ca, { q: 'G7' }, 1, 100);
    expect(caG7.hits.some((h) => h.refKind === 'captured_item')).toBe(false);
    const usArtifacts = new Set(
      usG7.hits.filter((h) => h.refKind === 'briefing' || h.refKind === 'memcon').map((h) => h.refId),
    );
    expect(caG7.hits.filter((h) => usArtifacts.has(h.refId))).toEqual([]);
    // Shared facts (the call itself) are seen by both.
    expect(caG7.hits.some((h) => h.refKind === 'call')).toBe(true);
    await expect(
      t.ctx.archive.view(ca, { refKind: 'captured_item', refId: (await personalItems(1))[0]! }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('is for records officers only', async () => {
    await expect(t.ctx.archive.search(usStaff, { q: 'G7' }, 1, 10)).rejects.toMatchObject({ status: 403 });
  });
});

describe('access history', () => {
  it('records every search and view in the log, and lists them per record', async () => {
    const r = await t.ctx.archive.search(us, { q: 'wildfire' }, 1, 10);
    const hit = r.hits[0]!;
    const v = await t.ctx.archive.view(us, { refKind: hit.refKind, refId: hit.refId });
    expect(v.provenance.seq).toBe(hit.provenance.seq);
    const history = await t.ctx.archiveQueries.accessHistory(us, hit.refKind, hit.refId);
    expect(history.slice(-2).map((a) => [a.action, a.recordSeq, a.actorId])).toEqual([
      ['search', r.recordSeq, us.userId],
      ['view', v.recordSeq, us.userId],
    ]);
    const kinds = await t.ctx.db
      .selectFrom('records')
      .select(['seq', 'kind', 'actor_id', 'subject'])
      .where('seq', 'in', [String(r.recordSeq), String(v.recordSeq)])
      .orderBy('seq')
      .execute();
    expect(kinds.map((k) => [k.kind, k.actor_id])).toEqual([
      ['audit.archive.searched', us.userId],
      ['audit.archive.viewed', us.userId],
    ]);
    expect(kinds[1]!.subject).toBe(`${hit.refKind}:${hit.refId}`);
  });
});

describe('legal holds', () => {
  it('a hold blocks disposal (service and trigger) until released; every change is a record', async () => {
    const [item] = await personalItems(1);
    const placed = await t.ctx.archive.placeHold(us, {
      matter: 'In re Wildfire Aid',
      reason: 'Litigation hold from counsel.',
      scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: item! }] },
    });
    expect(placed.items).toBe(1);
    const holds = await t.ctx.archiveQueries.holds(us);
    expect(holds[0]).toMatchObject({
      id: placed.id,
      matter: 'In re Wildfire Aid',
      items: 1,
      releasedAt: null,
    });
    const held = await t.ctx.archive.search(us, { held: true }, 1, 10);
    expect(held.hits.map((h) => h.refId)).toContain(item);

    await requestDisposal(item!);
    await expect(t.ctx.disposals.dispose(us, item!, 'Personal; not a record.')).rejects.toMatchObject({
      status: 409,
    });
    // The database refuses too, whatever code path tries.
    await expect(t.ctx.db.deleteFrom('captured_items').where('id', '=', item!).execute()).rejects.toThrow(
      /legal hold/,
    );
    await expect(t.ctx.archiveQueries.holds(ca)).resolves.toEqual([]);
    await expect(t.ctx.archive.releaseHold(ca, placed.id, 'Not ours.')).rejects.toMatchObject({
      status: 404,
    });

    const released = await t.ctx.archive.releaseHold(us, placed.id, 'Matter settled.');
    await expect(t.ctx.archive.releaseHold(us, placed.id, 'Again.')).rejects.toMatchObject({ status: 409 });
    const disposed = await t.ctx.disposals.dispose(us, item!, 'Personal; not a record.');
    expect(
      await t.ctx.db.selectFrom('captured_items').select('id').where('id', '=', item!).executeTakeFirst(),
    ).toBeUndefined();
    const history = await t.ctx.archiveQueries.accessHistory(us, 'captured_item', item!);
    expect(history.map((a) => [a.action, a.recordSeq])).toEqual(
      expect.arrayContaining([
        ['hold_placed', placed.recordSeq],
        ['hold_released', released.recordSeq],
        ['disposed', disposed.recordSeq],
      ]),
    );
  });

  it('a saved-search hold covers what the search matches when placed', async () => {
    const search = { q: 'wildfire', kind: 'captured_item' };
    const matched = await t.ctx.archive.search(us, search, 1, 100);
    const placed = await t.ctx.archive.placeHold(us, {
      matter: 'Wildfire FOIA',
      reason: 'FOIA request pending.',
      scope: { kind: 'search', search },
    });
    expect(placed.items).toBe(matched.total);
    expect((await t.ctx.archiveQueries.holds(us)).find((h) => h.id === placed.id)?.scopeSearch).toEqual(
      search,
    );
    await t.ctx.archive.releaseHold(us, placed.id, 'Request answered.');
  });

  it('a hold racing a disposal: exactly one wins', async () => {
    const items = await personalItems(4);
    for (const item of items) {
      await requestDisposal(item);
      const outcomes = await Promise.allSettled([
        t.ctx.disposals.dispose(us, item, 'Personal; not a record.'),
        t.ctx.archive.placeHold(us, {
          matter: `Race ${item}`,
          reason: 'Preservation letter.',
          scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: item }] },
        }),
      ]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      // The disposal refused (held), or the hold refused (the item is gone: 404 or 409).
      expect([404, 409]).toContain((rejected.reason as { status: number }).status);
      const exists = !!(await t.ctx.db
        .selectFrom('captured_items')
        .select('id')
        .where('id', '=', item)
        .executeTakeFirst());
      const heldNow = await sql<{ n: number }>`
        select count(*)::int as n from legal_hold_items i join legal_holds h on h.id = i.hold_id
        where i.ref_id = ${item} and h.released_at is null`.execute(t.ctx.db);
      // Held and present, or disposed and never held.
      expect(exists).toBe(heldNow.rows[0]!.n === 1);
    }
  });
});
