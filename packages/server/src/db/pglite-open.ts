import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { bufferView } from './bytes.js';

/**
 * Open the embedded database (PGlite) with Hotline's options: in `dir` (in memory without one),
 * starting from `baseline` (baseline-file.ts) when `dir` holds no database yet. The same options
 * on the main thread (database.ts) and on the database thread (pglite-thread-worker.ts).
 */
export async function createPGlite(dir?: string, baseline?: string | null): Promise<PGlite> {
  const fromBaseline = dir && baseline && !existsSync(join(dir, 'PG_VERSION')) ? baseline : null;
  return PGlite.create(dir ?? 'memory://', {
    ...(fromBaseline ? { loadDataDir: new Blob([readFileSync(fromBaseline)]) } : {}),
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${pgliteSharedBuffers()}`],
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
}

/**
 * PostgreSQL's buffer cache inside PGlite. Its default, 128 MB, is zeroed by the WebAssembly
 * PostgreSQL on every open (about 0.4 s of a 1 s open on this project's 2-core machine, measured
 * by CPU profile); the embedded database is a small office's or a demo's, and pages not in the
 * cache come from the operating system's own file cache. HOTLINE_PGLITE_SHARED_BUFFERS (a
 * PostgreSQL size such as 128MB) sets it.
 */
export function pgliteSharedBuffers(env: NodeJS.ProcessEnv = process.env): string {
  const v = env.HOTLINE_PGLITE_SHARED_BUFFERS?.trim();
  if (!v) return DEFAULT_SHARED_BUFFERS;
  if (!/^\d+(kB|MB|GB)$/.test(v))
    throw new Error(
      `HOTLINE_PGLITE_SHARED_BUFFERS is "${v}": give a size such as 32MB or 128MB (a number followed by kB, MB or GB).`,
    );
  return v;
}

const DEFAULT_SHARED_BUFFERS = '32MB';
