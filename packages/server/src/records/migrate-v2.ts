import { toHex } from '@hotline/ledger';
import type { LogService } from './log-service.js';
import { commitEnvelope, type RecordsService } from './records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The kind of the record that ties a rebuilt (v2) log to the v1 log it replaced. */
export const LOG_MIGRATED_KIND = 'log.migrated-v2';

export interface MigrateV2Result {
  /** false: the log already had v2 entries; nothing was done */
  migrated: boolean;
  /** records re-committed (the v1 log's size) */
  entries: number;
  /** the v1 log's final signed checkpoint, recorded in the new log */
  v1Checkpoint?: string;
  /** the new log's checkpoint after the migration */
  checkpoint?: string;
}

/** Rows re-committed per statement. */
const BATCH = 2000;

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

/**
 * `hotline log migrate-v2`: rebuild a v1 log (each public entry a record's envelope) as a v2 log
 * (each entry a salted commitment), in ONE transaction, so a failure or crash at any point
 * leaves the v1 log exactly as it was.
 *
 * 1. Lock the sequencer row (no append can start) and the integrator; integrate any entries
 *    still pending, so the v1 log's final checkpoint covers every record.
 * 2. Give every record a fresh 32-byte salt and its leaf, "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope).
 * 3. Move the v1 checkpoints to log_v1_checkpoints, drop the tiles, and integrate the log again
 *    from entry 0 over the new leaves. Record indexes do not change: every record keeps its seq,
 *    so readout pages, call histories and links stay right.
 * 4. Append a `log.migrated-v2` record whose content is the v1 log's final checkpoint (signed
 *    note, size, root), and publish the new log's checkpoint, which covers it.
 *
 * `stage` is called after each step (tests use it to fail part-way).
 */
export async function migrateLogToV2(
  db: Db,
  log: LogService,
  records: RecordsService,
  opts: {
    stage?: (name: 'integrated-v1' | 'recommitted' | 'rebuilt' | 'anchored') => void | Promise<void>;
  } = {},
): Promise<MigrateV2Result> {
  try {
    return await repo.transaction(db, async (tx) => {
      const state = await repo.lockLogState(tx);
      if (state.leaf_version === 2) return { migrated: false, entries: Number(state.next_seq) };
      await log.integrateAllIn(tx);
      const v1 = await log.latestCheckpoint(tx);
      if (!v1) throw new Error('the v1 log has no checkpoint to record');
      await opts.stage?.('integrated-v1');

      let from = 0;
      for (;;) {
        const rows = await repo.v1Envelopes(tx, from, BATCH);
        if (rows.length === 0) break;
        const seqs: number[] = [];
        const salts: string[] = [];
        const leaves: string[] = [];
        for (const r of rows) {
          const c = commitEnvelope(Buffer.from(r.envelope).toString('utf8'));
          seqs.push(Number(r.seq));
          salts.push(base64(c.salt));
          leaves.push(base64(c.leaf));
        }
        await repo.fillLeaves(tx, seqs, salts, leaves);
        from = seqs[seqs.length - 1]! + 1;
      }
      await opts.stage?.('recommitted');

      await repo.restartLogAsV2(tx);
      log.forgetEdge();
      await log.integrateAllIn(tx);
      await opts.stage?.('rebuilt');

      await records.append(tx, {
        kind: LOG_MIGRATED_KIND,
        content: {
          from: 'hotline-leaf/v1',
          to: 'hotline-leaf/v2',
          v1Checkpoint: { size: v1.size, root: toHex(v1.root), note: v1.note },
        },
      });
      await log.integrateAllIn(tx);
      await opts.stage?.('anchored');
      const cp = await log.latestCheckpoint(tx);
      return { migrated: true, entries: v1.size, v1Checkpoint: v1.note, checkpoint: cp!.note };
    });
  } finally {
    // The remembered tree edge may belong to a rebuild that was rolled back.
    log.forgetEdge();
  }
}
