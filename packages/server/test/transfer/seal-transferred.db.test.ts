import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import type { SealProgress } from '../../src/transfer/seal-transferred.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';
import { importMultipartEml, scratchDirs, usPotusTransferActors } from '../helpers/transfer.js';

/**
 * `hotline archive seal-transferred` as a service: after a complete, verified transfer, the
 * office's search index and captured items' working copies lose the plaintext of what the bags
 * hold; search still finds the items by kind, date and transfer, not by their words; the log
 * and the sealed content are untouched. Refused for a transfer not done, bags that do not
 * verify and items under legal hold; resumable and idempotent.
 */
let t: TestContext;
let us: Actor;
let usStaff: Actor;
let office: string;
let ownerId: string;
const { scratch, remove: removeScratch } = scratchDirs('hotline-seal-');

beforeAll(async () => {
  t = await newTestContext({ demo: '1' });
  await t.ctx.prepare();
  const setup = await usPotusTransferActors(t.ctx);
  ({ office, us, usStaff } = setup);
  ownerId = setup.owner.id;
  await importMultipartEml(
    t.ctx,
    join(scratch(), 'zanzibar.eml'),
    {
      from: 'Quartermaster Vellacott <qv@personal.example.com>',
      subject: 'Zanzibar shipment ledger',
      date: 'Tue, 3 Feb 2026 10:00:00 +0000',
      messageId: '<seal-test-1@personal.example.com>',
      boundary: 'b1',
      parts: [
        { contentType: 'text/plain; charset=utf-8', body: ['The ledger is attached.'] },
        { contentType: 'text/csv; name="ledger.csv"', filename: 'ledger.csv', body: ['crate,count'] },
      ],
    },
    { identifier: 'potus-seal@personal.example.com', ownerEmail: setup.owner.email },
  );
}, 300_000);
afterAll(async () => {
  await t.close();
  removeScratch();
});

