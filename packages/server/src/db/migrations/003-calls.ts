import { type Kysely, sql } from 'kysely';

/**
 * The leader call lifecycle: calls, their transitions (the timeline), reviews, briefings,
 * memcons, readouts and the call log. Versioned artifacts are insert-only: a new version is a
 * new row that points at the previous one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('calls')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('owner_office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('requesting_office_id', 'uuid', (c) => c.notNull().references('offices.id'))
    .addColumn('requested_by', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('counterpart_office_id', 'uuid', (c) => c.references('offices.id'))
    .addColumn('counterpart_leader', 'text', (c) => c.notNull())
    .addColumn('counterpart_country', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('topics', sql`text[]`, (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('requester_zone', 'text', (c) => c.notNull())
    .addColumn('proposed_windows', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('scheduled_start', 'timestamptz')
    .addColumn('duration_min', 'integer')
    .addColumn('schedule_sequence', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('principal_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('counterpart_principal_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('interpreter_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('listener_ids', sql`uuid[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('actual_start', 'timestamptz')
    .addColumn('actual_end', 'timestamptz')
    .addColumn('memcon_due_at', 'timestamptz')
    .addColumn('readout_due_at', 'timestamptz')
    .addColumn('waive_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('calls_owner_state_idx')
    .on('calls')
    .columns(['owner_office_id', 'state'])
    .execute();
  await db.schema
    .createIndex('calls_principal_start_idx')
    .on('calls')
    .columns(['principal_id', 'scheduled_start'])
    .execute();

  await db.schema
    .createTable('call_events')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text')
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('reason', 'text')
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('call_events_call_idx').on('call_events').columns(['call_id', 'at']).execute();

  await db.schema
    .createTable('call_reviews')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('reviewer_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('recommendation', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('risks', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('briefings')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('background_md', 'text', (c) => c.notNull())
    .addColumn('objectives_md', 'text', (c) => c.notNull())
    .addColumn('talking_points_md', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('approved_at', 'timestamptz')
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('briefings_call_version_uq', ['call_id', 'version'])
    .execute();

  await db.schema
    .createTable('memcons')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('prev_id', 'uuid', (c) => c.references('memcons.id'))
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('classification', 'text', (c) => c.notNull())
    .addColumn('distribution', sql`text[]`, (c) => c.notNull())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('memcons_call_version_uq', ['call_id', 'version'])
    .execute();

  await db.schema
    .createTable('readouts')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'uuid', (c) => c.notNull().references('users.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'uuid', (c) => c.references('users.id'))
    .addColumn('published_at', 'timestamptz')
    .addColumn('record_id', 'uuid', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('readouts_call_version_uq', ['call_id', 'version'])
    .execute();
  await db.schema
    .createIndex('readouts_published_idx')
    .on('readouts')
    .columns(['status', 'published_at'])
    .execute();

  await db.schema
    .createTable('call_log_entries')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('call_id', 'uuid', (c) => c.notNull().references('calls.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'uuid', (c) => c.references('users.id'))
    .addColumn('details', 'jsonb', (c) => c.notNull())
    .addColumn('record_seq', 'bigint', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('call_log_call_idx')
    .on('call_log_entries')
    .columns(['call_id', 'at'])
    .execute();

  for (const t of ['call_events', 'call_reviews', 'memcons', 'call_log_entries']) {
    await sql`create trigger ${sql.raw(`${t}_append_only`)} before update or delete on ${sql.table(t)}
      for each row execute function hotline_append_only()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'call_log_entries',
    'readouts',
    'memcons',
    'briefings',
    'call_reviews',
    'call_events',
    'calls',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
