import { type Kysely, sql } from 'kysely';

/**
 * The records log: sequenced entries, the single-row sequencer state, hash tiles, signed
 * checkpoints, and (optionally) encrypted content. Append-only is enforced by triggers, so
 * even a bug or a careless operator with SQL access cannot update or delete an entry.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('records')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('id', 'uuid', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('office_id', 'uuid')
    .addColumn('actor_id', 'uuid')
    .addColumn('subject', 'text')
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('prev', 'uuid')
    .addColumn('envelope', 'bytea', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('records_subject_idx').on('records').column('subject').execute();

  await db.schema
    .createTable('log_state')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('next_seq', 'bigint', (c) => c.notNull())
    .addColumn('integrated_size', 'bigint', (c) => c.notNull())
    .addColumn('integrated_root', 'bytea')
    .execute();
  await sql`insert into log_state (id, next_seq, integrated_size) values (1, 0, 0)`.execute(db);

  await db.schema
    .createTable('log_tiles')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('hashes', 'bytea', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_tiles_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('log_checkpoints')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', 'bytea', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('record_content')
    .addColumn('digest', 'text', (c) => c.primaryKey())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .execute();

  await sql`
    create function hotline_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'table % is append-only: records are never updated or deleted; write a correcting record instead', tg_table_name;
    end $$`.execute(db);
  await sql`create trigger records_append_only before update or delete on records
    for each row execute function hotline_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger if exists records_append_only on records`.execute(db);
  await sql`drop function if exists hotline_append_only()`.execute(db);
  for (const t of ['record_content', 'log_checkpoints', 'log_tiles', 'log_state', 'records']) {
    await db.schema.dropTable(t).execute();
  }
}
