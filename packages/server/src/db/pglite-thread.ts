import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { traceStartup } from '../startup-trace.js';
import { securePrivateTree } from './data-dir.js';
import { lockDir } from './dir-lock.js';

/** What the database thread is started with. */
export interface ThreadStart {
  /** The data folder; null: in memory. */
  dir: string | null;
  /** A baseline to start a new data folder from (baseline-file.ts). */
  baseline: string | null;
}

export type ThreadRequest =
  | { type: 'query'; id: number; sql: string; params: unknown[] }
  | { type: 'close'; id: number };

export type PlainError = Record<string, unknown> & { message: string };

export type ThreadReply =
  | { type: 'ready' }
  | { type: 'open-failed'; error: PlainError }
  | { type: 'result'; id: number; rows: unknown[]; affectedRows?: number | undefined }
  | { type: 'error'; id: number; error: PlainError }
  | { type: 'closed'; id: number };

function startWorker(start: ThreadStart): Worker {
  // Beside the bundle's chunks (scripts/build.mjs), or from the TypeScript source under tsx.
  const built = new URL('./pglite-thread-worker.js', import.meta.url);
  if (existsSync(built)) return new Worker(built, { workerData: start });
  const source = new URL('./pglite-thread-worker.ts', import.meta.url);
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(source.href)}, ${JSON.stringify(import.meta.url)}));`,
    { eval: true, workerData: start },
  );
}

function toError(e: PlainError): Error {
  const { message, name, ...fields } = e;
  const err = new Error(message);
  if (typeof name === 'string') err.name = name;
  return Object.assign(err, fields);
}

/**
 * The embedded database (PGlite) on a thread of its own. `serve` starts it first thing, so that
 * PostgreSQL starts inside WebAssembly (about a second of CPU) on the second core while the main
 * thread loads the server's modules and builds its routes; queries then go to the thread and
 * back as messages (the database dialect, pglite-dialect.ts, serializes transactions as before:
 * PGlite has one session). Same options as in-process (pglite-open.ts); the data folder is locked
 * by this process from the start, as openDatabase locks it.
 */
export class PGliteThread {
  /** Resolves once the database is open (rejects with PGlite's error if it could not be). */
  readonly waitReady: Promise<void>;
  /** The data folder held a database when the thread started (a restart, not a first start). */
  readonly existed: boolean;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  private nextId = 1;
  private opening = true;
  private stopped: Error | null = null;
  private closing: Promise<void> | null = null;
  private readonly unlock: () => void;
  private readonly lostListeners: ((err: Error) => void)[] = [];

  /** Start opening the database in `dir` (in memory when omitted). Throws if another process holds it. */
  static start(opts: { dir?: string; baseline?: string | null } = {}): PGliteThread {
    return new PGliteThread({ dir: opts.dir ?? null, baseline: opts.baseline ?? null });
  }

  private constructor(private readonly start: ThreadStart) {
    this.existed = !!start.dir && existsSync(join(start.dir, 'PG_VERSION'));
    if (start.dir) {
      mkdirSync(start.dir, { recursive: true });
      this.unlock = lockDir(start.dir);
    } else {
      this.unlock = () => {};
    }
    let ready!: () => void;
    let failed!: (e: Error) => void;
    this.waitReady = new Promise<void>((ok, no) => {
      ready = ok;
      failed = no;
    });
    // Whoever awaits it sees the error; an open that fails before anyone looks is no crash.
    this.waitReady.catch(() => {});
    traceStartup('database thread starting');
    try {
      this.worker = startWorker(start);
    } catch (err) {
      this.unlock();
      throw err;
    }
    this.worker.on('message', (m: ThreadReply) => {
      if (m.type === 'ready') {
        this.opening = false;
        traceStartup('database open on its thread');
        if (start.dir) securePrivateTree(start.dir);
        this.idle();
        ready();
      } else if (m.type === 'open-failed') {
        this.opening = false;
        this.stop(toError(m.error));
        failed(this.stopped!);
      } else {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.type === 'error') p.reject(toError(m.error));
        else if (m.type === 'result') p.resolve({ rows: m.rows, affectedRows: m.affectedRows });
        else p.resolve(undefined);
        this.idle();
      }
    });
    this.worker.on('error', (err: unknown) => {
      const what = err instanceof Error ? err.message : String(err);
      this.stop(new Error(`the database thread failed: ${what}`, { cause: err }));
      failed(this.stopped!);
    });
    this.worker.on('exit', (code) => {
      this.stop(new Error(`the database thread ended (exit code ${code})`));
      failed(this.stopped!);
    });
  }

  /**
   * Call `fn` if the database thread ends or fails other than through close() (a crash of the
   * WebAssembly PostgreSQL, an out-of-memory in the thread): `hotline serve` then exits with an
   * error rather than serve requests that can only fail.
   */
  onLost(fn: (err: Error) => void): void {
    this.lostListeners.push(fn);
  }

  get ready(): boolean {
    return !this.opening && !this.stopped;
  }

  get closed(): boolean {
    return this.stopped !== null || this.closing !== null;
  }

  /** One statement; rows and affected rows as PGlite's `query` gives them. */
  query<R>(sql: string, params: readonly unknown[] = []): Promise<{ rows: R[]; affectedRows?: number }> {
    return this.request({ type: 'query', id: 0, sql, params: params.map(compact) }) as Promise<{
      rows: R[];
      affectedRows?: number;
    }>;
  }

  /** Close the database (a clean shutdown, as PGlite's close), end the thread, unlock the folder. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (!this.stopped) {
          await this.waitReady.catch(() => {});
          if (!this.stopped) await this.request({ type: 'close', id: 0 });
        }
      } finally {
        await this.worker.terminate();
        if (this.start.dir) securePrivateTree(this.start.dir);
        this.unlock();
      }
    })();
    return this.closing;
  }

  private request(m: ThreadRequest): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.closing && m.type !== 'close') return Promise.reject(new Error('the database is closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ ...m, id });
    });
  }

  /** An idle thread does not keep the process alive (an open or a query in flight does). */
  private idle(): void {
    if (!this.opening && this.pending.size === 0) this.worker.unref();
  }

  private stop(err: Error): void {
    if (this.stopped) return;
    this.stopped = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    if (!this.closing) for (const fn of this.lostListeners) fn(err);
  }
}

/**
 * A parameter as it should cross to the thread: a byte view is copied to bytes of its own
 * (a structured clone would copy the whole buffer it views, e.g. Node's 8 KB pool or a file).
 */
function compact(p: unknown): unknown {
  if (p instanceof Uint8Array)
    return p.byteOffset === 0 && p.byteLength === p.buffer.byteLength ? p : p.slice();
  if (Array.isArray(p)) return p.map(compact);
  return p;
}
