import { type Kysely, sql } from 'kysely';

/**
 * Sessions and invitations under the administrator's hand, and refused sign-ins counted instead
 * of recorded one by one (issue "Hardening", items 7 and 8).
 * - sessions: the device (user agent) and when each was last seen, for the session lists;
 * - invites: revoked_at, for an administrator withdrawing a pending invitation;
 * - sign_in_refusals: refused anonymous sign-ins per address and time window. The records log
 *   gets one record per window (its counts), not one per attempt.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('user_agent', 'text')
    .addColumn('last_seen_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.alterTable('invites').addColumn('revoked_at', 'timestamptz').execute();
  await db.schema
    .createTable('sign_in_refusals')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .addColumn('window_end', 'timestamptz', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count > 0`))
    .addColumn('first_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recorded_at', 'timestamptz')
    .addPrimaryKeyConstraint('sign_in_refusals_pk', ['address', 'window_start'])
    .execute();
  await db.schema
    .createIndex('sign_in_refusals_unrecorded_idx')
    .on('sign_in_refusals')
    .column('window_end')
    .where(sql.ref('recorded_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_refusals').execute();
  await db.schema.alterTable('invites').dropColumn('revoked_at').execute();
  await db.schema.dropIndex('sessions_user_idx').execute();
  await db.schema.alterTable('sessions').dropColumn('user_agent').dropColumn('last_seen_at').execute();
}
