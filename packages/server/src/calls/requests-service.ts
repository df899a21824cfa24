import { NotFoundError, newId, ValidationError } from '@hotline/common';
import type { CreateCallRequestInput, LogOffChannelBody, ReviewBody } from '@hotline/contract';
import type { z } from 'zod';
import { findOffice } from '../identity/repository.js';
import { type Actor, approvalsNeeded, authorize, authorizeCallAction } from '../policy/policy.js';
import { approvalStanding } from './approvals.js';
import type { BriefingService } from './briefing-service.js';
import * as lifecycle from './lifecycle.js';
import type { MemconService } from './memcon-service.js';
import type { ReadoutService } from './readout-service.js';
import * as repo from './repository.js';
import { durationMinutes, memconDue } from './rules.js';
import type { CallTransactor } from './transactor.js';

/** The forms a step needs instead of a bare transition. */
const NEEDS_FORM: Record<string, string> = {
  request: 'POST /api/v1/calls',
  log_off_channel: 'POST /api/v1/calls/off-channel',
  recommend: 'POST /api/v1/calls/{id}/reviews',
  approve: 'POST /api/v1/calls/{id}/reviews',
  schedule: 'PUT /api/v1/calls/{id}/schedule',
  reschedule: 'PUT /api/v1/calls/{id}/schedule',
  edit_briefing: 'POST /api/v1/calls/{id}/briefings',
  draft_memcon: 'POST /api/v1/calls/{id}/memcons',
  edit_memcon: 'POST /api/v1/calls/{id}/memcons',
  correct_memcon: 'POST /api/v1/calls/{id}/memcons',
  edit_readout: 'POST /api/v1/calls/{id}/readouts',
  record_call_log: 'POST /api/v1/calls/{id}/call-log',
  edit_counterpart_briefing: 'POST /api/v1/calls/{id}/briefings',
  edit_counterpart_memcon: 'POST /api/v1/calls/{id}/memcons',
  correct_counterpart_memcon: 'POST /api/v1/calls/{id}/memcons',
};

/**
 * Requests and reviews: a call is requested (or logged after the fact as off-channel contact),
 * reviewed, and moved by the simple steps that carry only a reason. Each write runs in one
 * transaction and appends its records; it returns the call's id.
 */
export class RequestsService {
  constructor(
    private readonly tx: CallTransactor,
    private readonly artifacts: {
      briefings: BriefingService;
      memcons: MemconService;
      readouts: ReadoutService;
    },
  ) {}

  private get policy() {
    return this.tx.policy;
  }

  async request(actor: Actor, input: CreateCallRequestInput): Promise<string> {
    authorize(actor, 'calls.request', 'request calls');
    return this.tx.run(async (tx) => {
      const owner = await findOffice(tx, input.ownerOfficeId);
      if (!owner) throw new NotFoundError('office', input.ownerOfficeId);
      if (input.counterpartOfficeId && !(await findOffice(tx, input.counterpartOfficeId))) {
        throw new NotFoundError('office', input.counterpartOfficeId);
      }
      for (const w of input.proposedWindows)
        lifecycle.localToUtc(w.start, input.requesterZone, 'proposedWindows.start');
      const now = this.tx.clock.now();
      const id = newId(now.getTime());
      const row = {
        id,
        owner_office_id: owner.id,
        requesting_office_id: actor.officeId,
        requested_by: actor.userId,
        counterpart_office_id: input.counterpartOfficeId ?? null,
        counterpart_leader: input.counterpartLeader,
        counterpart_country: input.counterpartCountry,
        purpose: input.purpose,
        topics: input.topics,
        urgency: input.urgency,
        language: input.language,
        requester_zone: input.requesterZone,
        proposed_windows: input.proposedWindows,
        state: 'requested',
        channel: null,
        scheduled_start: null,
        duration_min: null,
        schedule_sequence: 0,
        principal_id: null,
        counterpart_principal_id: null,
        interpreter_ids: [],
        listener_ids: [],
        actual_start: null,
        actual_end: null,
        memcon_due_at: null,
        readout_due_at: null,
        waive_reason: null,
        version: 0,
        created_at: now,
        updated_at: now,
      } as const;
      authorizeCallAction(actor, { ...row, state: null }, 'request', this.policy);
      await repo.insertCall(tx, { ...row, interpreter_ids: [], listener_ids: [] });
      await this.tx.event(tx, row, 'request', null, 'requested', actor, null, { ...input });
      const created = await repo.findCall(tx, id);
      if (created) await this.tx.noticeWork(tx, null, created, actor.userId);
      return id;
    });
  }

