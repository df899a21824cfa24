import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { securePrivateTree } from './data-dir.js';
import { listenOn, type Unlisten } from './notify.js';
import { PGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

// int8 → string keeps 64-bit log indexes exact; we convert with Number() where sizes are < 2^53.
pg.types.setTypeParser(20, (v: string) => v);

export type Db = Kysely<Database>;

/** The PostgreSQL schema a handle was opened on, so migrations keep their own tables there. */
export const schemaOf = new WeakMap<object, string>();

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** A description safe to log (no password). */
  describe: string;
  /**
   * PostgreSQL only: LISTEN on a channel (its own connection), for the live backplane across
   * nodes. The channel name is made unique to the handle's schema (channels are per database).
   */
  listen?(
    channel: string,
    onPayload: (payload: string) => void,
    onError: (err: unknown) => void,
  ): Promise<Unlisten>;
  /** The channel name `listen` uses for `channel` (what NOTIFY must name). */
  channel?(channel: string): string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… to use a PostgreSQL server; otherwise PGlite. */
  url?: string;
  /** PGlite data directory; omitted means in memory. */
  pgliteDir?: string;
  /** PostgreSQL schema to use (tests put each file in its own). Created if missing. */
  schema?: string;
  poolSize?: number;
  /**
   * PGlite: a data folder to start from when `pgliteDir` holds no database yet (baseline.ts: every
   * migration already applied), instead of running initdb.
   */
  baseline?: string | null;
}

/** A Buffer view (no copy) of bytes, as node-postgres and PGlite take bytea parameters. */
export function bufferView(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export async function openDatabase(opts: DatabaseOptions): Promise<DatabaseHandle> {
  if (opts.url) {
    const pool = new pg.Pool({
      connectionString: opts.url,
      max: opts.poolSize ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    if (opts.schema) {
      const c = await pool.connect();
      try {
        await c.query(`create schema if not exists "${opts.schema.replace(/"/g, '')}"`);
      } finally {
        c.release();
      }
    }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    if (opts.schema) schemaOf.set(db, opts.schema);
    const u = new URL(opts.url);
    const url = opts.url;
    const channel = (name: string) =>
      opts.schema ? `${name}_${opts.schema.replace(/[^a-zA-Z0-9_]/g, '')}`.slice(0, 63) : name;
    return {
      db,
      kind: 'postgres',
      channel,
      listen: (name, onPayload, onError) => listenOn(url, channel(name), onPayload, onError),
      describe: `PostgreSQL ${u.hostname}:${u.port || 5432}${u.pathname}${opts.schema ? ` (schema ${opts.schema})` : ''}`,
      close: () => db.destroy(),
    };
  }
  let unlock = () => {};
  if (opts.pgliteDir) {
    mkdirSync(opts.pgliteDir, { recursive: true });
    unlock = lockDir(opts.pgliteDir);
  }
  try {
    const fromBaseline =
      opts.pgliteDir && opts.baseline && !existsSync(join(opts.pgliteDir, 'PG_VERSION'))
        ? opts.baseline
        : null;
    const pglite = await PGlite.create(opts.pgliteDir ?? 'memory://', {
      ...(fromBaseline ? { loadDataDir: new Blob([readFileSync(fromBaseline)]) } : {}),
      // Trigram matching of names in the archive's search (migration 016 creates the extension).
      extensions: { pg_trgm },
      // bytea parameters as hex with Buffer's native encoder. PGlite's own serializer builds a
      // JS string per byte (Array.from + toString(16) + join): ~1 s per 1.5 MB, superlinear,
      // and the dominant cost of any import that stores content. Same text, same format.
      serializers: {
        17: (x: unknown) => {
          if (!(x instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
          return `\\x${bufferView(x).toString('hex')}`;
        },
      },
    });
    if (opts.pgliteDir) securePrivateTree(opts.pgliteDir);
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      kind: 'pglite',
      describe: opts.pgliteDir ? `PGlite at ${opts.pgliteDir}` : 'PGlite in memory',
      close: async () => {
        await db.destroy();
        // PGlite (Emscripten's file system) writes its files 0666 whatever the umask: keep the
        // folder private to this user after every use (a looser mode at start is warned about).
        if (opts.pgliteDir) securePrivateTree(opts.pgliteDir);
        unlock();
      },
    };
  } catch (err) {
    unlock();
    throw err;
  }
}

/**
 * PGlite is one Postgres backend inside this process: two processes on one data directory would
 * corrupt it. A pid lock file refuses the second one with a clear message; a stale lock (its
 * process is gone) is taken over.
 */
function lockDir(dir: string): () => void {
  const file = join(dir, 'hotline.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(
          `the embedded database at ${dir} is in use by another Hotline process (pid ${pid}). Stop it first, or run several processes on PostgreSQL (DATABASE_URL).`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database at ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
