import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import { schemaOf } from './database.js';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export function migrator(db: Kysely<Database>): Migrator {
  // Kysely looks for its bookkeeping tables without regard to search_path; name the schema.
  const schema = schemaOf.get(db);
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

/** Apply every pending migration; throws with the failing migration's name. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const res: MigrationResultSet = await migrator(db).migrateToLatest();
  if (res.error) {
    const failed = res.results?.find((r) => r.status === 'Error');
    const msg = res.error instanceof Error ? res.error.message : String(res.error);
    throw new Error(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${msg}`);
  }
  return (res.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of migrations not yet applied (for /readyz). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}
