import { type Kysely, sql } from 'kysely';
import { type SearchSql, searchCondition } from '../archive/repository.js';

/** The archive domain's access history: a sealed item's row goes where every other access is written. */
export { insertAccess } from '../archive/repository.js';

import type { Database } from '../db/schema.js';
import type { ArchiveSealedEntriesTable } from '../db/tables/archive.js';

/** The transfer domain's database access: queries only (the service decides). */
export type Db = Kysely<Database>;

export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** Where a transfer stands in its total order: (record seq, ref kind, ref id). */
export interface Cursor {
  seq: number;
  refKind: string;
  refId: string;
}

export interface ScopeRow {
  ref_kind: string;
  ref_id: string;
  kind: string;
  call_id: string | null;
  title: string;
  body: string;
  occurred_at: Date;
  classification: string | null;
  record_seq: string;
  record_id: string;
  digest: string;
  envelope: Uint8Array;
  salt: Uint8Array | null;
  account: string | null;
  account_kind: string | null;
  summary: Record<string, unknown> | null;
}

/**
 * One page of a transfer's scope: the first `limit` archive entries a search matches that are
 * in the tree of size `size` and come after `after` (all from the start when null), in
 * (record seq, ref kind, ref id) order, with the record's envelope and salt (its opening) and,
 * for a captured item, its account and summary. Keyset pagination on the index in that order
 * (migration 035): the cursor is an index condition, and a page reads its own rows (and the
 * ones the search's filters drop), in order, never the entries before it nor a sort of those
 * after it, so a page costs the same at the start and at the end of a transfer, whatever the
 * size of the archive. (Before that index, a window
 * of log indexes read every entry of the office and filtered them: a transfer's cost grew with
 * the square of the archive.)
 */
export async function scopePage(
  db: Db,
  s: SearchSql,
  size: number,
  after: Cursor | null,
  limit: number,
): Promise<ScopeRow[]> {
  // The first page too starts from a cursor (before every entry), so that every page is the same
  // index range scan: without it the planner may read the whole scope and sort it for page one.
  const c = after ?? { seq: -1, refKind: '', refId: '' };
  const r = await sql<ScopeRow>`
    select e.ref_kind, e.ref_id, e.kind, e.call_id, e.title, e.body, e.occurred_at, e.classification,
      e.record_seq, r.id as record_id, r.digest, r.envelope, r.salt,
      a.identifier as account, a.kind as account_kind, i.summary
    from archive_entries e
    join records r on r.seq = e.record_seq
    left join captured_items i on e.ref_kind = 'captured_item' and i.id = e.ref_id
    left join capture_accounts a on a.id = i.account_id
    where ${searchCondition(s)} and e.record_seq < ${size} and e.record_seq >= ${c.seq}
      and (e.record_seq, e.ref_kind, e.ref_id::text) > (${c.seq}, ${c.refKind}, ${c.refId})
    order by e.record_seq, e.ref_kind, e.ref_id::text
    limit ${limit}
  `.execute(db);
  return r.rows;
}

/** How many entries the scope holds in the tree of size `size` (for progress), and how many have no record yet. */
export async function scopeCount(db: Db, s: SearchSql, size: number) {
  const r = await sql<{ n: string; unsequenced: string }>`
    select count(*) filter (where e.record_seq < ${size}) as n,
      count(*) filter (where e.record_seq is null or e.record_seq >= ${size}) as unsequenced
    from archive_entries e where ${searchCondition(s)}
  `.execute(db);
  return { entries: Number(r.rows[0]!.n), unsequenced: Number(r.rows[0]!.unsequenced) };
}

export interface AttachmentRow {
  seq: string;
  id: string;
  subject: string;
  digest: string;
  envelope: Uint8Array;
  salt: Uint8Array | null;
}

/** The attachment records of these captured items in the tree of size `size`, in log order. */
export async function attachmentsOf(db: Db, itemIds: string[], size: number): Promise<AttachmentRow[]> {
  if (itemIds.length === 0) return [];
  return db
    .selectFrom('records')
    .select(['seq', 'id', 'subject', 'digest', 'envelope', 'salt'])
    .where('kind', '=', 'capture.attachment')
    .where('subject', 'in', itemIds)
    .where('seq', '<', String(size))
    .orderBy('seq')
    .execute() as Promise<AttachmentRow[]>;
}

/** A person by email, as an actor (the CLI acts in a records officer's name). */
export function userByEmail(db: Db, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'office_id', 'roles', 'display_name', 'status'])
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function officeName(db: Db, id: string) {
  return db.selectFrom('offices').select(['name']).where('id', '=', id).executeTakeFirst();
}

/** The records-log entry that recorded a transfer as done (audit.archive.transferred), if any. */
export async function transferredRecord(db: Db, officeId: string, transferId: string) {
  const r = await db
    .selectFrom('records')
    .select(['seq'])
    .where('kind', '=', 'audit.archive.transferred')
    .where('subject', '=', `transfer:${transferId}`)
    .where('office_id', '=', officeId)
    .executeTakeFirst();
  return r ? Number(r.seq) : null;
}

