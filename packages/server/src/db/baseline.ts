import { renameSync, writeFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import { migrateToLatest } from './migrate.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export { BASELINE_NAME, findBaseline } from './baseline-file.js';

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
