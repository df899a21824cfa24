import { type Clock, PushbackError } from '@hotline/common';
import type { RecordsService } from '../records/records-service.js';
import type { Db } from './repository.js';
import { insertImport, transaction } from './repository.js';
import * as staging from './staging/repository.js';

export interface ImportDeps {
  db: Db;
  records: RecordsService;
  clock: Clock;
}

/**
 * Records sequenced per short transaction while publishing. Each chunk holds the records log's
 * sequencing lock for one INSERT … SELECT of this many staged rows (a few milliseconds), so
 * sign-ins, call steps and every other write interleave with a large import.
 */
export const PUBLISH_CHUNK = 1000;

/** How long to wait when the log pushes back (too many entries awaiting integration). */
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Publish a sealed import: its staged records into the log in order, a chunk per short
 * transaction (progress kept on the staging row, so a second process or a restart continues
 * where the first stopped, never twice; the last record is the import's `capture.imported`),
 * then in one last transaction its items and its `capture_imports` row. That transaction takes
 * no lock on the log, so however many items it writes, and however long its commit takes to
 * reach the disk, no other writer waits for it. Idempotent: an import already published is
 * left alone.
 */
export async function publishImport(deps: ImportDeps, importId: string): Promise<void> {
  for (;;) {
    let done = false;
    try {
      // The next chunk's content first, in its own transaction: the sequencing transaction
      // then writes (and its commit flushes) only the chunk's records while it holds the lock.
      await transaction(deps.db, async (tx) => {
        const row = await staging.lockStaging(tx, importId);
        if (row && row.published_through < row.records)
          await deps.records.stageContentToLog(
            tx,
            importId,
            row.published_through,
            Math.min(row.published_through + PUBLISH_CHUNK, row.records),
          );
      });
      done = await transaction(deps.db, async (tx) => {
        const row = await staging.lockStaging(tx, importId);
        if (!row || row.published_through >= row.records) return true;
        const to = Math.min(row.published_through + PUBLISH_CHUNK, row.records);
        await staging.setPublishedThrough(tx, importId, to);
        await deps.records.appendStaged(tx, importId, row.published_through, to);
        return false;
      });
    } catch (err) {
      if (!(err instanceof PushbackError)) throw err;
      await sleep(err.retryAfterSeconds * 1000);
    }
    if (done) break;
  }
  await transaction(deps.db, async (tx) => {
    const row = await staging.lockStaging(tx, importId);
    if (!row) return;
    await staging.publishItems(tx, importId, row.account_id);
    await insertImport(tx, {
      id: importId,
      account_id: row.account_id,
      format: row.format as never,
      file_name: row.file_name,
      added: row.added,
      skipped: row.skipped,
      actor_id: row.actor_id,
      at: deps.clock.now(),
    });
    await deps.records.dropStaged(tx, importId);
    await staging.deleteStaging(tx, importId);
  });
}

/**
 * After a crash or restart: every sealed import is published (it was complete, only not yet
 * in the log); an import still parsing that nobody has touched since `staleBefore` is dropped
 * with what it staged (it was never acknowledged). Returns how many of each.
 */
export async function finishLeftoverImports(
  deps: ImportDeps,
  staleBefore: Date,
  drop: (importId: string) => Promise<void>,
): Promise<{ published: number; dropped: number }> {
  let published = 0;
  let dropped = 0;
  for (const s of await staging.leftoverStaging(deps.db, staleBefore)) {
    if (s.state === 'sealed') {
      await publishImport(deps, s.id);
      published++;
    } else {
      await drop(s.id);
      dropped++;
    }
  }
  return { published, dropped };
}
