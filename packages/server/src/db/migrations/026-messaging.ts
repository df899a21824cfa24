import { type Kysely, sql } from 'kysely';

/**
 * Messaging's delivery service (MLS, RFC 9420; issue 16). The server stores ciphertext only:
 * key packages (public halves), Commits as PublicMessage, application messages as PrivateMessage,
 * Welcomes. One Commit per epoch per group (the unique index backs the service's row lock). Key
 * packages are handed out once (claimed_at), a device's last-resort package excepted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('messaging_groups')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('created_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('roster', 'jsonb', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('messaging_key_packages')
    .addColumn('ref', 'text', (c) => c.primaryKey())
    .addColumn('owner_kind', 'text', (c) => c.notNull().check(sql`owner_kind in ('person', 'records')`))
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('device_id', 'text')
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('last_resort', 'boolean', (c) => c.notNull())
    .addColumn('uploaded_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('claimed_by', 'uuid')
    .execute();
  await db.schema
    .createIndex('messaging_key_packages_owner')
    .on('messaging_key_packages')
    .columns(['user_id', 'device_id', 'claimed_at'])
    .execute();
  await db.schema
    .createTable('messaging_records_keys')
    .addColumn('office_id', 'uuid', (c) => c.primaryKey().references('offices.id'))
    .addColumn('signature_key', 'bytea', (c) => c.notNull())
    .addColumn('key_package_ref', 'text', (c) => c.notNull())
    .addColumn('archive_public_key', 'bytea', (c) => c.notNull())
    .addColumn('published_by', 'uuid', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('messaging_messages')
    .addColumn('seq', 'bigserial', (c) => c.primaryKey())
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('messaging_groups.id'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('commit', 'application')`))
    .addColumn('sender_user_id', 'uuid', (c) => c.notNull())
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .execute();
  await sql`create unique index messaging_one_commit_per_epoch on messaging_messages (group_id, epoch) where kind = 'commit'`.execute(
    db,
  );
  await db.schema
    .createIndex('messaging_messages_group')
    .on('messaging_messages')
    .columns(['group_id', 'seq'])
    .execute();
  await db.schema
    .createTable('messaging_welcomes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('messaging_groups.id'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('key_package_ref', 'text', (c) => c.notNull())
    .addColumn('recipient_user_id', 'uuid')
    .addColumn('recipient_office_id', 'uuid')
    .addColumn('data', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('messaging_welcomes_recipient')
    .on('messaging_welcomes')
    .columns(['recipient_user_id', 'created_at'])
    .execute();
  // Each message the records member of an office has archived: its acknowledgement, pointing to
  // the records-log entry that holds the message sealed to the office's archive public key.
  await db.schema
    .createTable('messaging_archived')
    .addColumn('group_id', 'uuid', (c) => c.notNull().references('messaging_groups.id'))
    .addColumn('seq', 'bigint', (c) => c.notNull().references('messaging_messages.seq'))
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('archived_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('messaging_archived_pk', ['seq', 'office_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'messaging_archived',
    'messaging_welcomes',
    'messaging_messages',
    'messaging_records_keys',
    'messaging_key_packages',
    'messaging_groups',
  ])
    await db.schema.dropTable(t).execute();
}
