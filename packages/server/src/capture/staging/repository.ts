import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.js';

/**
 * Staged imports' database access (tables of migration 019): the import under way for an
 * account, its items, and publishing them into captured_items. The records themselves are
 * staged and sequenced by the records domain (RecordsService.stage / appendStaged).
 */
export type Db = Kysely<Database>;

export interface StagingRow {
  id: string;
  account_id: string;
  account_created: boolean;
  owner_office_id: string;
  actor_id: string | null;
  format: string;
  file_name: string;
  identifier: string;
  state: 'staging' | 'sealed';
  records: number;
  published_through: number;
  added: number;
  skipped: number;
  attachments: number;
}

/** The account (kind, identifier), created with `row.id` if missing; `created` says which. */
export async function claimAccount(
  db: Db,
  row: {
    id: string;
    owner_id: string;
    kind: string;
    identifier: string;
    official: boolean;
    created_at: Date;
  },
): Promise<{ id: string; owner_id: string; created: boolean }> {
  await db
    .insertInto('capture_accounts')
    .values(row as never)
    .onConflict((oc) => oc.columns(['kind', 'identifier']).doNothing())
    .execute();
  const a = await db
    .selectFrom('capture_accounts')
    .select(['id', 'owner_id'])
    .where('kind', '=', row.kind as never)
    .where('identifier', '=', row.identifier)
    .executeTakeFirstOrThrow();
  return { ...a, created: a.id === row.id };
}

/** Start an import for an account: false when another import of that account is under way. */
export async function beginStaging(
  db: Db,
  row: Omit<StagingRow, 'state' | 'records' | 'published_through' | 'added' | 'skipped' | 'attachments'>,
  now: Date,
): Promise<boolean> {
  const res = await sql<{ id: string }>`insert into capture_import_staging
      (id, account_id, account_created, owner_office_id, actor_id, format, file_name, identifier, started_at, updated_at)
    values (${row.id}::uuid, ${row.account_id}::uuid, ${row.account_created}, ${row.owner_office_id}::uuid,
      ${row.actor_id}::uuid, ${row.format}, ${row.file_name}, ${row.identifier}, ${now}, ${now})
    on conflict (account_id) do nothing returning id`.execute(db);
  return res.rows.length === 1;
}

export interface StagedItem {
  id: string;
  kind: string;
  source_id: string;
  occurred_at: Date;
  summary: Record<string, unknown>;
  record_id: string;
}

/** A batch of parsed items, and the import's running counts. */
export async function stageItems(
  db: Db,
  importId: string,
  items: StagedItem[],
  counts: { records: number; added: number; skipped: number; attachments: number },
  now: Date,
): Promise<void> {
  if (items.length > 0)
    await sql`insert into captured_item_staging (import_id, id, kind, source_id, occurred_at, summary, record_id)
      select ${importId}::uuid, id, kind, source_id, occurred_at, summary, record_id
      from json_to_recordset(${JSON.stringify(items)}::json) as r(id uuid, kind text, source_id text,
        occurred_at timestamptz, summary jsonb, record_id uuid)`.execute(db);
  await sql`update capture_import_staging set records = ${counts.records}, added = ${counts.added},
      skipped = ${counts.skipped}, attachments = ${counts.attachments}, updated_at = ${now}
    where id = ${importId}::uuid`.execute(db);
}

/** The whole file has parsed (`records` staged in all): the import will be published, after a crash too. */
export async function sealStaging(db: Db, importId: string, records: number, now: Date): Promise<void> {
  await sql`update capture_import_staging set state = 'sealed', records = ${records}, updated_at = ${now}
    where id = ${importId}::uuid`.execute(db);
}

/** The import's staging row, locked until the transaction ends (null once published or dropped). */
export async function lockStaging(db: Db, importId: string): Promise<StagingRow | null> {
  const res = await sql<StagingRow>`select id, account_id, account_created, owner_office_id, actor_id, format,
      file_name, identifier, state, records, published_through, added, skipped, attachments
    from capture_import_staging where id = ${importId}::uuid for update`.execute(db);
  return res.rows[0] ?? null;
}

export async function setPublishedThrough(db: Db, importId: string, through: number): Promise<void> {
  await sql`update capture_import_staging set published_through = ${through}
    where id = ${importId}::uuid`.execute(db);
}

/** The staged items into captured_items, each with its record's sequence number. */
export async function publishItems(db: Db, importId: string, accountId: string): Promise<void> {
  await sql`insert into captured_items
      (id, account_id, kind, source_id, occurred_at, category, summary, record_id, record_seq, import_id)
    select s.id, ${accountId}::uuid, s.kind, s.source_id, s.occurred_at, 'unknown', s.summary, s.record_id,
      r.seq, ${importId}::uuid
    from captured_item_staging s join records r on r.id = s.record_id
    where s.import_id = ${importId}::uuid`.execute(db);
}

/** Forget the import's staging row and items. */
export async function deleteStaging(db: Db, importId: string): Promise<void> {
  await sql`delete from captured_item_staging where import_id = ${importId}::uuid`.execute(db);
  await sql`delete from capture_import_staging where id = ${importId}::uuid`.execute(db);
}

/** An account this import created, if nothing else came to hold it. */
export async function deleteAccountIfUnused(db: Db, accountId: string): Promise<void> {
  await sql`delete from capture_accounts a where a.id = ${accountId}::uuid
    and not exists (select 1 from captured_items i where i.account_id = a.id)
    and not exists (select 1 from capture_imports m where m.account_id = a.id)`.execute(db);
}

/** Imports left behind: every sealed one, and those still staging that were last touched before `staleBefore`. */
export async function leftoverStaging(db: Db, staleBefore: Date) {
  const res = await sql<{
    id: string;
    state: 'staging' | 'sealed';
  }>`select id, state from capture_import_staging
    where state = 'sealed' or updated_at < ${staleBefore} order by started_at`.execute(db);
  return res.rows;
}
