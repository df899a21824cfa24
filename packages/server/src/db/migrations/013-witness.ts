import { type Kysely, sql } from 'kysely';

/**
 * Witnesses (C2SP tlog-witness). As a witness: the latest checkpoint cosigned for each log
 * followed (one row per origin, moved forward only by a compare-and-swap on its size). As a log:
 * each policy witness's last cosigned size and its last failure, and on each checkpoint the note
 * with the cosignatures that made its quorum (null until then).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('witness_checkpoints')
    .addColumn('origin', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', 'bytea', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('log_witnesses')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('vkey', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(sql`0`))
    .addColumn('cosigned_at', 'timestamptz')
    .addColumn('last_attempt_at', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('log_checkpoints').addColumn('cosigned_note', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('log_checkpoints').dropColumn('cosigned_note').execute();
  await db.schema.dropTable('log_witnesses').execute();
  await db.schema.dropTable('witness_checkpoints').execute();
}