const sealedCount = async () =>
  Number(
    (
      await t.ctx.db
        .selectFrom('archive_sealed_entries')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const search = async (s: Parameters<typeof t.ctx.archive.search>[1]) =>
  (await t.ctx.archive.search(us, s, 1, 100)).hits;
const sealAudits = async () =>
  (
    await t.ctx.db
      .selectFrom('records')
      .select('seq')
      .where('kind', '=', 'audit.archive.sealed_transferred')
      .execute()
  ).length;

describe('seal-transferred', { timeout: 300_000 }, () => {
  it('refuses a transfer not done, bags that do not verify, and another person without the records role', async () => {
    const stopped = join(scratch(), 'stopped');
    let n = 0;
    await expect(
      t.ctx.transfer.transfer(us, {
        to: stopped,
        search: { kind: 'email' },
        maxBagBytes: 1 << 30,
        maxBagItems: 1,
        onProgress: () => {
          if (++n === 2) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    await expect(t.ctx.sealTransferred.seal(us, stopped)).rejects.toThrow(
      /is not complete .*nothing was sealed/,
    );
    await expect(t.ctx.sealTransferred.seal(us, scratch())).rejects.toThrow(/holds no transfer/);
    await expect(t.ctx.sealTransferred.seal(usStaff, stopped)).rejects.toMatchObject({ status: 403 });

    const tampered = join(scratch(), 'tampered');
    const r = await t.ctx.transfer.transfer(us, {
      to: tampered,
      search: { kind: 'email' },
      maxBagBytes: 1 << 30,
    });
    const bag = join(tampered, r.bags[0]!.name);
    const line = readFileSync(join(bag, 'proof/records.jsonl'), 'utf8').split('\n')[0]!;
    const file = (JSON.parse(line) as { files: { path: string }[] }).files[0]!.path;
    writeFileSync(join(bag, file), 'altered');
    await expect(t.ctx.sealTransferred.seal(us, tampered)).rejects.toThrow(
      new RegExp(`Transfer ${r.id} does not verify .*hashes to.*nothing was sealed`),
    );
    expect(await sealedCount()).toBe(0);
  });

  it('seals what a verified transfer holds: gone from the text, found by metadata, log untouched; holds refuse; resumable, idempotent', async () => {
    const item = (await search({ q: 'Zanzibar' })).find((h) => h.refKind === 'captured_item')!;
    expect(item).toBeTruthy();
    const namesBefore = (
      await t.ctx.db
        .selectFrom('archive_entries')
        .select('names')
        .where('ref_id', '=', item.refId)
        .executeTakeFirstOrThrow()
    ).names;
    expect(namesBefore).toContain('qv@personal.example.com');
    const memcon = (await search({ kind: 'memcon' }))[0]!;
    expect(memcon).toBeTruthy();
    const memconWord = (
      await t.ctx.db
        .selectFrom('archive_entries')
        .select('body')
        .where('ref_id', '=', memcon.refId)
        .where('office_id', '=', office)
        .executeTakeFirstOrThrow()
    ).body
      .split(/\W+/)
      .find((w) => w.length > 8)!;
    expect((await search({ q: memconWord })).map((h) => h.refId)).toContain(memcon.refId);

    const to = join(scratch(), 'office');
    const tr = await t.ctx.transfer.transfer(us, { to, search: {}, maxBagBytes: 64 * 1024 });
    const logBefore = await t.ctx.db.selectFrom('records').select(['seq', 'digest']).orderBy('seq').execute();
    const contentBefore = Number(
      (await sql<{ n: string }>`select count(*) as n from record_content`.execute(t.ctx.db)).rows[0]!.n,
    );

    // A held item refuses the whole seal, naming the matter; nothing is sealed.
    const hold = await t.ctx.archive.placeHold(us, {
      matter: 'In re Zanzibar',
      reason: 'Counsel asked.',
      scope: { kind: 'records', records: [{ refKind: 'captured_item', refId: item.refId }] },
    });
    await expect(t.ctx.sealTransferred.seal(us, to)).rejects.toThrow(
      new RegExp(`captured_item ${item.refId} \\(matter "In re Zanzibar"\\).*nothing more was sealed`),
    );
    expect(await sealedCount()).toBe(0);
    await t.ctx.archive.releaseHold(us, hold.id, 'Matter settled.');

    // Stopped after its first batch: what was sealed stays, the next run goes on from there.
    const progress: SealProgress[] = [];
    await expect(
      t.ctx.sealTransferred.seal(us, to, {
        batchSize: 5,
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === 'seal' && p.done > 0) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const first = await sealedCount();
    expect(first).toBeGreaterThan(0);
    expect(await sealAudits()).toBe(1);
    const seen: SealProgress[] = [];
    const r = await t.ctx.sealTransferred.seal(us, to, { batchSize: 5, onProgress: (p) => seen.push(p) });
    expect(r.transferId).toBe(tr.id);
    expect(r.already).toBe(first);
    expect(r.sealed + r.already).toBe(r.entries);
    expect(r.entries).toBe(tr.items);
    expect(r.recordSeqs.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toEqual({ phase: 'seal', done: r.entries, total: r.entries });
    expect(await sealAudits()).toBe(1 + r.recordSeqs.length);

    // The words are gone from the index; the items are found by kind, date and transfer.
    expect((await search({ q: 'Zanzibar' })).map((h) => h.refId)).not.toContain(item.refId);
    expect((await search({ q: memconWord })).map((h) => h.refId)).not.toContain(memcon.refId);
    const emails = await search({ kind: 'email', from: '2026-02-03T00:00:00Z', to: '2026-02-03T23:59:59Z' });
    const found = emails.find((h) => h.refId === item.refId)!;
    expect(found.title).toBe(`email (sealed after transfer ${tr.id})`);
    expect((await search({ q: tr.id })).map((h) => h.refId)).toEqual(
      expect.arrayContaining([item.refId, memcon.refId]),
    );
    const rows = await t.ctx.db
      .selectFrom('archive_entries')
      .select(['title', 'body', 'names'])
      .where('office_id', '=', office)
      .where('record_seq', 'is not', null)
      .where('record_seq', '<', String(tr.checkpointSize))
      .execute();
    expect(rows.length).toBe(r.entries);
    for (const x of rows) {
      expect(x.body).toBe(`sealed transferred ${tr.id}`);
      expect(x.names).toBe('');
    }
    // The captured item's working copy keeps what kind of thing it was, not its words.
    const summary = (
      await t.ctx.db
        .selectFrom('captured_items')
        .select('summary')
        .where('id', '=', item.refId)
        .executeTakeFirstOrThrow()
    ).summary;
    expect(JSON.stringify(summary)).not.toMatch(/Zanzibar|Vellacott|ledger|qv@/);
    expect(summary.attachments).toEqual([
      {
        filename: 'attachment-1',
        contentType: expect.stringContaining('text/csv'),
        sha256: expect.any(String),
      },
    ]);
    // The log and the sealed content: untouched (only the seal's own records were appended).
    const logAfter = await t.ctx.db.selectFrom('records').select(['seq', 'digest']).orderBy('seq').execute();
    expect(logAfter.slice(0, logBefore.length)).toEqual(logBefore);
    expect(
      Number(
        (await sql<{ n: string }>`select count(*) as n from record_content`.execute(t.ctx.db)).rows[0]!.n,
      ),
    ).toBeGreaterThanOrEqual(contentBefore);
    // Who touched the item: the seal, with its record.
    const history = await t.ctx.archiveQueries.accessHistory(us, 'captured_item', item.refId);
    const sealedBy = history.filter((a) => a.action === 'sealed');
    expect(sealedBy.length).toBe(1);
    expect(sealedBy[0]!.recordSeq).toBeGreaterThan(tr.recordSeq);

    // An index refill (a person renamed) keeps sealed entries sealed.
    await t.ctx.db
      .updateTable('users')
      .set({ display_name: 'Renamed Qwertyuiop' })
      .where('id', '=', ownerId)
      .execute();
    expect((await search({ q: 'Qwertyuiop' })).filter((h) => h.refId === item.refId)).toEqual([]);
    expect(
      (
        await t.ctx.db
          .selectFrom('archive_entries')
          .select('title')
          .where('ref_id', '=', item.refId)
          .executeTakeFirstOrThrow()
      ).title,
    ).toBe(`email (sealed after transfer ${tr.id})`);

    // Run again: nothing to do, nothing recorded.
    const again = await t.ctx.sealTransferred.seal(us, to);
    expect(again).toMatchObject({ sealed: 0, already: r.entries, recordSeqs: [] });
    expect(await sealAudits()).toBe(1 + r.recordSeqs.length);
  });

  it('migration 037 down gives the index its open views back; up seals the sealed entries again', async () => {
    const m037 = await import('../../src/db/migrations/037-sealed-transferred.js');
    const sealed = await t.ctx.db
      .selectFrom('archive_sealed_entries')
      .select(['ref_kind', 'ref_id', 'transfer_id'])
      .where('ref_kind', '=', 'captured_item')
      .limit(1)
      .executeTakeFirstOrThrow();
    const view = () =>
      sql<{
        title: string;
        kind: string;
      }>`select title, kind from archive_source_captured_item where ref_id = ${sealed.ref_id}`
        .execute(t.ctx.db)
        .then((r) => r.rows[0]!);
    const { kind } = await view();
    expect((await view()).title).toBe(`${kind} (sealed after transfer ${sealed.transfer_id})`);
    const rows = await t.ctx.db.selectFrom('archive_sealed_entries').selectAll().execute();
    await m037.down(t.ctx.db as never);
    // The open view shows what the working table holds (a sealed summary: no subject, no words).
    expect((await view()).title).not.toContain('sealed after transfer');
    await m037.up(t.ctx.db as never);
    await t.ctx.db.insertInto('archive_sealed_entries').values(rows).execute();
    expect((await view()).title).toBe(`${kind} (sealed after transfer ${sealed.transfer_id})`);
  });
});
