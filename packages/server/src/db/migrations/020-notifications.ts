import { type Kysely, sql } from 'kysely';

/**
 * Readout corrections and withdrawals (below), and notifications: one row per step that came to wait for a person, written in the transaction of
 * the change that created it. `in_app` false: only an email was wanted. The email columns are the
 * outbox: 'pending' rows are sent after the commit and retried with backoff until `email_next_at`
 * passes five attempts ('failed'). Preferences: per person, which kinds come in the app and by email.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Published readouts can be corrected (a new published version, with its reason) or withdrawn
  // (a 'withdrawn' version: the tombstone). Every version of one readout shares `public_id` (the
  // first published version's id, its public address); the version it replaced gets `superseded_at`.
  await db.schema
    .alterTable('readouts')
    .addColumn('public_id', 'uuid')
    .addColumn('supersedes_id', 'uuid')
    .addColumn('reason', 'text')
    .addColumn('superseded_at', 'timestamptz')
    .execute();
  await sql`update readouts set public_id = id where status = 'published'`.execute(db);
  await db.schema.createIndex('readouts_public_id').on('readouts').column('public_id').execute();
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('call_id', 'uuid', (c) => c.references('calls.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('step', 'text', (c) => c.notNull())
    .addColumn('in_app', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .addColumn('email_status', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('email_next_at', 'timestamptz')
    .addColumn('email_sent_at', 'timestamptz')
    .addColumn('email_error', 'text')
    .execute();
  await db.schema
    .createIndex('notifications_user')
    .on('notifications')
    .columns(['user_id', 'created_at'])
    .execute();
  await sql`create index notifications_email_due on notifications (email_next_at) where email_status = 'pending'`.execute(
    db,
  );
  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('users.id'))
    .addColumn('kinds', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_preferences').execute();
  await db.schema.dropTable('notifications').execute();
  await db.schema.dropIndex('readouts_public_id').execute();
  await sql`delete from readouts where status = 'withdrawn'`.execute(db);
  await db.schema
    .alterTable('readouts')
    .dropColumn('public_id')
    .dropColumn('supersedes_id')
    .dropColumn('reason')
    .dropColumn('superseded_at')
    .execute();
}
