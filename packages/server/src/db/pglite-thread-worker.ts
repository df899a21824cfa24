/**
 * The database thread (pglite-thread.ts): PGlite opened here, queries answered one message at a
 * time. Bundled beside hotline.js as pglite-thread-worker.js (scripts/build.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPGlite } from './pglite-open.js';
import type { ThreadReply, ThreadRequest, ThreadStart } from './pglite-thread.js';

const port = parentPort;
if (!port) throw new Error('pglite-thread-worker runs as a worker thread (pglite-thread.ts starts it)');
const start = workerData as ThreadStart;

function plainError(err: unknown): Record<string, unknown> & { message: string } {
  if (!(err instanceof Error)) return { message: String(err) };
  // PGlite's DatabaseError keeps what PostgreSQL said (code, detail, constraint, …) in own fields.
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) {
    if (v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v)) fields[k] = v;
  }
  return { ...fields, name: err.name, message: err.message };
}

const reply = (m: ThreadReply) => port.postMessage(m);

const opening = createPGlite(start.dir ?? undefined, start.baseline);
opening.then(
  () => reply({ type: 'ready' }),
  (err: unknown) => reply({ type: 'open-failed', error: plainError(err) }),
);

port.on('message', async (m: ThreadRequest) => {
  const pg = await opening;
  if (m.type === 'close') {
    try {
      if (!pg.closed) await pg.close();
      reply({ type: 'closed', id: m.id });
    } catch (err) {
      reply({ type: 'error', id: m.id, error: plainError(err) });
    }
    port.close();
    return;
  }
  try {
    const res = await pg.query(m.sql, m.params);
    // Copied, not transferred: PGlite's byte values may be views of its own memory.
    reply({ type: 'result', id: m.id, rows: res.rows, affectedRows: res.affectedRows });
  } catch (err) {
    reply({ type: 'error', id: m.id, error: plainError(err) });
  }
});
