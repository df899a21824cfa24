import { type Kysely, sql } from 'kysely';

/**
 * Messaging, part two (issue 16): the authentication service's credentials (a device's MLS
 * signature key bound to a person and device, signed by the server's messaging authority key),
 * read state per person and conversation, a conversation's disappearing-message setting, and
 * encrypted file blobs (ciphertext only: the key travels inside the MLS message).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table messaging_credentials (
    id uuid primary key,
    office_id uuid not null references offices(id),
    user_id uuid not null references users(id),
    device_id text not null,
    signature_public_key bytea not null,
    issued_at timestamptz not null,
    signature bytea not null,
    session_method text not null,
    revoked_at timestamptz,
    record_seq bigint not null
  )`.execute(db);
  await sql`create unique index messaging_credentials_key on messaging_credentials (signature_public_key)`.execute(
    db,
  );
  await sql`create index messaging_credentials_user on messaging_credentials (user_id, device_id)`.execute(
    db,
  );
  await sql`create table messaging_read_state (
    group_id uuid not null references messaging_groups(id),
    user_id uuid not null references users(id),
    seq bigint not null,
    updated_at timestamptz not null,
    primary key (group_id, user_id)
  )`.execute(db);
  await sql`alter table messaging_groups add column disappear_after_seconds integer`.execute(db);
  await sql`create table messaging_blobs (
    id uuid primary key,
    group_id uuid not null references messaging_groups(id),
    uploaded_by uuid not null references users(id),
    data bytea not null,
    sha256 text not null,
    created_at timestamptz not null,
    record_seq bigint not null
  )`.execute(db);
  await sql`create index messaging_blobs_group on messaging_blobs (group_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table messaging_blobs`.execute(db);
  await sql`alter table messaging_groups drop column disappear_after_seconds`.execute(db);
  await sql`drop table messaging_read_state`.execute(db);
  await sql`drop table messaging_credentials`.execute(db);
}