/** The office's index entries of these records: how many, and how many are sealed already. */
export async function sealCounts(db: Db, officeId: string, seqs: number[]) {
  const r = await sql<{ n: string; sealed: string }>`
    select count(*) as n, count(x.ref_id) as sealed
    from archive_entries e
    left join archive_sealed_entries x on x.office_id = e.office_id and x.ref_kind = e.ref_kind and x.ref_id = e.ref_id
    where e.office_id = ${officeId} and e.record_seq in (select unnest(${seqs}::bigint[]))
  `.execute(db);
  return { entries: Number(r.rows[0]!.n), sealed: Number(r.rows[0]!.sealed) };
}

export interface HeldEntry {
  ref_kind: string;
  ref_id: string;
  matter: string;
  hold_id: string;
}

/** The office's entries of these records, not sealed yet, that an active legal hold covers. */
export async function heldUnsealed(db: Db, officeId: string, seqs: number[], limit: number) {
  const r = await sql<HeldEntry>`
    select e.ref_kind, e.ref_id, h.matter, h.id as hold_id
    from archive_entries e
    join legal_hold_items hi on hi.ref_kind = e.ref_kind and hi.ref_id = e.ref_id
    join legal_holds h on h.id = hi.hold_id and h.released_at is null and h.office_id = e.office_id
    where e.office_id = ${officeId} and e.record_seq in (select unnest(${seqs}::bigint[]))
      and not exists (select 1 from archive_sealed_entries x
        where x.office_id = e.office_id and x.ref_kind = e.ref_kind and x.ref_id = e.ref_id)
    order by e.record_seq, e.ref_kind, e.ref_id
    limit ${limit}
  `.execute(db);
  return r.rows;
}

export interface SealRow {
  ref_kind: string;
  ref_id: string;
  record_seq: string;
}

/** The office's entries of these records not sealed yet, locked for this transaction. */
export async function unsealedForUpdate(db: Db, officeId: string, seqs: number[]): Promise<SealRow[]> {
  const r = await sql<SealRow>`
    select e.ref_kind, e.ref_id, e.record_seq
    from archive_entries e
    where e.office_id = ${officeId} and e.record_seq in (select unnest(${seqs}::bigint[]))
      and not exists (select 1 from archive_sealed_entries x
        where x.office_id = e.office_id and x.ref_kind = e.ref_kind and x.ref_id = e.ref_id)
    order by e.record_seq, e.ref_kind, e.ref_id
    for update of e
  `.execute(db);
  return r.rows;
}

/** Mark entries sealed (a concurrent run's rows are left as they are); returns the ones this call marked. */
export async function insertSealed(db: Db, rows: ArchiveSealedEntriesTable[]) {
  if (rows.length === 0) return [];
  return db
    .insertInto('archive_sealed_entries')
    .values(rows)
    .onConflict((c) => c.doNothing())
    .returning(['ref_kind', 'ref_id'])
    .execute();
}

/**
 * A sealed captured item's working copy: its summary keeps only what says what kind of thing it
 * was (source, direction, duration, deletion time, the location-leak flag) and its attachments'
 * content types and digests (their names become attachment-1, …). Senders, recipients, subject,
 * text, numbers, contact names and message ids go. The index refills from it (triggers, 023).
 */
export async function sealCapturedSummaries(db: Db, ids: string[]) {
  if (ids.length === 0) return;
  await sql`
    update captured_items set summary = jsonb_strip_nulls(jsonb_build_object(
      'source', summary->'source',
      'direction', summary->'direction',
      'durationSeconds', summary->'durationSeconds',
      'deletedAt', summary->'deletedAt',
      'locationLeak', summary->'locationLeak',
      'attachments', (
        select jsonb_agg(jsonb_build_object('filename', 'attachment-' || t.n, 'contentType', t.a->'contentType',
          'sha256', t.a->'sha256') order by t.n)
        from jsonb_array_elements(case when jsonb_typeof(summary->'attachments') = 'array'
          then summary->'attachments' else '[]'::jsonb end) with ordinality t(a, n))
    ))
    where id in (select unnest(${ids}::uuid[]))
  `.execute(db);
}

/** Rewrite the office's index rows sealed by the seal record `seq` as the views show sealed entries. */
export async function refreshSealedEntries(db: Db, officeId: string, seq: number) {
  await sql`
    update archive_entries e set title = archive_sealed_title(e.kind, x.transfer_id),
      body = archive_sealed_body(x.transfer_id), names = ''
    from archive_sealed_entries x
    where x.office_id = ${officeId} and x.record_seq = ${seq}
      and e.office_id = x.office_id and e.ref_kind = x.ref_kind and e.ref_id = x.ref_id
  `.execute(db);
}