  /** Off-channel contact, logged after the fact: a completed call with its participants, memcon due. */
  async logOffChannel(actor: Actor, input: z.infer<typeof LogOffChannelBody>): Promise<string> {
    authorize(actor, 'calls.logOffChannel', 'log off-channel contact');
    const start = new Date(input.start);
    const end = new Date(input.end);
    if (end <= start) throw new ValidationError('The contact must end after it starts.', { field: 'end' });
    if (start > this.tx.clock.now())
      throw new ValidationError('Off-channel contact is logged after the fact; the start is in the future.', {
        field: 'start',
      });
    return this.tx.run(async (tx) => {
      const owner = await findOffice(tx, input.ownerOfficeId);
      if (!owner) throw new NotFoundError('office', input.ownerOfficeId);
      if (input.counterpartOfficeId && !(await findOffice(tx, input.counterpartOfficeId))) {
        throw new ValidationError(
          `counterpartOfficeId ${input.counterpartOfficeId} is not an office Hotline knows; leave it out or pick one from GET /api/v1/offices.`,
          { field: 'counterpartOfficeId' },
        );
      }
      const now = this.tx.clock.now();
      const id = newId(now.getTime());
      const row = {
        id,
        owner_office_id: owner.id,
        requesting_office_id: actor.officeId,
        requested_by: actor.userId,
        counterpart_office_id: input.counterpartOfficeId ?? null,
        counterpart_leader: input.counterpartLeader,
        counterpart_country: input.counterpartCountry,
        purpose: input.summary,
        topics: ['Off-channel contact'],
        urgency: 'priority' as const,
        language: 'Unknown',
        requester_zone: owner.time_zone,
        proposed_windows: [],
        state: 'completed',
        channel: 'off_channel' as const,
        scheduled_start: start,
        duration_min: durationMinutes(start, end),
        schedule_sequence: 0,
        principal_id: null,
        counterpart_principal_id: null,
        interpreter_ids: [],
        listener_ids: [],
        actual_start: start,
        actual_end: end,
        memcon_due_at: memconDue(end, this.policy),
        readout_due_at: null,
        waive_reason: null,
        participants: input.participants,
        version: 0,
        created_at: now,
        updated_at: now,
      };
      authorizeCallAction(actor, { ...row, state: null }, 'log_off_channel', this.policy);
      await repo.insertCall(tx, row);
      await this.tx.event(tx, row, 'log_off_channel', null, 'completed', actor, null, { ...input });
      return id;
    });
  }

  /**
   * Off-channel contact found by capture (a foreign leader's number in a personal phone's log
   * with no official call): a completed `off_channel` call with a memcon deadline, recorded as
   * detected by Hotline (no human actor).
   */
  async logDetectedOffChannel(input: {
    ownerOfficeId: string;
    ownerUserId: string;
    counterpartOfficeId: string | null;
    counterpartLeader: string;
    counterpartCountry: string;
    start: Date;
    end: Date;
    summary: string;
    evidence: Record<string, unknown>;
  }): Promise<string> {
    return this.tx.run(async (tx) => {
      const now = this.tx.clock.now();
      const id = newId(now.getTime());
      const [owner] = await repo.userNames(tx, [input.ownerUserId]);
      await repo.insertCall(tx, {
        id,
        owner_office_id: input.ownerOfficeId,
        requesting_office_id: input.ownerOfficeId,
        requested_by: input.ownerUserId,
        counterpart_office_id: input.counterpartOfficeId,
        counterpart_leader: input.counterpartLeader,
        counterpart_country: input.counterpartCountry,
        purpose: input.summary,
        topics: ['Off-channel contact (detected)'],
        urgency: 'priority',
        language: 'Unknown',
        requester_zone: 'UTC',
        proposed_windows: [],
        state: 'completed',
        channel: 'off_channel',
        scheduled_start: input.start,
        duration_min: durationMinutes(input.start, input.end),
        schedule_sequence: 0,
        principal_id: input.ownerUserId,
        counterpart_principal_id: null,
        interpreter_ids: [],
        listener_ids: [],
        actual_start: input.start,
        actual_end: input.end,
        memcon_due_at: memconDue(new Date(Math.max(now.getTime(), input.end.getTime())), this.policy),
        readout_due_at: null,
        waive_reason: null,
        participants: [...(owner ? [owner.display_name] : []), input.counterpartLeader],
        version: 0,
        created_at: now,
        updated_at: now,
      });
      const rec = await this.tx.records.append(tx, {
        kind: 'call.detect_off_channel',
        office: input.ownerOfficeId,
        actor: null,
        subject: id,
        content: {
          callId: id,
          action: 'detect_off_channel',
          to: 'completed',
          by: 'hotline',
          ...input.evidence,
        },
      });
      await repo.insertCallEvent(tx, {
        id: newId(now.getTime()),
        call_id: id,
        action: 'detect_off_channel',
        from_state: null,
        to_state: 'completed',
        actor_id: null,
        reason: input.summary,
        details: input.evidence,
        record_seq: String(rec.seq),
        at: now,
      });
      return id;
    });
  }

