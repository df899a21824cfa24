import { type Kysely, sql } from 'kysely';
import { bufferView } from '../db/database.js';
import type { Database } from '../db/schema.js';

/**
 * The records log's database access: sequencing, content, tiles and checkpoints. The statements
 * are the log's semantics (the `log_state` row lock, the pushback limit, the integrator's advisory
 * lock); RecordsService and LogService decide when each runs.
 */
export type Db = Kysely<Database>;

/** Run `fn` in one transaction. */
export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

// ─── appending ───────────────────────────────────────────────────────────────────────────────

/**
 * Content first (content-addressed, idempotent), outside the lock. One statement whatever the
 * batch size: PostgreSQL parses and plans it once. The sealed bytes go as comma-separated base64
 * (never empty: a sealed value has at least 28 bytes).
 */
export async function insertRecordContent(
  tx: Db,
  digests: string[],
  sealedBase64: string[],
  keyId: string,
): Promise<void> {
  await sql`insert into record_content (digest, bytes, key_id)
      select u.digest, decode(u.b64, 'base64'), ${keyId}::text
      from rows from (
        string_to_table(${digests.join(',')}, ','),
        string_to_table(${sealedBase64.join(',')}, ',')
      ) as u(digest, b64)
      on conflict (digest) do nothing`.execute(tx);
}

/** The columns of a batch of records, one array per column, in sequence order. */
export interface RecordColumns {
  ids: string[];
  kinds: string[];
  ats: string[];
  offices: (string | null)[];
  actors: (string | null)[];
  subjects: (string | null)[];
  digests: string[];
  prevs: (string | null)[];
  envelopes: string[];
  /** base64 of each record's 32-byte leaf salt */
  salts: string[];
  /** base64 of each record's public leaf (the commitment) */
  leaves: string[];
}

/**
 * Sequence and insert in one statement. The UPDATE takes the log_state row lock, held until
 * the caller commits; seq is computed in SQL from the new next_seq. Over the pushback limit
 * the UPDATE matches no row, so nothing is sequenced or inserted and no number is taken: then
 * this returns null. Otherwise the first sequence number.
 *
 * Envelopes travel as one newline-separated text (canonical JSON never holds a raw newline),
 * uuid and other plain columns as comma-separated text, free text as text[]: all far cheaper
 * for node-postgres and PGlite to send, and for PostgreSQL to parse, than escaped array
 * literals. (One binary bytea parameter sliced with substring() was as fast on PostgreSQL
 * but 1.5x slower per record on PGlite.) A null uuid is an empty field
 * (nullif); a batch of one null is the empty string, which string_to_table turns into no
 * row, and rows from () pads a short column with null, so that is null too.
 */
export async function sequenceRecords(tx: Db, c: RecordColumns, maxPending: number): Promise<string | null> {
  const n = c.ids.length;
  const res = await sql<{ start: string | null }>`with s as (
        update log_state set next_seq = next_seq + ${n}::bigint
        where id = 1 and leaf_version = 2 and next_seq - integrated_size <= ${maxPending}::bigint
        returning next_seq - ${n}::bigint as start
      ), ins as (
        insert into records (seq, id, kind, at, office_id, actor_id, subject, digest, prev, envelope, salt, leaf)
        select s.start + r.ord - 1, r.id::uuid, r.kind, r.at::timestamptz, nullif(r.office, '')::uuid,
          nullif(r.actor, '')::uuid, r.subject, r.digest, nullif(r.prev, '')::uuid,
          convert_to(r.env, 'UTF8'), decode(r.salt, 'base64'), decode(r.leaf, 'base64')
        from s, rows from (
          string_to_table(${c.ids.join(',')}, ','),
          unnest(${c.kinds}::text[]),
          string_to_table(${c.ats.join(',')}, ','),
          string_to_table(${c.offices.map((x) => x ?? '').join(',')}, ','),
          string_to_table(${c.actors.map((x) => x ?? '').join(',')}, ','),
          unnest(${c.subjects}::text[]),
          string_to_table(${c.digests.join(',')}, ','),
          string_to_table(${c.prevs.map((x) => x ?? '').join(',')}, ','),
          string_to_table(${c.envelopes.join('\n')}, ${'\n'}),
          string_to_table(${c.salts.join(',')}, ','),
          string_to_table(${c.leaves.join(',')}, ',')
        ) with ordinality as r(id, kind, at, office, actor, subject, digest, prev, env, salt, leaf, ord)
      )
      select (select start from s) as start`.execute(tx);
  return res.rows[0]?.start ?? null;
}

