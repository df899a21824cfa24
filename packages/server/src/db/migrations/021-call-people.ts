import { type Kysely, sql } from 'kysely';

/**
 * People on a call, as the staff app needs them: who interprets (a flag on the person, so the
 * schedule form offers interpreters rather than everyone in both offices), each listener's private
 * notes pad (one per person and call, seen by nobody else, the start of their memcon draft), and
 * the counterpart office's answer to the time the host scheduled (accepted, or another proposed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('interpreter', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createTable('call_notes')
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('call_notes_pk', ['call_id', 'user_id'])
    .execute();
  await db.schema
    .createTable('call_schedule_answers')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('schedule_sequence', 'integer', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addColumn('proposed_start', 'timestamptz')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('call_schedule_answers_call')
    .on('call_schedule_answers')
    .columns(['call_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('call_schedule_answers').execute();
  await db.schema.dropTable('call_notes').execute();
  await db.schema.alterTable('users').dropColumn('interpreter').execute();
}
