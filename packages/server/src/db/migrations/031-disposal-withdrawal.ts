import { type Kysely, sql } from 'kysely';

/**
 * A disposal request may be withdrawn (refused) before it is carried out: who, when, why, and
 * its records-log entry. A withdrawn request is closed; the item keeps its content and a new
 * request may be filed later.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table disposal_requests
    add column withdrawn_by uuid references users(id),
    add column withdrawn_at timestamptz,
    add column withdrawn_reason text,
    add column withdrawn_seq bigint`.execute(db);
  await sql`alter table disposal_requests add constraint disposal_requests_one_outcome
    check (disposed_at is null or withdrawn_at is null)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table disposal_requests drop constraint disposal_requests_one_outcome`.execute(db);
  await sql`alter table disposal_requests
    drop column withdrawn_by, drop column withdrawn_at, drop column withdrawn_reason, drop column withdrawn_seq`.execute(
    db,
  );
}
