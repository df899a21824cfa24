import { type Kysely, sql } from 'kysely';

/**
 * Staged imports. A file is parsed and its records prepared outside the records log's
 * sequencing lock, into these tables (each batch its own short transaction). Only when the whole
 * file has parsed is the import sealed; its records are then sequenced in short chunks and its
 * items published in one last transaction. A sealed import is finished after a crash; an
 * unsealed one (the file never finished parsing) is dropped, leaving nothing.
 *
 * - record_staging: prepared records (envelope, salt and leaf computed), in order within a batch;
 * - record_staging_content: their sealed content, moved into record_content with their chunk;
 * - capture_import_staging: one row per import under way (one per account at a time), with how
 *   far its records are sequenced;
 * - captured_item_staging: the items, published into captured_items with the import.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table record_staging (
    batch_id uuid not null,
    ord integer not null,
    id uuid not null,
    kind text not null,
    at timestamptz not null,
    office_id uuid,
    actor_id uuid,
    subject text,
    digest text not null,
    prev uuid,
    envelope bytea not null,
    salt bytea not null,
    leaf bytea not null,
    primary key (batch_id, ord)
  )`.execute(db);
  await sql`create table record_staging_content (
    batch_id uuid not null,
    digest text not null,
    bytes bytea not null,
    key_id text not null,
    primary key (batch_id, digest)
  )`.execute(db);
  await sql`create table capture_import_staging (
    id uuid primary key,
    account_id uuid not null unique references capture_accounts(id),
    account_created boolean not null,
    owner_office_id uuid not null,
    actor_id uuid,
    format text not null,
    file_name text not null,
    identifier text not null,
    state text not null default 'staging',
    records integer not null default 0,
    published_through integer not null default 0,
    added integer not null default 0,
    skipped integer not null default 0,
    attachments integer not null default 0,
    started_at timestamptz not null,
    updated_at timestamptz not null
  )`.execute(db);
  await sql`create table captured_item_staging (
    import_id uuid not null,
    id uuid not null,
    kind text not null,
    source_id text not null,
    occurred_at timestamptz not null,
    summary jsonb not null,
    record_id uuid not null,
    primary key (import_id, id),
    unique (import_id, source_id)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'captured_item_staging',
    'capture_import_staging',
    'record_staging_content',
    'record_staging',
  ])
    await sql`drop table ${sql.table(t)}`.execute(db);
}
