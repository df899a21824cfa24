import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

/**
 * The embedded database's baseline: a data folder with every migration applied, made once by
 * `npm run build` (scripts/build.mjs) and saved beside the bundle as a gzipped tar. A first start
 * on a new data folder loads it instead of running PostgreSQL's initdb and every migration
 * (about half of a first start). Migrations newer than the baseline are applied after it as on
 * any existing data folder; without the file (tests, a bundle built elsewhere), initdb runs.
 */
export const BASELINE_NAME = 'pgdata-baseline.tar.gz';

/** The baseline beside this module (the bundle's folder), if it was built. */
export function findBaseline(): string | null {
  const file = join(dirname(fileURLToPath(import.meta.url)), BASELINE_NAME);
  return existsSync(file) ? file : null;
}

/** Make the baseline: a new in-memory database, every migration, its data folder as a tar.gz. */
export async function writeBaseline(file: string): Promise<string[]> {
  const pglite = await PGlite.create('memory://', { extensions: { pg_trgm } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  try {
    const applied = await migrateToLatest(db);
    // A checkpoint, so the folder needs no recovery when it is first opened.
    await pglite.exec('checkpoint');
    const tar = await pglite.dumpDataDir('gzip');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, new Uint8Array(await tar.arrayBuffer()));
    renameSync(tmp, file);
    return applied;
  } finally {
    await db.destroy();
  }
}
