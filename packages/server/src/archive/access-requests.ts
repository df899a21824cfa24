import { type Clock, ConflictError, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { ArchiveRef, ArchiveSearch } from '@hotline/contract';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { admitRequest, type NoticeParty, nextDeadline, type RequesterKind } from './access-rules.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import { type IsoDate, MAX_EXTENSION_WORKING_DAYS, noticeClock } from './working-days.js';

export interface FileRequestInput {
  requesterKind: RequesterKind;
  requester: string;
  legalBasis: string;
  scope: { kind: 'search'; search: ArchiveSearch } | { kind: 'records'; records: ArchiveRef[] };
  receivedOn: IsoDate;
  dueOn?: IsoDate | undefined;
}

/**
 * Access requests to the archive (44 U.S.C. 2205; FOIA once records open): filing one, the
 * notices of 2208 (who was notified when; the first starts the 60-working-day clock) and its one
 * extension. Each is one transaction with its audit record in the records log.
 */
export class AccessRequestService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
  ) {}

  async file(actor: Actor, input: FileRequestInput) {
    authorize(actor, 'archive.requests', 'file access requests');
    return repo.transaction(this.db, async (tx) => {
      const office = await repo.officeRecordsOpenOn(tx, actor.officeId);
      const admitted = admitRequest({
        kind: input.requesterKind,
        receivedOn: input.receivedOn,
        dueOn: input.dueOn,
        recordsOpenOn: office?.records_open_on ?? null,
      });
      if ('refused' in admitted) throw new ConflictError(admitted.refused);
      if (input.scope.kind === 'records') {
        if (input.scope.records.length === 0) throw new ValidationError('The request names no records.');
        const seen = await repo.visibleRefs(tx, actor.officeId, input.scope.records);
        const have = new Set(seen.map((r) => `${r.ref_kind}:${r.ref_id}`));
        const missing = input.scope.records.find((r) => !have.has(`${r.refKind}:${r.refId}`));
        if (missing) throw new NotFoundError(missing.refKind, missing.refId);
      }
      const now = this.clock.now();
      const id = newId(now.getTime());
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.request_filed',
        actor,
        subject: `access_request:${id}`,
        details: { requestId: id, ...input, dueOn: admitted.dueOn },
      });
      await repo.insertAccessRequest(tx, {
        id,
        office_id: actor.officeId,
        requester_kind: input.requesterKind,
        requester: input.requester,
        legal_basis: input.legalBasis,
        scope_kind: input.scope.kind,
        scope_search: input.scope.kind === 'search' ? input.scope.search : null,
        scope_records: input.scope.kind === 'records' ? input.scope.records : null,
        received_on: input.receivedOn,
        due_on: admitted.dueOn,
        status: 'open',
        notice_expires_on: null,
        extension_days: null,
        extended_to: null,
        created_by: actor.userId,
        created_at: now,
        record_seq: String(rec.seq),
      });
      return { id, dueOn: admitted.dueOn, recordSeq: rec.seq };
    });
  }

  /**
   * Record that a party was notified under 2208(a) on a day. The first notice starts the clock:
   * the request may not be answered before it runs out (60 working days) unless both Presidents
   * have answered; that decision is the reviewer's, the clock is shown in the queue.
   */
  async recordNotice(actor: Actor, requestId: string, party: NoticeParty, notifiedOn: IsoDate) {
    authorize(actor, 'archive.requests', 'record notices of access requests');
    return repo.transaction(this.db, async (tx) => {
      const r = await this.openRequest(tx, actor, requestId);
      if (notifiedOn < r.received_on)
        throw new ValidationError(`A notice cannot precede the request's receipt (${r.received_on}).`);
      const already = await repo.notices(tx, [requestId]);
      if (already.some((n) => n.party === party))
        throw new ConflictError(`The ${party.replace('_', ' ')} was already notified of this request.`);
      const starts = already.length === 0 ? noticeClock(notifiedOn) : null;
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.request_notice',
        actor,
        subject: `access_request:${requestId}`,
        details: { requestId, party, notifiedOn, ...(starts ? { noticeExpiresOn: starts.expiresOn } : {}) },
      });
      await repo.insertNotice(tx, {
        request_id: requestId,
        party,
        notified_on: notifiedOn,
        recorded_by: actor.userId,
        record_seq: String(rec.seq),
      });
      if (starts)
        await repo.updateAccessRequest(tx, requestId, {
          status: 'notified',
          notice_expires_on: starts.expiresOn,
          extended_to: starts.expiresOn,
        });
      return { requestId, noticeExpiresOn: starts?.expiresOn ?? r.notice_expires_on, recordSeq: rec.seq };
    });
  }

  /** The one extension of 2208(b)(2): up to 30 more working days, with why. */
  async extendNotice(actor: Actor, requestId: string, workingDays: number, reason: string) {
    authorize(actor, 'archive.requests', 'extend the notice period of access requests');
    return repo.transaction(this.db, async (tx) => {
      const r = await this.openRequest(tx, actor, requestId);
      if (!r.notice_expires_on) throw new ConflictError('No notice has been given yet: nothing to extend.');
      if (r.extension_days)
        throw new ConflictError('The notice period was already extended once (2208(b)(2)).');
      if (!Number.isInteger(workingDays) || workingDays < 1 || workingDays > MAX_EXTENSION_WORKING_DAYS)
        throw new ValidationError(`An extension is 1 to ${MAX_EXTENSION_WORKING_DAYS} working days.`);
      const c = noticeClock(firstNotice(await repo.notices(tx, [requestId])), workingDays);
      const rec = await writeAudit(tx, this.records, {
        action: 'archive.request_extended',
        actor,
        subject: `access_request:${requestId}`,
        details: { requestId, workingDays, reason, extendedTo: c.extendedTo },
      });
      await repo.updateAccessRequest(tx, requestId, {
        status: 'extended',
        extension_days: workingDays,
        extended_to: c.extendedTo,
      });
      return { requestId, extendedTo: c.extendedTo, recordSeq: rec.seq };
    });
  }

  /** The review queue: open requests, soonest deadline first, with who was notified when. */
  async queue(actor: Actor) {
    authorize(actor, 'archive.requests', 'see the access request queue');
    const rows = await repo.openAccessRequests(this.db, actor.officeId);
    const all = await repo.notices(
      this.db,
      rows.map((r) => r.id),
    );
    const today = this.clock.now().toISOString().slice(0, 10);
    return rows
      .map((r) => ({
        id: r.id,
        requesterKind: r.requester_kind as RequesterKind,
        requester: r.requester,
        legalBasis: r.legal_basis,
        scopeKind: r.scope_kind,
        scopeSearch: (r.scope_search as ArchiveSearch | null) ?? null,
        scopeRecords: r.scope_records as ArchiveRef[] | null,
        receivedOn: r.received_on,
        dueOn: r.due_on,
        status: r.status,
        noticeExpiresOn: r.notice_expires_on,
        extensionDays: r.extension_days,
        extendedTo: r.extended_to,
        notices: all
          .filter((n) => n.request_id === r.id)
          .map((n) => ({ party: n.party, notifiedOn: n.notified_on, recordSeq: Number(n.record_seq) })),
        next: nextDeadline(
          { dueOn: r.due_on, noticeExpiresOn: r.notice_expires_on, extendedTo: r.extended_to },
          today,
        ),
      }))
      .sort((a, b) => a.next.date.localeCompare(b.next.date) || a.id.localeCompare(b.id));
  }

  private async openRequest(tx: Db, actor: Actor, id: string) {
    const r = await repo.findAccessRequestForUpdate(tx, id);
    if (!r || r.office_id !== actor.officeId) throw new NotFoundError('access request', id);
    if (r.status === 'answered') throw new ConflictError(`Access request ${id} was already answered.`);
    return r;
  }
}

function firstNotice(notices: { notified_on: string }[]): IsoDate {
  return notices.map((n) => n.notified_on).sort()[0]!;
}
