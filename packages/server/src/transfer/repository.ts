import { type Kysely, sql } from 'kysely';
import { type SearchSql, searchCondition } from '../archive/repository.js';
import type { Database } from '../db/schema.js';

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
 * One window of a transfer's scope: the archive entries a search matches whose record seq is in
 * [from, to) (and after `after`, when resuming inside the window), in (record seq, ref kind,
 * ref id) order, with the record's envelope and salt (its opening) and, for a captured item,
 * its account and summary. Paging by a window of log indexes, not LIMIT/OFFSET over the view:
 * each query reads only the rows of its window (captured items by their record_seq index,
 * migration 024), so a transfer's cost grows with its size, not with its size squared.
 */
export async function scopeWindow(
  db: Db,
  s: SearchSql,
  from: number,
  to: number,
  after: Cursor | null,
): Promise<ScopeRow[]> {
  const past = after
    ? sql`and (e.record_seq, e.ref_kind, e.ref_id::text) > (${after.seq}, ${after.refKind}, ${after.refId})`
    : sql``;
  const r = await sql<ScopeRow>`
    select e.ref_kind, e.ref_id, e.kind, e.call_id, e.title, e.body, e.occurred_at, e.classification,
      e.record_seq, r.id as record_id, r.digest, r.envelope, r.salt,
      a.identifier as account, a.kind as account_kind, i.summary
    from archive_entries e
    join records r on r.seq = e.record_seq
    left join captured_items i on e.ref_kind = 'captured_item' and i.id = e.ref_id
    left join capture_accounts a on a.id = i.account_id
    where ${searchCondition(s)} and e.record_seq >= ${from} and e.record_seq < ${to} ${past}
    order by e.record_seq, e.ref_kind, e.ref_id::text
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
