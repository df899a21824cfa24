import { type Kysely, sql } from 'kysely';

/**
 * Details of the leader-call lifecycle: the offices and desks that cleared each review, when a
 * readout version was approved (approval is its own step before publishing), and who took part
 * in an off-channel contact as it was logged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('call_reviews')
    .addColumn('clearances', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await db.schema.alterTable('readouts').addColumn('approved_at', 'timestamptz').execute();
  await db.schema
    .alterTable('calls')
    .addColumn('participants', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('calls').dropColumn('participants').execute();
  await db.schema.alterTable('readouts').dropColumn('approved_at').execute();
  await db.schema.alterTable('call_reviews').dropColumn('clearances').execute();
}
