import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { type DisposalBasis, disposalRefusal, eligibleOn } from './disposal-rules.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

export interface DisposalRequestInput {
  itemId: string;
  basis: DisposalBasis;
  reason: string;
  /** The Archivist's views, in writing (44 U.S.C. 2203(c)–(e)), and the day they were given. */
  archivistViews: string;
  archivistViewsOn: string;
}

/**
 * Disposal, only as the law allows (disposal-rules.ts). A request records the basis, the
 * Archivist's views and the earliest day; the purge, on or after that day, locks the item,
 * re-checks the rules and the legal holds inside its own transaction (the database trigger
 * refuses a held row's delete anyway), deletes the content row and keeps the records log's
 * entries, so the tree still verifies and shows that a disposal happened.
 */
export class DisposalService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly waitingDays: number,
  ) {}

  async request(actor: Actor, input: DisposalRequestInput) {
    authorize(actor, 'archive.hold', 'request disposal of captured records');
    const today = this.clock.now().toISOString().slice(0, 10);
    if (input.archivistViewsOn > today)
      throw new ValidationError("The Archivist's views cannot be dated after today.");
    return repo.transaction(this.db, async (tx) => {
      const item = await this.candidate(tx, actor, input.itemId, input.basis);
      if (await repo.pendingDisposalForUpdate(tx, input.itemId))
        throw new ConflictError(`Captured item ${input.itemId} already has a disposal request pending.`);
      const now = this.clock.now();
      const id = newId(now.getTime());
      const eligible = eligibleOn(now, this.waitingDays);
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.disposal_requested',
        actor,
        subject: `captured_item:${input.itemId}`,
        details: { disposalId: id, ...input, keptCopyId: item.keptCopyId, eligibleOn: eligible },
      });
      await repo.insertDisposalRequest(tx, {
        id,
        office_id: actor.officeId,
        item_id: input.itemId,
        basis: input.basis,
        kept_copy_id: item.keptCopyId,
        reason: input.reason,
        archivist_views: input.archivistViews,
        archivist_views_on: input.archivistViewsOn,
        eligible_on: eligible,
        requested_by: actor.userId,
        requested_at: now,
        record_seq: String(rec.seq),
        disposed_by: null,
        disposed_at: null,
        disposed_seq: null,
      });
      return { id, itemId: input.itemId, eligibleOn: eligible, recordSeq: rec.seq };
    });
  }

  /**
   * Purge a captured item whose disposal request's waiting period has run. Presidential
   * records never; never while held (re-checked here, after locking the item).
   */
  async dispose(actor: Actor, itemId: string, reason: string) {
    authorize(actor, 'archive.hold', 'dispose of captured records');
    return repo.transaction(this.db, async (tx) => {
      const d = await repo.pendingDisposalForUpdate(tx, itemId);
      if (!d || d.office_id !== actor.officeId)
        throw new ConflictError(
          `Captured item ${itemId} has no disposal request: file one with the Archivist's views first (44 U.S.C. 2203(c)–(e)).`,
        );
      const item = await this.candidate(tx, actor, itemId, d.basis);
      const today = this.clock.now().toISOString().slice(0, 10);
      if (today < d.eligible_on)
        throw new ConflictError(
          `The waiting period runs until ${d.eligible_on}; the item may be purged from then.`,
          {
            eligibleOn: d.eligible_on,
          },
        );
      const holds = await repo.activeHoldsOnCapturedItem(tx, itemId);
      if (holds.length)
        throw new ConflictError(
          `Captured item ${itemId} is under legal hold (${holds.map((h) => h.matter).join(', ')}).`,
          { holds: holds.map((h) => h.id) },
        );
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.disposed',
        actor,
        subject: `captured_item:${itemId}`,
        details: {
          itemId,
          itemRecord: item.record_id,
          disposalId: d.id,
          basis: d.basis,
          keptCopyId: item.keptCopyId,
          reason,
        },
      });
      await repo.deleteCapturedItem(tx, itemId);
      const now = this.clock.now();
      await repo.markDisposed(tx, d.id, actor.userId, now, rec.seq);
      await repo.insertAccess(tx, [
        {
          ref_kind: 'captured_item',
          ref_id: itemId,
          office_id: actor.officeId,
          action: 'disposed',
          actor_id: actor.userId,
          record_seq: String(rec.seq),
          at: now,
        },
      ]);
      return { itemId, disposalId: d.id, recordSeq: rec.seq };
    });
  }

  /**
   * Withdraw (refuse) a disposal request not yet carried out: the item keeps its content, the
   * request is closed with who and why, and a new request may be filed later.
   */
  async withdraw(actor: Actor, id: string, reason: string) {
    authorize(actor, 'archive.hold', 'withdraw disposal requests');
    return repo.transaction(this.db, async (tx) => {
      const d = await repo.findDisposalForUpdate(tx, id);
      if (!d || d.office_id !== actor.officeId) throw new NotFoundError('disposal request', id);
      if (d.disposed_at)
        throw new ConflictError(
          `Disposal request ${id} was carried out (record #${d.disposed_seq}); a purge cannot be withdrawn.`,
        );
      if (d.withdrawn_at) throw new ConflictError(`Disposal request ${id} was already withdrawn.`);
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.disposal_withdrawn',
        actor,
        subject: `captured_item:${d.item_id}`,
        details: { disposalId: id, itemId: d.item_id, reason },
      });
      await repo.markWithdrawn(tx, id, actor.userId, this.clock.now(), reason, rec.seq);
      return { id, itemId: d.item_id, recordSeq: rec.seq };
    });
  }

  /**
   * The office's disposal requests, each with its state: `waiting` (the period runs until
   * eligibleOn), `held` (a legal hold blocks it), `ready`, `disposed` or `withdrawn`.
   */
  async list(actor: Actor) {
    authorize(actor, 'archive.hold', 'see disposal requests');
    const rows = await repo.disposalRequests(this.db, actor.officeId);
    const open = rows.filter((d) => !d.disposed_at && !d.withdrawn_at).map((d) => d.item_id);
    const holds = await repo.activeHoldsOnCapturedItems(this.db, actor.officeId, open);
    const today = this.clock.now().toISOString().slice(0, 10);
    return rows.map((d) => {
      const blocking = holds
        .filter((h) => h.item_id === d.item_id)
        .map((h) => ({ id: h.id, matter: h.matter }));
      const status = d.disposed_at
        ? ('disposed' as const)
        : d.withdrawn_at
          ? ('withdrawn' as const)
          : blocking.length
            ? ('held' as const)
            : today < d.eligible_on
              ? ('waiting' as const)
              : ('ready' as const);
      return {
        id: d.id,
        itemId: d.item_id,
        item: d.item_title
          ? {
              title: d.item_title,
              kind: d.item_kind ?? '',
              occurredAt: new Date(d.item_occurred_at!).toISOString(),
            }
          : null,
        basis: d.basis,
        keptCopyId: d.kept_copy_id,
        reason: d.reason,
        archivistViews: d.archivist_views,
        archivistViewsOn: d.archivist_views_on,
        eligibleOn: d.eligible_on,
        requestedBy: d.requested_by,
        requestedAt: new Date(d.requested_at).toISOString(),
        recordSeq: Number(d.record_seq),
        status,
        waitingPeriodOver: today >= d.eligible_on,
        holds: blocking,
        disposedAt: d.disposed_at ? new Date(d.disposed_at).toISOString() : null,
        disposedSeq: d.disposed_seq === null ? null : Number(d.disposed_seq),
        withdrawnAt: d.withdrawn_at ? new Date(d.withdrawn_at).toISOString() : null,
        withdrawnReason: d.withdrawn_reason ?? null,
        withdrawnSeq: d.withdrawn_seq == null ? null : Number(d.withdrawn_seq),
      };
    });
  }

  /** The item, locked, if this office may dispose of it on this basis. */
  private async candidate(tx: Db, actor: Actor, itemId: string, basis: DisposalBasis) {
    const item = await repo.findCapturedItemForUpdate(tx, itemId);
    if (!item || item.office_id !== actor.officeId) throw new NotFoundError('captured item', itemId);
    const keptCopyId = basis === 'non_record_copy' ? await repo.keptCopyOf(tx, actor.officeId, itemId) : null;
    const refusal = disposalRefusal(basis, {
      category: item.category,
      official: item.official,
      keptCopyId,
    });
    if (refusal) throw new ConflictError(refusal);
    return { ...item, keptCopyId };
  }
}
