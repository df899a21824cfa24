import { type Kysely, sql } from 'kysely';

/**
 * An office's messaging archive private key taken under the split of the archive key
 * (`hotline keys split`): sealed to the archive public key, so that only k of the n custodians'
 * shares open it. One row per messaging archive key pair of an office (an office that published
 * a new archive key keeps the old one for the messages sealed to it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messaging_archive_keys_sealed')
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('archive_key_id', 'text', (c) => c.notNull())
    .addColumn('sealed', 'bytea', (c) => c.notNull())
    .addColumn('sealed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('messaging_archive_keys_sealed_pk', ['office_id', 'public_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table messaging_archive_keys_sealed`.execute(db);
}