  /** Simple transitions that carry only a reason: begin_review, withdraw, cancel, connect, end, close, waive_readout. */
  async transition(
    actor: Actor,
    id: string,
    action: string,
    reason?: string,
    expectedVersion?: number,
  ): Promise<void> {
    // Steps that create an artifact go through their own method, whichever endpoint was used.
    if (action === 'finalize_memcon' || action === 'finalize_counterpart_memcon')
      return this.artifacts.memcons.finalizeMemcon(actor, id);
    if (action === 'publish_readout') return this.artifacts.readouts.publishReadout(actor, id);
    if (action === 'approve_readout') return this.artifacts.readouts.approveReadout(actor, id);
    if (action === 'brief' || action === 'approve_counterpart_briefing')
      return this.artifacts.briefings.approveBriefing(actor, id);
    if (NEEDS_FORM[action]) {
      throw new ValidationError(`"${action}" needs its form: use ${NEEDS_FORM[action]}.`, {
        field: 'action',
      });
    }
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id, expectedVersion);
      if (action === 'waive_readout' && !reason?.trim()) {
        throw new ValidationError('Waiving a readout needs a reason that will be kept in the record.', {
          field: 'reason',
        });
      }
      const next = authorizeCallAction(actor, call, action, this.policy);
      const now = this.tx.clock.now();
      const patch: Partial<repo.CallRow> = {};
      if (action === 'connect') patch.actual_start = now;
      if (action === 'end') {
        patch.actual_end = now;
        patch.memcon_due_at = memconDue(now, this.policy);
      }
      if (action === 'waive_readout') patch.waive_reason = reason!.trim();
      await this.tx.move(tx, call, action, next, actor, reason ?? null, patch);
    });
    if (action === 'end' || action === 'cancel') this.tx.notifyEnded(id);
  }

  /** A review (risks and clearances may be left out by callers inside the server, such as the demo seed). */
  async review(actor: Actor, id: string, input: z.input<typeof ReviewBody>): Promise<void> {
    const body = { ...input, risks: input.risks ?? '', clearances: [...new Set(input.clearances ?? [])] };
    await this.tx.run(async (tx) => {
      let call = await this.tx.lockCall(tx, actor, id);
      if (call.state === 'requested') {
        const next = authorizeCallAction(actor, call, 'begin_review', this.policy);
        call = await this.tx.move(tx, call, 'begin_review', next, actor, null, {});
      }
      authorizeCallAction(actor, call, 'recommend', this.policy);
      const now = this.tx.clock.now();
      await repo.insertCallReview(tx, {
        id: newId(now.getTime()),
        call_id: id,
        reviewer_id: actor.userId,
        recommendation: body.recommendation,
        notes: body.notes,
        risks: body.risks,
        clearances: body.clearances,
        at: now,
      });
      await this.tx.records.append(tx, {
        kind: 'call.review',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        content: { callId: id, ...body },
      });
      if (body.recommendation === 'decline') {
        const next = authorizeCallAction(actor, call, 'decline', this.policy);
        await this.tx.move(tx, call, 'decline', next, actor, body.notes, {});
      } else if (body.recommendation === 'approve') {
        // Each reviewer counts once, however often they approve; not the requester, and the
        // reviewers one administrator made during the request count as one (calls/rules.ts).
        const standing = await approvalStanding(tx, call, await repo.callReviews(tx, id));
        const approvals = standing.counted;
        const needed = approvalsNeeded(call.urgency, this.policy);
        if (approvals >= needed) {
          const next = authorizeCallAction(actor, call, 'approve', this.policy, { approvals });
          await this.tx.move(
            tx,
            call,
            'approve',
            next,
            actor,
            body.notes,
            {},
            { approvals, required: needed },
          );
        }
      }
    });
  }
}
