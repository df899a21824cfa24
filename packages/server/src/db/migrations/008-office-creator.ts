import type { Kysely } from 'kysely';

/**
 * Who created each office (null: an operator at the CLI, or an office made before this column).
 * An administrator may invite people to an office they created, so a new office can get its
 * first administrator from the web app.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('offices')
    .addColumn('created_by', 'uuid', (c) => c.references('users.id'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('offices').dropColumn('created_by').execute();
}
