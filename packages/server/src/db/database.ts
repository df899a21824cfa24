import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { securePrivateTree } from './data-dir.js';
import { lockDir } from './dir-lock.js';
import { listenOn, type Unlisten } from './notify.js';
import { PGliteDialect } from './pglite-dialect.js';
import { createPGlite } from './pglite-open.js';
import type { PGliteThread } from './pglite-thread.js';
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
  /**
   * PGlite on a thread of its own, already opening (PGliteThread.start: `serve` starts it before
   * loading the server's modules). The handle owns it: closing the handle closes it.
   * `pgliteDir` and `baseline` are then the thread's, and only describe it here.
   */
  thread?: PGliteThread;
  /**
   * With `thread`: false returns at once, the database still opening; its queries wait on the
   * thread, and a failed open fails them with its error (default: wait until it is open).
   */
  waitForOpen?: boolean;
}

export { bufferView } from './bytes.js';

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
  if (opts.thread) {
    const thread = opts.thread;
    if (opts.waitForOpen !== false) {
      try {
        await thread.waitReady;
      } catch (err) {
        await thread.close();
        throw err;
      }
    }
    const db = new Kysely<Database>({ dialect: new PGliteDialect(thread) });
    return {
      db,
      kind: 'pglite',
      describe: opts.pgliteDir ? `PGlite at ${opts.pgliteDir}` : 'PGlite in memory',
      // Kysely's destroy closes the thread (the dialect's driver), which unlocks the folder. A
      // thread whose open failed (returned before it was open) is closed all the same: Kysely
      // then fails at its driver's start and never reaches it.
      close: async () => {
        try {
          await db.destroy();
        } catch (err) {
          if (!thread.closed) throw err;
        } finally {
          await thread.close();
        }
      },
    };
  }
  let unlock = () => {};
  if (opts.pgliteDir) {
    mkdirSync(opts.pgliteDir, { recursive: true });
    unlock = lockDir(opts.pgliteDir);
  }
  try {
    const pglite = await createPGlite(opts.pgliteDir, opts.baseline);
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
