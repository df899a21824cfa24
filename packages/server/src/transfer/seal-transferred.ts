import { type Clock, ConflictError, ValidationError } from '@hotline/common';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { LogService } from '../records/log-service.js';
import type { RecordsService } from '../records/records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import { readState } from './transfer-state.js';
import { bagDirs, verifyTransfer } from './verify-bag.js';

/** Records whose index entries are sealed in one transaction (one audit record each). */
const BATCH = 500;
/** Held items named in a refusal, at most. */
const SHOW_HELD = 10;

export interface SealProgress {
  phase: 'verify' | 'seal';
  done: number;
  total: number;
}

export interface SealResult {
  transferId: string;
  /** the office's index entries the verified bags hold */
  entries: number;
  /** sealed by this run */
  sealed: number;
  /** sealed before this run (an earlier, perhaps interrupted, run) */
  already: number;
  /** the records-log entries of this run's seals, one per batch */
  recordSeqs: number[];
}

/**
 * `hotline archive seal-transferred DIR`: after a transfer is complete and verified, drop the
 * plaintext the office's server keeps of what it transferred. For each index entry of the
 * office whose record the bags in DIR prove: the search index keeps its kind, date, office,
 * account, person, classification and log index, and shows it by kind and transfer only (its
 * title, full text and names replaced: migration 037); a captured item's working copy (its
 * summary) keeps only what says what kind of thing it was. The sealed content, the records log
 * and everything a proof needs stay. Calls, briefings, memcons, readouts and call-log entries
 * keep their working rows (the app and the other office on a call read them).
 *
 * Refused, before anything is sealed: a folder with no transfer, another office's, a transfer
 * not done or not recorded as done in the log, bags that do not verify against this log's
 * key and the transfer's checkpoint, and any item under an active legal hold. One transaction
 * per batch of records, each with its `audit.archive.sealed_transferred` record and the items'
 * access rows; a run stopped part-way resumes (sealed entries are skipped), and a second run
 * seals nothing.
 */