// ─── staged appending ────────────────────────────────────────────────────────────────────────

/**
 * Prepared records into a staging batch, ord firstOrd onwards, with their sealed content. No
 * lock is taken: staging is invisible to the log until sequenceStaged.
 */
export async function stageRecords(
  tx: Db,
  batchId: string,
  firstOrd: number,
  c: RecordColumns,
  digests: string[],
  sealedBase64: string[],
  keyId: string,
): Promise<void> {
  if (digests.length > 0)
    await sql`insert into record_staging_content (batch_id, digest, bytes, key_id)
      select ${batchId}::uuid, u.digest, decode(u.b64, 'base64'), ${keyId}::text
      from rows from (
        string_to_table(${digests.join(',')}, ','),
        string_to_table(${sealedBase64.join(',')}, ',')
      ) as u(digest, b64)
      on conflict do nothing`.execute(tx);
  if (c.ids.length === 0) return;
  await sql`insert into record_staging
        (batch_id, ord, id, kind, at, office_id, actor_id, subject, digest, prev, envelope, salt, leaf)
      select ${batchId}::uuid, ${firstOrd}::int + r.ord::int - 1, r.id::uuid, r.kind, r.at::timestamptz,
        nullif(r.office, '')::uuid, nullif(r.actor, '')::uuid, r.subject, r.digest, nullif(r.prev, '')::uuid,
        convert_to(r.env, 'UTF8'), decode(r.salt, 'base64'), decode(r.leaf, 'base64')
      from rows from (
        string_to_table(${c.ids.join(',')}, ','),
        unnest(${c.kinds}::text[]),
        string_to_table(${c.ats.join(',')}, ','),
        string_to_table(${c.offices.map((x) => x ?? '').join(',')}, ','),
        string_to_table(${c.actors.map((x) => x ?? '').join(',')}, ','),
        unnest(${c.subjects}::text[]),
        string_to_table(${c.digests.join(',')}, ','),
        string_to_table(${c.prevs.map((x) => x ?? '').join(',')}, ','),
        string_to_table(${c.envelopes.join('\n')}, ${'\n'}),
        string_to_table(${c.salts.join(',')}, ','),
        string_to_table(${c.leaves.join(',')}, ',')
      ) with ordinality as r(id, kind, at, office, actor, subject, digest, prev, env, salt, leaf, ord)`.execute(
    tx,
  );
}

/** The content of staged records ord in [fromOrd, toOrd) into record_content (idempotent, no lock). */
export async function moveStagedContent(tx: Db, batchId: string, fromOrd: number, toOrd: number) {
  await sql`insert into record_content (digest, bytes, key_id)
      select c.digest, c.bytes, c.key_id from record_staging_content c
      where c.batch_id = ${batchId}::uuid and c.digest in (
        select r.digest from record_staging r
        where r.batch_id = ${batchId}::uuid and r.ord >= ${fromOrd}::int and r.ord < ${toOrd}::int)
      on conflict (digest) do nothing`.execute(tx);
}

/**
 * Sequence staged records ord in [fromOrd, toOrd) (all present) as sequenceRecords does: one
 * statement, the log_state row lock held until the caller commits; null when pushed back.
 */
export async function sequenceStaged(
  tx: Db,
  batchId: string,
  fromOrd: number,
  toOrd: number,
  maxPending: number,
): Promise<string | null> {
  const n = toOrd - fromOrd;
  const res = await sql<{ start: string | null }>`with s as (
        update log_state set next_seq = next_seq + ${n}::bigint
        where id = 1 and leaf_version = 2 and next_seq - integrated_size <= ${maxPending}::bigint
        returning next_seq - ${n}::bigint as start
      ), ins as (
        insert into records (seq, id, kind, at, office_id, actor_id, subject, digest, prev, envelope, salt, leaf)
        select s.start + (r.ord - ${fromOrd}::int), r.id, r.kind, r.at, r.office_id, r.actor_id, r.subject,
          r.digest, r.prev, r.envelope, r.salt, r.leaf
        from s, record_staging r
        where r.batch_id = ${batchId}::uuid and r.ord >= ${fromOrd}::int and r.ord < ${toOrd}::int
      )
      select (select start from s) as start`.execute(tx);
  return res.rows[0]?.start ?? null;
}

/** Forget a staging batch. */
export async function deleteStaged(tx: Db, batchId: string): Promise<void> {
  await sql`delete from record_staging where batch_id = ${batchId}::uuid`.execute(tx);
  await sql`delete from record_staging_content where batch_id = ${batchId}::uuid`.execute(tx);
}

