import { join } from 'node:path';
import type { ServerConfig } from '../config/config.js';
import { findBaseline } from './baseline-file.js';
import { PGliteThread } from './pglite-thread.js';

/**
 * Start opening the embedded database (PGlite under the data folder) on its own thread, or
 * nothing when the configuration names a PostgreSQL server. `serve` hands it to the context
 * (context.ts), which owns it from then on.
 */
export function startEmbeddedDatabase(cfg: ServerConfig): PGliteThread | undefined {
  if (cfg.databaseUrl) return undefined;
  return PGliteThread.start({ dir: embeddedDatabaseDir(cfg), baseline: findBaseline() });
}

/** Where the embedded database's files are. */
export function embeddedDatabaseDir(cfg: ServerConfig): string {
  return join(cfg.dataDir, 'db');
}