export class SealTransferredService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly log: LogService,
    private readonly clock: Clock,
  ) {}

  async seal(
    actor: Actor,
    dir: string,
    opts: { onProgress?: (p: SealProgress) => void; batchSize?: number } = {},
  ): Promise<SealResult> {
    authorize(actor, 'archive.hold', 'seal transferred records');
    const state = await readState(dir);
    if (!state)
      throw new ValidationError(
        `${dir} holds no transfer (no hotline-transfer.json); give the folder "hotline archive transfer --to" wrote.`,
        { field: 'dir' },
      );
    if (state.office !== actor.officeId)
      throw new ConflictError(`The transfer in ${dir} is another office's; only its own office can seal it.`);
    const recorded = await repo.transferredRecord(this.db, actor.officeId, state.id);
    if (!state.done || recorded === null || recorded !== state.finishRecordSeq)
      throw new ConflictError(
        `Transfer ${state.id} in ${dir} is not complete (${state.bags.length} bag(s) finished, ${
          state.done ? 'but the records log holds no record of its end' : 'not done'
        }); nothing was sealed. Finish it by running the same "hotline archive transfer … --to ${dir}" again, verify it, then seal.`,
        { transfer: state.id },
      );
    // Verified here, against this server's log key and the checkpoint the transfer recorded:
    // only records the bags on the disk prove are sealed.
    const bags = (await bagDirs(dir)).map((d) => d.slice(dir.length).replace(/^[\\/]+/, ''));
    const named = state.bags.map((b) => b.name);
    if (bags.join('\n') !== [...named].sort().join('\n'))
      throw new ConflictError(
        `The bags in ${dir} (${bags.join(', ') || 'none'}) are not the transfer's (${named.join(', ')}); nothing was sealed. Seal from the folder the transfer wrote, before its bags are moved.`,
        { transfer: state.id },
      );
    opts.onProgress?.({ phase: 'verify', done: 0, total: state.bags.length });
    const v = await verifyTransfer(dir, { logKey: this.log.verifierKey });
    const faults = [...v.errors, ...v.bags.flatMap((b) => b.errors.map((e) => `${b.bag}: ${e}`))];
    const sizes = new Set(v.bags.map((b) => b.checkpointSize));
    if (!v.ok || sizes.size !== 1 || !sizes.has(state.checkpoint.size))
      throw new ConflictError(
        `Transfer ${state.id} does not verify (${
          faults.slice(0, 5).join('; ') ||
          `its bags prove against a checkpoint other than size ${state.checkpoint.size}`
        }${faults.length > 5 ? `; and ${faults.length - 5} more` : ''}); nothing was sealed. Run "hotline archive verify-bag ${dir}" for every fault.`,
        { transfer: state.id },
      );
    opts.onProgress?.({ phase: 'verify', done: state.bags.length, total: state.bags.length });
    const seqs = [...v.seqs].sort((a, b) => a - b);
    const held = await repo.heldUnsealed(this.db, actor.officeId, seqs, SHOW_HELD + 1);
    if (held.length) throw heldError(state.id, held);
    const counts = await repo.sealCounts(this.db, actor.officeId, seqs);
    const result: SealResult = {
      transferId: state.id,
      entries: counts.entries,
      sealed: 0,
      already: counts.sealed,
      recordSeqs: [],
    };
    let done = counts.sealed;
    opts.onProgress?.({ phase: 'seal', done, total: counts.entries });
    const batch = opts.batchSize ?? BATCH;
    for (let i = 0; i < seqs.length; i += batch) {
      const chunk = seqs.slice(i, i + batch);
      const n = await repo.transaction(this.db, async (tx) => {
        const rows = await repo.unsealedForUpdate(tx, actor.officeId, chunk);
        if (rows.length === 0) return 0;
        // A hold placed since the check above: this batch is refused whole (earlier ones stay).
        const late = await repo.heldUnsealed(tx, actor.officeId, chunk, SHOW_HELD + 1);
        if (late.length) throw heldError(state.id, late);
        const rec = await writeAudit(tx, this.records, {
          action: 'archive.sealed_transferred',
          actor,
          subject: `transfer:${state.id}`,
          details: {
            transferId: state.id,
            transferRecord: recorded,
            checkpointSize: state.checkpoint.size,
            items: rows.map((r) => ({ refKind: r.ref_kind, refId: r.ref_id, seq: Number(r.record_seq) })),
          },
        });
        const now = this.clock.now();
        const marked = await repo.insertSealed(
          tx,
          rows.map((r) => ({
            office_id: actor.officeId,
            ref_kind: r.ref_kind,
            ref_id: r.ref_id,
            transfer_id: state.id,
            sealed_at: now,
            record_seq: String(rec.seq),
          })),
        );
        await repo.sealCapturedSummaries(
          tx,
          marked.filter((r) => r.ref_kind === 'captured_item').map((r) => r.ref_id),
        );
        await repo.refreshSealedEntries(tx, actor.officeId, rec.seq);
        await repo.insertAccess(
          tx,
          marked.map((r) => ({
            ref_kind: r.ref_kind,
            ref_id: r.ref_id,
            office_id: actor.officeId,
            action: 'sealed',
            actor_id: actor.userId,
            record_seq: String(rec.seq),
            at: now,
          })),
        );
        result.recordSeqs.push(rec.seq);
        return marked.length;
      });
      result.sealed += n;
      done += n;
      if (n) opts.onProgress?.({ phase: 'seal', done, total: counts.entries });
    }
    return result;
  }
}

function heldError(transferId: string, held: repo.HeldEntry[]) {
  const shown = held.slice(0, SHOW_HELD);
  return new ConflictError(
    `${held.length > SHOW_HELD ? `More than ${SHOW_HELD}` : held.length} item(s) of transfer ${transferId} are under legal hold: ${shown
      .map((h) => `${h.ref_kind} ${h.ref_id} (matter "${h.matter}")`)
      .join(
        ', ',
      )}. Held items keep their text for the matter; nothing more was sealed. Release the holds when the matter allows (Records → Legal holds), then run again.`,
    { transfer: transferId, holds: [...new Set(shown.map((h) => h.hold_id))] },
  );
}
