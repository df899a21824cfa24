import { type Kysely, sql } from 'kysely';

/**
 * v2 log entries: each record's public leaf becomes a salted commitment to its envelope
 * ("hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope), see @hotline/ledger leaf.ts). The salt and the
 * leaf are stored with the record; the envelope stays where it was (the database, not public).
 *
 * A log that already holds entries keeps its v1 leaves (the envelope itself) until
 * `hotline log migrate-v2` rebuilds it: log_state.leaf_version says which the log is, and the
 * sequencer refuses to append to a v1 log, so a log is never half one and half the other.
 * log_v1_checkpoints keeps the old log's checkpoints after the rebuild.
 *
 * The append-only trigger on records now allows exactly one kind of update: filling in the salt
 * and leaf of a v1 row (what migrate-v2 does), every other column unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('records').addColumn('salt', 'bytea').execute();
  await db.schema.alterTable('records').addColumn('leaf', 'bytea').execute();
  await db.schema
    .alterTable('log_state')
    .addColumn('leaf_version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`update log_state set leaf_version = case when next_seq = 0 then 2 else 1 end`.execute(db);

  await db.schema
    .createTable('log_v1_checkpoints')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', 'bytea', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await sql`
    create function hotline_records_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and old.leaf is null and new.leaf is not null and new.salt is not null
        and (new.seq, new.id, new.kind, new.at, new.office_id, new.actor_id, new.subject, new.digest,
             new.prev, new.envelope)
          is not distinct from (old.seq, old.id, old.kind, old.at, old.office_id, old.actor_id,
             old.subject, old.digest, old.prev, old.envelope) then
        return new;
      end if;
      raise exception 'table % is append-only: records are never updated or deleted; write a correcting record instead', tg_table_name;
    end $$`.execute(db);
  await sql`drop trigger records_append_only on records`.execute(db);
  await sql`create trigger records_append_only before update or delete on records
    for each row execute function hotline_records_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop trigger records_append_only on records`.execute(db);
  await sql`create trigger records_append_only before update or delete on records
    for each row execute function hotline_append_only()`.execute(db);
  await sql`drop function hotline_records_append_only()`.execute(db);
  await db.schema.dropTable('log_v1_checkpoints').execute();
  await db.schema.alterTable('log_state').dropColumn('leaf_version').execute();
  await db.schema.alterTable('records').dropColumn('leaf').execute();
  await db.schema.alterTable('records').dropColumn('salt').execute();
}