/** The sequencer's counters: the next sequence number and how far the log is integrated. */
export function logState(db: Db) {
  return db
    .selectFrom('log_state')
    .select(['next_seq', 'integrated_size', 'leaf_version'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
}

/** Sealed content by digest. */
/** Several contents in one query (a transfer reads a batch of records at a time). */
export function findContents(db: Db, digests: readonly string[]) {
  if (digests.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('record_content')
    .select(['digest', 'bytes', 'key_id'])
    .where('digest', 'in', [...new Set(digests)])
    .execute();
}

export function findContent(db: Db, digest: string) {
  return db
    .selectFrom('record_content')
    .select(['bytes', 'key_id'])
    .where('digest', '=', digest)
    .executeTakeFirst();
}

// ─── integrating ─────────────────────────────────────────────────────────────────────────────

/** The transaction-scoped advisory lock; false when another process holds it. */
export async function tryAdvisoryLock(tx: Db, key: number): Promise<boolean> {
  const locked = await sql<{
    ok: boolean;
  }>`select pg_try_advisory_xact_lock(${key}) as ok`.execute(tx);
  return !!locked.rows[0]?.ok;
}

/**
 * integrated_size and the run of entries after it (at most `limit`), in one round trip.
 * PostgreSQL computes the RFC 6962 leaf hash, SHA-256(0x00 ‖ entry), of the stored bytes,
 * so 32 bytes per entry cross the wire. The entry is the v2 leaf, or on a v1 row (a log not yet
 * migrated, which takes no new entries) the envelope.
 */
export async function pendingLeaves(tx: Db, limit: number) {
  const { rows } = await sql<{
    integrated_size: string;
    seq: string | null;
    leaf: Uint8Array | null;
  }>`
        select s.integrated_size, r.seq, sha256('\\x00'::bytea || coalesce(r.leaf, r.envelope)) as leaf
        from log_state s left join lateral (
          select seq, leaf, envelope from records where seq >= s.integrated_size order by seq limit ${limit}
        ) r on true
        where s.id = 1`.execute(tx);
  return rows;
}

/**
 * Every changed tile in one statement. A tile only ever grows, so an existing wider one
 * (another process got further) is kept.
 */
export async function upsertTiles(
  tx: Db,
  tiles: { level: number; index: number; width: number; hashes: Uint8Array }[],
): Promise<void> {
  await sql`insert into log_tiles (level, idx, width, hashes)
        select * from unnest(${tiles.map((t) => t.level)}::int[], ${tiles.map((t) => String(t.index))}::bigint[],
          ${tiles.map((t) => t.width)}::int[], ${tiles.map((t) => bufferView(t.hashes))}::bytea[])
        on conflict (level, idx) do update set width = excluded.width, hashes = excluded.hashes
        where log_tiles.width < excluded.width`.execute(tx);
}

export async function readTile(db: Db, level: number, index: number): Promise<Uint8Array | null> {
  const row = await db
    .selectFrom('log_tiles')
    .select('hashes')
    .where('level', '=', level)
    .where('idx', '=', String(index))
    .executeTakeFirst();
  return row ? new Uint8Array(row.hashes) : null;
}

export function integratedRoot(tx: Db) {
  return tx.selectFrom('log_state').select('integrated_root').where('id', '=', 1).executeTakeFirstOrThrow();
}

/** Moves log_state to the checkpoint and stores it, in one statement. */
export async function advanceWithCheckpoint(
  tx: Db,
  size: number,
  root: Uint8Array,
  note: string,
  at: Date,
): Promise<void> {
  await sql`with u as (
          update log_state set integrated_size = ${String(size)}::bigint, integrated_root = ${bufferView(root)} where id = 1
        )
        insert into log_checkpoints (size, root, note, created_at)
        values (${String(size)}::bigint, ${bufferView(root)}, ${note}, ${at})
        on conflict (size) do nothing`.execute(tx);
}

export async function insertCheckpoint(
  tx: Db,
  size: number,
  root: Uint8Array,
  note: string,
  at: Date,
): Promise<void> {
  await tx
    .insertInto('log_checkpoints')
    .values({ size: String(size), root, note, created_at: at })
    .onConflict((oc) => oc.column('size').doNothing())
    .execute();
}

// ─── reading ─────────────────────────────────────────────────────────────────────────────────

export function latestCheckpoint(db: Db) {
  return db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
}

/** The sizes and times of the published checkpoints, oldest first. */
export function checkpointSizes(db: Db) {
  return db.selectFrom('log_checkpoints').select(['size', 'created_at']).orderBy('size').execute();
}

export function checkpointAt(db: Db, size: number) {
  return db.selectFrom('log_checkpoints').selectAll().where('size', '=', String(size)).executeTakeFirst();
}

/** The public entries of records [start, start + width), in order: the leaf (v1: the envelope). */
export function leaves(db: Db, start: number, width: number) {
  return db
    .selectFrom('records')
    .select(['seq', sql<Uint8Array>`coalesce(leaf, envelope)`.as('leaf')])
    .where('seq', '>=', String(start))
    .where('seq', '<', String(start + width))
    .orderBy('seq')
    .execute();
}

/** Records [start, start + width) with what opens each leaf (salt, envelope), in order. */
export function openings(db: Db, start: number, width: number) {
  return db
    .selectFrom('records')
    .select([
      'seq',
      'id',
      'kind',
      'at',
      'office_id',
      'actor_id',
      'subject',
      'digest',
      'prev',
      'envelope',
      'salt',
      'leaf',
    ])
    .where('seq', '>=', String(start))
    .where('seq', '<', String(start + width))
    .orderBy('seq')
    .execute();
}

/** The sequence numbers of records by id (for checking prev links). */
export async function seqsOf(db: Db, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('records').select(['id', 'seq']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, Number(r.seq)]));
}

// ─── migrating a v1 log to v2 (hotline log migrate-v2) ───────────────────────────────────────

/** The envelopes of v1 rows (no leaf yet) from seq `from`, at most `limit`, in order. */
export function v1Envelopes(tx: Db, from: number, limit: number) {
  return tx
    .selectFrom('records')
    .select(['seq', 'envelope'])
    .where('seq', '>=', String(from))
    .where('leaf', 'is', null)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** Give v1 rows their salt and leaf (the one update the records trigger allows). */
export async function fillLeaves(tx: Db, seqs: number[], saltsBase64: string[], leavesBase64: string[]) {
  await sql`update records set salt = decode(u.salt, 'base64'), leaf = decode(u.leaf, 'base64')
      from rows from (
        string_to_table(${seqs.join(',')}, ','),
        string_to_table(${saltsBase64.join(',')}, ','),
        string_to_table(${leavesBase64.join(',')}, ',')
      ) as u(seq, salt, leaf)
      where records.seq = u.seq::bigint`.execute(tx);
}

/**
 * Set the log up to be rebuilt from its first entry as v2: the old checkpoints move to
 * log_v1_checkpoints, the tiles go, and log_state starts again from size 0 with leaf_version 2.
 * Only inside migrate-v2's transaction, with the integrator's lock held.
 */
export async function restartLogAsV2(tx: Db): Promise<void> {
  await sql`insert into log_v1_checkpoints (size, root, note, created_at)
      select size, root, note, created_at from log_checkpoints on conflict (size) do nothing`.execute(tx);
  await sql`delete from log_checkpoints`.execute(tx);
  await sql`delete from log_tiles`.execute(tx);
  await sql`update log_state set integrated_size = 0, integrated_root = null, leaf_version = 2 where id = 1`.execute(
    tx,
  );
}

/** Lock the sequencer row (no append can start until commit) and read it. */
export async function lockLogState(tx: Db) {
  const { rows } = await sql<{
    next_seq: string;
    integrated_size: string;
    leaf_version: number;
  }>`select next_seq, integrated_size, leaf_version from log_state where id = 1 for update`.execute(tx);
  return rows[0]!;
}

// ─── archive key rotation ────────────────────────────────────────────────────────────────────

/** How many content rows are sealed under another key than `keyId` (or none recorded). */
export async function countSealedNotUnder(db: Db, keyId: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from record_content
    where key_id is distinct from ${keyId}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export function sealedNotUnder(db: Db, keyId: string, limit: number) {
  return db
    .selectFrom('record_content')
    .select(['digest', 'bytes', 'key_id'])
    .where((eb) => eb.or([eb('key_id', 'is', null), eb('key_id', '!=', keyId)]))
    .orderBy('digest')
    .limit(limit)
    .execute();
}

export async function resealContent(db: Db, digest: string, bytes: Uint8Array, keyId: string): Promise<void> {
  await db.updateTable('record_content').set({ bytes, key_id: keyId }).where('digest', '=', digest).execute();
}

/** Staged content (an import not yet sequenced) sealed under another key than `keyId`. */
export async function countStagedSealedNotUnder(db: Db, keyId: string): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from record_staging_content
    where key_id is distinct from ${keyId}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}
