import { type Kysely, sql } from 'kysely';

/**
 * Redacted copies (issue 18.5): a derived version of an archive record with redactions burned
 * into its text, each with its reason (2204(a) category or FOIA exemption). The original record
 * is not touched; the copy names it (ref_kind, ref_id), and the records-log entry that made it.
 * An export answering an access request holds only these copies; it is a row of its own.
 * Disposal requests record the Archivist's views and the waiting period before a purge.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table archive_redacted_copies (
    id uuid primary key,
    office_id uuid not null references offices(id),
    ref_kind text not null,
    ref_id text not null,
    request_id uuid references access_requests(id),
    title text not null,
    body text not null,
    redactions jsonb not null,
    source_sha256 text not null,
    created_by uuid not null references users(id),
    created_at timestamptz not null,
    record_seq bigint not null
  )`.execute(db);
  await sql`create index archive_redacted_copies_ref_idx on archive_redacted_copies (office_id, ref_kind, ref_id)`.execute(
    db,
  );
  await sql`create index archive_redacted_copies_request_idx on archive_redacted_copies (request_id)`.execute(
    db,
  );
  await sql`create table archive_exports (
    id uuid primary key,
    office_id uuid not null references offices(id),
    request_id uuid not null references access_requests(id),
    copies jsonb not null,
    files jsonb not null,
    created_by uuid not null references users(id),
    created_at timestamptz not null,
    record_seq bigint not null
  )`.execute(db);
  // Disposal requests (44 U.S.C. 2203(c)–(e)): the Archivist's views and the waiting period come
  // before a personal record or non-record copy is purged. The item's row goes; this one stays.
  await sql`create table disposal_requests (
    id uuid primary key,
    office_id uuid not null references offices(id),
    item_id uuid not null,
    basis text not null check (basis in ('personal', 'non_record_copy')),
    kept_copy_id uuid,
    reason text not null,
    archivist_views text not null,
    archivist_views_on date not null,
    eligible_on date not null,
    requested_by uuid not null references users(id),
    requested_at timestamptz not null,
    record_seq bigint not null,
    disposed_by uuid references users(id),
    disposed_at timestamptz,
    disposed_seq bigint
  )`.execute(db);
  await sql`create index disposal_requests_item_idx on disposal_requests (item_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table disposal_requests`.execute(db);
  await sql`drop table archive_exports`.execute(db);
  await sql`drop table archive_redacted_copies`.execute(db);
}
