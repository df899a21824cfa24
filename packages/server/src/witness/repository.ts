import { type Kysely, sql } from 'kysely';
import { bufferView } from '../db/database.js';
import type { Database } from '../db/schema.js';

/** The witness domain's database access: the witness's own state, and the log's view of its witnesses. */
export type Db = Kysely<Database>;

export function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

// ─── as a witness ────────────────────────────────────────────────────────────────────────────

export async function witnessState(
  db: Db,
  origin: string,
): Promise<{ size: number; root: Uint8Array } | null> {
  const row = await db
    .selectFrom('witness_checkpoints')
    .select(['size', 'root'])
    .where('origin', '=', origin)
    .executeTakeFirst();
  return row ? { size: Number(row.size), root: new Uint8Array(row.root) } : null;
}

/**
 * Store a newly cosigned checkpoint only if the stored size is still `oldSize` (no row counts as
 * size 0): a compare-and-swap in one statement, so a slower request can never roll the stored
 * size back. Returns false when another request moved it first.
 */
export async function compareAndSwapWitnessState(
  tx: Db,
  origin: string,
  oldSize: number,
  next: { size: number; root: Uint8Array; note: string; at: Date },
): Promise<boolean> {
  const res = await sql<{
    origin: string;
  }>`insert into witness_checkpoints (origin, size, root, note, updated_at)
      select ${origin}, ${String(next.size)}::bigint, ${bufferView(next.root)}, ${next.note}, ${next.at}
      where ${String(oldSize)}::bigint = 0
         or exists (select 1 from witness_checkpoints where origin = ${origin} and size = ${String(oldSize)}::bigint)
      on conflict (origin) do update
        set size = excluded.size, root = excluded.root, note = excluded.note, updated_at = excluded.updated_at
        where witness_checkpoints.size = ${String(oldSize)}::bigint
      returning origin`.execute(tx);
  return res.rows.length === 1;
}

// ─── as a log collecting cosignatures ────────────────────────────────────────────────────────

export function logWitnesses(db: Db) {
  return db.selectFrom('log_witnesses').selectAll().orderBy('name').execute();
}

/** Make sure each policy witness has a row; a witness whose key changed starts again from size 0. */
export async function ensureLogWitnesses(db: Db, witnesses: { name: string; vkey: string }[]): Promise<void> {
  for (const w of witnesses) {
    await db
      .insertInto('log_witnesses')
      .values({ name: w.name, vkey: w.vkey })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ vkey: w.vkey, size: '0', cosigned_at: null })
          .where('log_witnesses.vkey', '<>', w.vkey),
      )
      .execute();
  }
}

export async function recordCosigned(db: Db, name: string, size: number, at: Date): Promise<void> {
  await db
    .updateTable('log_witnesses')
    .set({ size: String(size), cosigned_at: at, last_attempt_at: at, last_error: null, failures: 0 })
    .where('name', '=', name)
    .execute();
}

/** The size a witness reported (409): the next submission proves consistency from there. */
export async function recordWitnessSize(db: Db, name: string, size: number): Promise<void> {
  await db
    .updateTable('log_witnesses')
    .set({ size: String(size) })
    .where('name', '=', name)
    .execute();
}

export async function recordFailure(db: Db, name: string, error: string, at: Date): Promise<void> {
  await db
    .updateTable('log_witnesses')
    .set((eb) => ({ last_error: error, last_attempt_at: at, failures: eb('failures', '+', 1) }))
    .where('name', '=', name)
    .execute();
}

export async function setCosignedNote(db: Db, size: number, note: string): Promise<void> {
  await db
    .updateTable('log_checkpoints')
    .set({ cosigned_note: note })
    .where('size', '=', String(size))
    .execute();
}

export function latestCosignedCheckpoint(db: Db) {
  return db
    .selectFrom('log_checkpoints')
    .selectAll()
    .where('cosigned_note', 'is not', null)
    .orderBy('size', 'desc')
    .limit(1)
    .executeTakeFirst();
}
