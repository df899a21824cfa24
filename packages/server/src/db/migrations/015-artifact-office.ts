import { type Kysely, sql } from 'kysely';

/**
 * Trust between offices: a call's briefings and memcons belong to an office. The host office
 * keeps its own, and the counterpart office may keep its own briefing and its own memcon of the
 * same call (each government keeps its own record of a conversation); neither sees the other's.
 * Existing versions were all written by the host office. Versions are numbered per office.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const t of ['briefings', 'memcons'] as const) {
    await db.schema
      .alterTable(t)
      .addColumn('office_id', 'uuid', (c) => c.references('offices.id'))
      .execute();
    await sql`update ${sql.table(t)} a set office_id = c.owner_office_id from calls c where c.id = a.call_id`.execute(
      db,
    );
    await db.schema
      .alterTable(t)
      .alterColumn('office_id', (c) => c.setNotNull())
      .execute();
    await db.schema.alterTable(t).dropConstraint(`${t}_call_version_uq`).execute();
    await db.schema
      .alterTable(t)
      .addUniqueConstraint(`${t}_call_office_version_uq`, ['call_id', 'office_id', 'version'])
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['briefings', 'memcons'] as const) {
    await sql`delete from ${sql.table(t)} a using calls c where c.id = a.call_id and a.office_id <> c.owner_office_id`.execute(
      db,
    );
    await db.schema.alterTable(t).dropConstraint(`${t}_call_office_version_uq`).execute();
    await db.schema
      .alterTable(t)
      .addUniqueConstraint(`${t}_call_version_uq`, ['call_id', 'version'])
      .execute();
    await db.schema.alterTable(t).dropColumn('office_id').execute();
  }
}
