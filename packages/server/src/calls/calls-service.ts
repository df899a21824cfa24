import {
  type Clock,
  ConflictError,
  DAY,
  MINUTE,
  NotFoundError,
  newId,
  ValidationError,
} from '@hotline/common';
import type {
  BriefingBody,
  BriefingVersion,
  CallArtifacts,
  CallDetail,
  CallLogBody,
  CallSummary,
  CallsDashboard,
  CreateCallRequestInput,
  LogOffChannelBody,
  MemconInput,
  ReadoutBody,
  ReadoutVersion,
  ReviewBody,
  SavedMemcon,
  ScheduleBody,
} from '@hotline/contract';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { findOffice } from '../identity/repository.js';
import {
  type Actor,
  allowedCallActions,
  approvalsNeeded,
  authorize,
  authorizeCallAction,
  authorizeInvite,
  type CallPolicy,
  canSeeCall,
  DEFAULT_CALL_POLICY,
  refuseCallStep,
} from '../policy/policy.js';
import type { RecordsService } from '../records/records-service.js';
import { toBriefingVersion, toMemconVersion, toMemconVersions, toReadoutVersion } from './artifacts.js';
import { buildInvite, inviteSummary } from './icalendar.js';
import * as lifecycle from './lifecycle.js';
import { draftReadout } from './readout-draft.js';
import * as repo from './repository.js';

// The policy settings live in the policy module (config.ts reads them from the environment).
export { type CallPolicy, DEFAULT_CALL_POLICY } from '../policy/policy.js';

type Tx = Kysely<Database>;

/**
 * The leader call lifecycle. Every method starts with an access check, runs in one
 * transaction, and appends one record per state change to the records log.
 */
export class CallsService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    readonly policy: CallPolicy = DEFAULT_CALL_POLICY,
    private readonly publicUrl = 'http://localhost:8080',
  ) {}

  private readonly endedListeners = new Set<(callId: string) => void>();

  /** Called after a call ends (the in-app room closes its connections). */
  onEnded(fn: (callId: string) => void): void {
    this.endedListeners.add(fn);
  }

  /**
   * The last principal hung up in the in-app call: `in_progress` → `completed`, recorded as done
   * by Hotline (no human actor), with the memcon deadline starting now.
   */
  async endFromLive(callId: string, reason: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const call = await repo.findCallForUpdate(tx, callId);
      if (!call) throw new NotFoundError('call', callId);
      if (call.state !== 'in_progress')
        throw new ConflictError(`The call is ${call.state}, not in progress.`, { state: call.state });
      const now = this.clock.now();
      const memconDue = new Date(now.getTime() + this.policy.memconDeadlineDays * DAY);
      await tx
        .updateTable('calls')
        .set({
          state: 'completed',
          actual_end: now,
          memcon_due_at: memconDue,
          version: call.version + 1,
          updated_at: now,
        })
        .where('id', '=', callId)
        .execute();
      const rec = await this.records.append(tx, {
        kind: 'call.end',
        office: call.owner_office_id,
        actor: null,
        subject: callId,
        content: {
          callId,
          action: 'end',
          from: 'in_progress',
          to: 'completed',
          by: 'hotline',
          reason,
          at: now.toISOString(),
        },
      });
      await tx
        .insertInto('call_events')
        .values({
          id: newId(now.getTime()),
          call_id: callId,
          action: 'end',
          from_state: 'in_progress',
          to_state: 'completed',
          actor_id: null,
          reason,
          details: JSON.stringify({ by: 'hotline' }) as never,
          record_seq: String(rec.seq),
          at: now,
        })
        .execute();
    });
  }

  /** Memcons and readouts due or overdue for the actor's office, for the overdue dashboard. */
  async dashboard(actor: Actor): Promise<CallsDashboard> {
    authorize(actor, 'calls.dashboard', 'see the overdue dashboard');
    const rows = (await repo.listCallsForOffice(this.db, actor.officeId)).filter(
      (r) => r.owner_office_id === actor.officeId,
    );
    const now = this.clock.now();
    const items: CallsDashboard['items'] = [];
    for (const r of rows) {
      const due =
        ['completed', 'memcon_draft'].includes(r.state) && r.memcon_due_at
          ? { kind: 'memcon' as const, at: new Date(r.memcon_due_at) }
          : r.state === 'memcon_final' && r.readout_due_at
            ? { kind: 'readout' as const, at: new Date(r.readout_due_at) }
            : null;
      if (!due) continue;
      items.push({
        callId: r.id,
        counterpartLeader: r.counterpart_leader,
        channel: r.channel,
        kind: due.kind,
        dueAt: iso(due.at),
        daysOverdue: Math.floor((now.getTime() - due.at.getTime()) / DAY),
      });
    }
    items.sort((a, b) => b.daysOverdue - a.daysOverdue);
    const count = (kind: 'memcon' | 'readout', overdue: boolean) =>
      items.filter((i) => i.kind === kind && i.daysOverdue >= 0 === overdue).length;
    return {
      generatedAt: iso(now),
      policy: {
        memconDeadlineDays: this.policy.memconDeadlineDays,
        readoutDeadlineDays: this.policy.readoutDeadlineDays,
      },
      memcons: { overdue: count('memcon', true), pending: count('memcon', false) },
      readouts: { overdue: count('readout', true), pending: count('readout', false) },
      items,
    };
  }

  /** The iCalendar invitation of one participant (yourself, or anyone for the secretariat). */
  async invite(
    actor: Actor,
    id: string,
    userId?: string,
  ): Promise<{ method: 'REQUEST' | 'CANCEL'; text: string }> {
    authorize(actor, 'calls.read', 'see calls');
    const row = await this.visibleCall(this.db, actor, id);
    if (!row.scheduled_start || !row.duration_min) {
      throw new ConflictError(
        `The call is ${row.state.replace(/_/g, ' ')} and has no scheduled time yet, so there is no invitation.`,
        { state: row.state },
      );
    }
    const target = userId ?? actor.userId;
    const participants = [
      row.principal_id,
      row.counterpart_principal_id,
      ...row.interpreter_ids,
      ...row.listener_ids,
    ].filter(Boolean) as string[];
    const [person] = await this.db
      .selectFrom('users')
      .select(['display_name', 'email', 'time_zone', 'office_id'])
      .where('id', '=', target)
      .execute();
    authorizeInvite(
      actor,
      { ownerOfficeId: row.owner_office_id, participantIds: participants },
      { userId: target, officeId: person?.office_id ?? '' },
    );
    const owner = await findOffice(this.db, row.owner_office_id);
    if (!person || !owner) throw new NotFoundError('user', target);
    const method = row.state === 'cancelled' ? 'CANCEL' : 'REQUEST';
    return {
      method,
      text: buildInvite({
        uid: `${row.id}@hotline`,
        sequence: row.schedule_sequence + (method === 'CANCEL' ? 1 : 0),
        method,
        start: new Date(row.scheduled_start),
        durationMin: row.duration_min,
        summary: inviteSummary(`${owner.leader_title} ${owner.leader_name}`, row.counterpart_leader),
        organizer: {
          name: `${owner.name} secretariat`,
          email: `secretariat@${new URL(this.publicUrl).hostname}`,
        },
        attendee: { name: person.display_name, email: person.email },
        attendeeZone: person.time_zone,
        url: `${this.publicUrl}/app/calls/${row.id}`,
        stamp: new Date(row.updated_at),
      }),
    };
  }

  // ---------------------------------------------------------------- reads

  /** The calls my office takes part in: all, those needing me (inbox) or upcoming; in one state if asked. */
  async list(
    actor: Actor,
    scope: 'inbox' | 'upcoming' | 'all' = 'all',
    state?: CallSummary['state'],
  ): Promise<CallSummary[]> {
    authorize(actor, 'calls.read', 'see calls');
    const rows = (await repo.listCallsForOffice(this.db, actor.officeId)).filter(
      (r) => state === undefined || r.state === state,
    );
    const offices = await this.officeNames(rows.map((r) => r.owner_office_id));
    const now = this.clock.now();
    let out = rows.map((r) => this.summary(r, offices.get(r.owner_office_id) ?? '', now));
    if (scope === 'upcoming') {
      out = out
        .filter((c) => c.scheduledStart && ['scheduled', 'briefed', 'in_progress'].includes(c.state))
        .sort((a, b) => a.scheduledStart!.localeCompare(b.scheduledStart!));
    } else if (scope === 'inbox') {
      out = out.filter((c) => {
        const row = rows.find((r) => r.id === c.id)!;
        return allowedCallActions(actor, row).length > 0 || c.overdue.length > 0;
      });
    }
    return out;
  }

  async get(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'calls.read', 'see calls');
    const row = await this.visibleCall(this.db, actor, id);
    const now = this.clock.now();
    const [events, reviews, briefs, mems, reads, log, office] = await Promise.all([
      repo.callEvents(this.db, id),
      repo.callReviews(this.db, id),
      repo.briefings(this.db, id),
      repo.memcons(this.db, id),
      repo.readouts(this.db, id),
      repo.callLog(this.db, id),
      findOffice(this.db, row.owner_office_id),
    ]);
    const counterpartOffice =
      row.counterpart_office_id && !row.counterpart_principal_id
        ? await findOffice(this.db, row.counterpart_office_id)
        : undefined;
    const people = await repo.userNames(this.db, [
      row.requested_by,
      ...(row.principal_id ? [row.principal_id] : []),
      ...(row.counterpart_principal_id ? [row.counterpart_principal_id] : []),
      ...row.interpreter_ids,
      ...row.listener_ids,
    ]);
    const person = (id: string | null) => {
      const p = id ? people.find((x) => x.id === id) : undefined;
      return p ? { id: p.id, name: p.display_name, timeZone: p.time_zone } : null;
    };
    const localTimes: CallDetail['localTimes'] = [];
    if (row.scheduled_start) {
      const zones = new Map<string, string>();
      zones.set(office?.time_zone ?? 'UTC', office?.name ?? 'Host office');
      for (const p of [person(row.principal_id), person(row.counterpart_principal_id)])
        if (p) zones.set(p.timeZone, p.name);
      // Without a counterpart principal on record, the counterpart office's zone stands for theirs.
      if (counterpartOffice)
        zones.set(
          counterpartOffice.time_zone,
          zones.get(counterpartOffice.time_zone) ?? row.counterpart_leader,
        );
      zones.set(row.requester_zone, zones.get(row.requester_zone) ?? 'Requester');
      for (const [zone, who] of zones) {
        localTimes.push({ who, zone, text: lifecycle.formatForZone(row.scheduled_start, zone) });
      }
    }
    const clashes = row.principal_id && row.scheduled_start ? await this.clashesFor(this.db, row) : [];

    const timeline: CallDetail['timeline'] = [];
    for (const e of events) {
      timeline.push({
        at: iso(e.at),
        kind: 'transition',
        label: lifecycle.actionLabel(e.action),
        actor: e.actorName ?? null,
        fromState: e.from_state,
        toState: e.to_state,
        reason: e.reason,
        recordSeq: Number(e.record_seq),
      });
    }
    for (const r of reviews) {
      timeline.push({
        at: iso(r.at),
        kind: 'review',
        label: `Review: ${r.recommendation}${r.clearances.length ? ` (cleared by ${r.clearances.join(', ')})` : ''}`,
        actor: r.reviewerName,
        reason: r.notes,
        recordSeq: null,
      });
    }
    // Artifact versions name who wrote them (a published readout: who approved it) and why a
    // final memcon was corrected.
    const names = await this.namesOf(this.db, [
      ...briefs.map((b) => b.author_id),
      ...mems.map((m) => m.author_id),
      ...reads.flatMap((r) => [r.author_id, r.approved_by]),
    ]);
    const nameOf = (id: string | null) => (id ? (names.get(id) ?? null) : null);
    for (const b of briefs) {
      timeline.push({
        at: iso(b.created_at),
        kind: 'briefing',
        label: `Briefing v${b.version}${b.approved_at ? ' (approved)' : ''}`,
        actor: nameOf(b.author_id),
        recordSeq: Number(b.record_seq),
      });
    }
    for (const m of toMemconVersions(mems, names)) {
      timeline.push({
        at: m.createdAt,
        kind: 'memcon',
        label: `Memcon v${m.version} ${m.status}`,
        actor: m.authorName,
        reason:
          m.correctsVersion !== null && m.correctionReason
            ? `Correction of v${m.correctsVersion}: ${m.correctionReason}`
            : null,
        recordSeq: m.recordSeq,
      });
    }
    for (const r of reads) {
      timeline.push({
        at: iso(r.created_at),
        kind: 'readout',
        label: `Readout v${r.version} ${r.status}`,
        actor: nameOf(r.status === 'published' ? (r.approved_by ?? r.author_id) : r.author_id),
        recordSeq: Number(r.record_seq),
      });
    }
    for (const l of log) {
      timeline.push({
        at: iso(l.at),
        kind: 'log',
        label: lifecycle.logLabel(l.kind, logName(l)),
        // The label already names the person ("Donald J. Trump joined").
        actor: null,
        recordSeq: Number(l.record_seq),
      });
    }
    for (const [kind, due] of [
      ['memcon', row.memcon_due_at],
      ['readout', row.readout_due_at],
    ] as const) {
      if (due) {
        timeline.push({
          at: iso(due),
          kind: 'deadline',
          label: `${kind === 'memcon' ? 'Memcon' : 'Readout'} due`,
          actor: null,
          recordSeq: null,
          future: new Date(due) > now,
        });
      }
    }
    // By time, and at the same instant in the log's order (deadlines, which have no record, last).
    timeline.sort(
      (a, b) =>
        a.at.localeCompare(b.at) ||
        (a.recordSeq ?? Number.MAX_SAFE_INTEGER) - (b.recordSeq ?? Number.MAX_SAFE_INTEGER),
    );

    return {
      ...this.summary(row, office?.name ?? '', now),
      requestedBy: { id: row.requested_by, name: person(row.requested_by)?.name ?? 'Unknown' },
      language: row.language,
      requesterZone: row.requester_zone,
      proposedWindows: row.proposed_windows,
      counterpartOfficeId: row.counterpart_office_id,
      principal: person(row.principal_id),
      counterpartPrincipal: person(row.counterpart_principal_id),
      interpreters: row.interpreter_ids.map((i) => ({ id: i, name: person(i)?.name ?? 'Unknown' })),
      listeners: row.listener_ids.map((i) => ({ id: i, name: person(i)?.name ?? 'Unknown' })),
      participants: row.participants.length
        ? row.participants
        : [row.principal_id, row.counterpart_principal_id, ...row.interpreter_ids, ...row.listener_ids]
            .map((i) => person(i)?.name)
            .filter((n): n is string => !!n),
      callLog: {
        channel: row.channel,
        actualStart: row.actual_start ? iso(row.actual_start) : null,
        actualEnd: row.actual_end ? iso(row.actual_end) : null,
        entries: log.map(toCallLogEntry),
      },
      scheduleSequence: row.schedule_sequence,
      actualStart: row.actual_start ? iso(row.actual_start) : null,
      actualEnd: row.actual_end ? iso(row.actual_end) : null,
      waiveReason: row.waive_reason,
      allowedActions: allowedCallActions(actor, row),
      localTimes,
      clashes,
      reviews: reviews.map((r) => ({
        reviewer: r.reviewerName,
        recommendation: r.recommendation,
        notes: r.notes,
        risks: r.risks,
        clearances: r.clearances,
        at: iso(r.at),
      })),
      approvals: {
        have: distinctApprovals(reviews),
        need: approvalsNeeded(row.urgency, this.policy),
      },
      timeline,
    };
  }

  /** Every version of the call's briefing, memcon and readout, with who wrote and approved each. */
  async artifacts(actor: Actor, id: string): Promise<CallArtifacts> {
    authorize(actor, 'calls.read', 'see calls');
    await this.visibleCall(this.db, actor, id);
    const [briefs, mems, reads] = await Promise.all([
      repo.briefings(this.db, id),
      repo.memcons(this.db, id),
      repo.readouts(this.db, id),
    ]);
    const names = await this.namesOf(this.db, [
      ...briefs.flatMap((b) => [b.author_id, b.approved_by]),
      ...mems.map((m) => m.author_id),
      ...reads.flatMap((r) => [r.author_id, r.approved_by]),
    ]);
    return {
      briefings: briefs.map((b) => toBriefingVersion(b, names)),
      memcons: toMemconVersions(mems, names),
      readouts: reads.map((r) => toReadoutVersion(r, names)),
    };
  }

  // ---------------------------------------------------------------- writes

  async request(actor: Actor, input: CreateCallRequestInput): Promise<CallDetail> {
    authorize(actor, 'calls.request', 'request calls');
    const id = await this.db.transaction().execute(async (tx) => {
      const owner = await findOffice(tx, input.ownerOfficeId);
      if (!owner) throw new NotFoundError('office', input.ownerOfficeId);
      if (input.counterpartOfficeId && !(await findOffice(tx, input.counterpartOfficeId))) {
        throw new NotFoundError('office', input.counterpartOfficeId);
      }
      for (const w of input.proposedWindows)
        lifecycle.localToUtc(w.start, input.requesterZone, 'proposedWindows.start');
      const now = this.clock.now();
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
      await tx
        .insertInto('calls')
        .values({
          ...row,
          proposed_windows: JSON.stringify(row.proposed_windows) as never,
          interpreter_ids: [],
          listener_ids: [],
        })
        .execute();
      await this.event(tx, row, 'request', null, 'requested', actor, null, { ...input });
      return id;
    });
    return this.get(actor, id);
  }

  /** Off-channel contact, logged after the fact: a completed call with its participants, memcon due. */
  async logOffChannel(actor: Actor, input: z.infer<typeof LogOffChannelBody>): Promise<CallDetail> {
    authorize(actor, 'calls.logOffChannel', 'log off-channel contact');
    const start = new Date(input.start);
    const end = new Date(input.end);
    if (end <= start) throw new ValidationError('The contact must end after it starts.', { field: 'end' });
    if (start > this.clock.now())
      throw new ValidationError('Off-channel contact is logged after the fact; the start is in the future.', {
        field: 'start',
      });
    const id = await this.db.transaction().execute(async (tx) => {
      const owner = await findOffice(tx, input.ownerOfficeId);
      if (!owner) throw new NotFoundError('office', input.ownerOfficeId);
      if (input.counterpartOfficeId && !(await findOffice(tx, input.counterpartOfficeId))) {
        throw new ValidationError(
          `counterpartOfficeId ${input.counterpartOfficeId} is not an office Hotline knows; leave it out or pick one from GET /api/v1/offices.`,
          { field: 'counterpartOfficeId' },
        );
      }
      const now = this.clock.now();
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
        duration_min: Math.max(1, Math.round((end.getTime() - start.getTime()) / 60_000)),
        schedule_sequence: 0,
        principal_id: null,
        counterpart_principal_id: null,
        interpreter_ids: [],
        listener_ids: [],
        actual_start: start,
        actual_end: end,
        memcon_due_at: new Date(end.getTime() + this.policy.memconDeadlineDays * DAY),
        readout_due_at: null,
        waive_reason: null,
        participants: input.participants,
        version: 0,
        created_at: now,
        updated_at: now,
      };
      authorizeCallAction(actor, { ...row, state: null }, 'log_off_channel', this.policy);
      await tx
        .insertInto('calls')
        .values({ ...row, proposed_windows: JSON.stringify([]) as never })
        .execute();
      await this.event(tx, row, 'log_off_channel', null, 'completed', actor, null, { ...input });
      return id;
    });
    return this.get(actor, id);
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
    return this.db.transaction().execute(async (tx) => {
      const now = this.clock.now();
      const id = newId(now.getTime());
      const [owner] = await repo.userNames(tx, [input.ownerUserId]);
      await tx
        .insertInto('calls')
        .values({
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
          proposed_windows: JSON.stringify([]) as never,
          state: 'completed',
          channel: 'off_channel',
          scheduled_start: input.start,
          duration_min: Math.max(1, Math.round((input.end.getTime() - input.start.getTime()) / 60_000)),
          schedule_sequence: 0,
          principal_id: input.ownerUserId,
          counterpart_principal_id: null,
          interpreter_ids: [],
          listener_ids: [],
          actual_start: input.start,
          actual_end: input.end,
          memcon_due_at: new Date(
            Math.max(now.getTime(), input.end.getTime()) + this.policy.memconDeadlineDays * DAY,
          ),
          readout_due_at: null,
          waive_reason: null,
          participants: [...(owner ? [owner.display_name] : []), input.counterpartLeader],
          version: 0,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const rec = await this.records.append(tx, {
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
      await tx
        .insertInto('call_events')
        .values({
          id: newId(now.getTime()),
          call_id: id,
          action: 'detect_off_channel',
          from_state: null,
          to_state: 'completed',
          actor_id: null,
          reason: input.summary,
          details: JSON.stringify(input.evidence) as never,
          record_seq: String(rec.seq),
          at: now,
        })
        .execute();
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
  ): Promise<CallDetail> {
    // Steps that create an artifact go through their own method, whichever endpoint was used.
    if (action === 'finalize_memcon') return this.finalizeMemcon(actor, id);
    if (action === 'publish_readout') return this.publishReadout(actor, id);
    if (action === 'approve_readout') return this.approveReadout(actor, id);
    if (action === 'brief') return this.approveBriefing(actor, id);
    const needsBody: Record<string, string> = {
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
    };
    if (needsBody[action]) {
      throw new ValidationError(`"${action}" needs its form: use ${needsBody[action]}.`, { field: 'action' });
    }
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id, expectedVersion);
      if (action === 'waive_readout' && !reason?.trim()) {
        throw new ValidationError('Waiving a readout needs a reason that will be kept in the record.', {
          field: 'reason',
        });
      }
      const next = authorizeCallAction(actor, call, action, this.policy);
      const now = this.clock.now();
      const patch: Partial<repo.CallRow> = {};
      if (action === 'connect') patch.actual_start = now;
      if (action === 'end') {
        patch.actual_end = now;
        patch.memcon_due_at = new Date(now.getTime() + this.policy.memconDeadlineDays * DAY);
      }
      if (action === 'waive_readout') patch.waive_reason = reason!.trim();
      await this.move(tx, call, action, next, actor, reason ?? null, patch);
    });
    if (action === 'end' || action === 'cancel') for (const fn of this.endedListeners) fn(id);
    return this.get(actor, id);
  }

  /** A review (risks and clearances may be left out by callers inside the server, such as the demo seed). */
  async review(actor: Actor, id: string, input: z.input<typeof ReviewBody>): Promise<CallDetail> {
    const body = { ...input, risks: input.risks ?? '', clearances: [...new Set(input.clearances ?? [])] };
    await this.db.transaction().execute(async (tx) => {
      let call = await this.lockCall(tx, actor, id);
      if (call.state === 'requested') {
        const next = authorizeCallAction(actor, call, 'begin_review', this.policy);
        call = await this.move(tx, call, 'begin_review', next, actor, null, {});
      }
      authorizeCallAction(actor, call, 'recommend', this.policy);
      const now = this.clock.now();
      const { clearances } = body;
      await tx
        .insertInto('call_reviews')
        .values({
          id: newId(now.getTime()),
          call_id: id,
          reviewer_id: actor.userId,
          recommendation: body.recommendation,
          notes: body.notes,
          risks: body.risks,
          clearances,
          at: now,
        })
        .execute();
      await this.records.append(tx, {
        kind: 'call.review',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        content: { callId: id, ...body },
      });
      if (body.recommendation === 'decline') {
        const next = authorizeCallAction(actor, call, 'decline', this.policy);
        await this.move(tx, call, 'decline', next, actor, body.notes, {});
      } else if (body.recommendation === 'approve') {
        // Each reviewer counts once, however often they approve.
        const approvals = distinctApprovals(await repo.callReviews(tx, id));
        const needed = approvalsNeeded(call.urgency, this.policy);
        if (approvals >= needed) {
          const next = authorizeCallAction(actor, call, 'approve', this.policy, { approvals });
          await this.move(tx, call, 'approve', next, actor, body.notes, {}, { approvals, required: needed });
        }
      }
    });
    return this.get(actor, id);
  }

  async schedule(
    actor: Actor,
    id: string,
    input: z.infer<typeof ScheduleBody>,
    expectedVersion = input.expectedVersion,
  ): Promise<CallDetail & { warnings: string[] }> {
    // A stale expectedVersion is refused (409) like a stale transition; it is not part of the record.
    const { expectedVersion: _seen, ...body } = input;
    const warnings: string[] = [];
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id, expectedVersion);
      const action = call.state === 'approved' ? 'schedule' : 'reschedule';
      const next = authorizeCallAction(actor, call, action, this.policy);
      const start = new Date(body.start);
      if (start.getTime() < this.clock.now().getTime())
        throw new ValidationError('The call cannot be scheduled in the past.', { field: 'start' });
      const people = await repo.userNames(tx, [
        body.principalId,
        ...(body.counterpartPrincipalId ? [body.counterpartPrincipalId] : []),
        ...body.interpreterIds,
        ...body.listenerIds,
      ]);
      const principal = people.find((p) => p.id === body.principalId);
      if (!principal?.roles.includes('principal')) {
        throw new ValidationError('principalId must name a person with the principal role.', {
          field: 'principalId',
        });
      }
      const known = new Set(people.map((p) => p.id));
      const named: [string, string, string][] = [
        ...(body.counterpartPrincipalId
          ? [
              ['counterpartPrincipalId', body.counterpartPrincipalId, 'The counterpart principal'] as [
                string,
                string,
                string,
              ],
            ]
          : []),
        ...body.interpreterIds.map(
          (u, i) => [`interpreterIds.${i}`, u, 'Interpreter'] as [string, string, string],
        ),
        ...body.listenerIds.map((u, i) => [`listenerIds.${i}`, u, 'Listener'] as [string, string, string]),
      ];
      for (const [field, userId, who] of named) {
        if (!known.has(userId)) {
          throw new ValidationError(
            `${who} ${userId} (${field}) is not a known user. Pick people from the directory (GET /api/v1/directory).`,
            { field, id: userId },
          );
        }
      }
      const patch = {
        scheduled_start: start,
        duration_min: body.durationMin,
        channel: body.channel,
        principal_id: body.principalId,
        counterpart_principal_id: body.counterpartPrincipalId ?? null,
        interpreter_ids: body.interpreterIds,
        listener_ids: body.listenerIds,
        schedule_sequence: call.schedule_sequence + (action === 'reschedule' ? 1 : 0),
      };
      const clashes = await this.clashesFor(tx, { ...call, ...patch });
      for (const c of clashes)
        warnings.push(`Clash: the principal already has a call with ${c.counterpartLeader} at ${c.start}.`);
      await this.move(tx, call, action, next, actor, null, patch, { ...body, warnings });
    });
    return { ...(await this.get(actor, id)), warnings };
  }

  async saveBriefing(actor: Actor, id: string, body: z.infer<typeof BriefingBody>): Promise<BriefingVersion> {
    return this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'edit_briefing', this.policy);
      const prev = await repo.latestBriefing(tx, id);
      const version = (prev?.version ?? 0) + 1;
      const now = this.clock.now();
      const rec = await this.records.append(tx, {
        kind: 'call.briefing',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        content: { callId: id, version, ...body },
      });
      const row = {
        id: newId(now.getTime()),
        call_id: id,
        version,
        author_id: actor.userId,
        background_md: body.backgroundMd,
        objectives_md: body.objectivesMd,
        talking_points_md: body.talkingPointsMd,
        approved_by: null,
        approved_at: null,
        record_seq: String(rec.seq),
        created_at: now,
      };
      await tx.insertInto('briefings').values(row).execute();
      await this.bump(tx, call);
      return toBriefingVersion(row, new Map([[actor.userId, actor.displayName]]));
    });
  }

  /** Approving the latest briefing moves the call to briefed. */
  async approveBriefing(actor: Actor, id: string): Promise<CallDetail> {
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      const latest = await repo.latestBriefing(tx, id);
      const next = authorizeCallAction(actor, call, 'brief', this.policy);
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no briefing to approve yet; write one first.',
          actor,
          call,
        );
      await tx
        .updateTable('briefings')
        .set({ approved_by: actor.userId, approved_at: this.clock.now() })
        .where('id', '=', latest.id)
        .execute();
      await this.move(tx, call, 'brief', next, actor, null, {}, { briefingVersion: latest.version });
    });
    return this.get(actor, id);
  }

  /** Save a memcon version. The first save after the call moves it to memcon_draft; a save after final is a correction. */
  async saveMemcon(actor: Actor, id: string, body: MemconInput): Promise<SavedMemcon> {
    return this.db.transaction().execute(async (tx) => {
      let call = await this.lockCall(tx, actor, id);
      const versions = await repo.memcons(tx, id);
      const prev = versions.at(-1);
      lifecycle.validateMemcon(body);
      let correction = false;
      if (call.state === 'completed') {
        const next = authorizeCallAction(actor, call, 'draft_memcon', this.policy);
        call = await this.move(tx, call, 'draft_memcon', next, actor, null, {});
      } else if (call.state === 'memcon_draft') {
        authorizeCallAction(actor, call, 'edit_memcon', this.policy);
      } else if (prev?.status === 'final') {
        authorizeCallAction(actor, call, 'correct_memcon', this.policy);
        if (!body.correctionReason) {
          throw new ValidationError('The memcon is final; a correction needs a reason (correctionReason).', {
            field: 'correctionReason',
          });
        }
        correction = true;
      } else {
        authorizeCallAction(actor, call, 'edit_memcon', this.policy);
      }
      const now = this.clock.now();
      const version = (prev?.version ?? 0) + 1;
      const rec = await this.records.append(tx, {
        kind: correction ? 'call.memcon.correction' : 'call.memcon.draft',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: correction ? prev?.record_id : null,
        content: { callId: id, version, ...body },
      });
      const row = {
        id: newId(now.getTime()),
        call_id: id,
        version,
        prev_id: prev?.id ?? null,
        author_id: actor.userId,
        status: correction ? ('final' as const) : ('draft' as const),
        classification: body.classification,
        distribution: body.distribution,
        document: body as unknown as Record<string, unknown>,
        record_id: rec.id,
        record_seq: String(rec.seq),
        created_at: now,
      };
      await tx
        .insertInto('memcons')
        .values({ ...row, document: JSON.stringify(body) as never })
        .execute();
      await this.bump(tx, call);
      const saved = toMemconVersion(row, prev, new Map([[actor.userId, actor.displayName]]));
      return { ...saved, correction };
    });
  }

  async finalizeMemcon(actor: Actor, id: string): Promise<CallDetail> {
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      const prev = (await repo.memcons(tx, id)).at(-1);
      const next = authorizeCallAction(actor, call, 'finalize_memcon', this.policy);
      if (!prev) throw refuseCallStep('conflict', 'There is no memcon draft to finalize.', actor, call);
      const now = this.clock.now();
      const rec = await this.records.append(tx, {
        kind: 'call.memcon.final',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: prev.record_id,
        content: {
          callId: id,
          version: prev.version + 1,
          finalOf: prev.version,
          ...(prev.document as object),
        },
      });
      await tx
        .insertInto('memcons')
        .values({
          id: newId(now.getTime()),
          call_id: id,
          version: prev.version + 1,
          prev_id: prev.id,
          author_id: actor.userId,
          status: 'final',
          classification: prev.classification,
          distribution: prev.distribution,
          document: JSON.stringify(prev.document) as never,
          record_id: rec.id,
          record_seq: String(rec.seq),
          created_at: now,
        })
        .execute();
      await this.move(tx, call, 'finalize_memcon', next, actor, null, {
        readout_due_at: new Date(now.getTime() + this.policy.readoutDeadlineDays * DAY),
      });
    });
    return this.get(actor, id);
  }

  async saveReadout(actor: Actor, id: string, body: z.infer<typeof ReadoutBody>): Promise<ReadoutVersion> {
    return this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'edit_readout', this.policy);
      const prev = (await repo.readouts(tx, id)).at(-1);
      if (prev?.status === 'published')
        throw refuseCallStep(
          'conflict',
          'The readout is already published; it cannot be edited.',
          actor,
          call,
        );
      const now = this.clock.now();
      const version = (prev?.version ?? 0) + 1;
      const rec = await this.records.append(tx, {
        kind: 'call.readout.draft',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        content: { callId: id, version, ...body },
      });
      const row = {
        id: newId(now.getTime()),
        call_id: id,
        version,
        author_id: actor.userId,
        status: 'draft' as const,
        title: body.title,
        body_md: body.bodyMd,
        approved_by: null,
        approved_at: null,
        published_at: null,
        record_id: rec.id,
        record_seq: String(rec.seq),
        created_at: now,
      };
      await tx.insertInto('readouts').values(row).execute();
      await this.bump(tx, call);
      return toReadoutVersion(row, new Map([[actor.userId, actor.displayName]]));
    });
  }

  /**
   * Approve the latest readout version (press of the host office; with
   * HOTLINE_READOUT_SEPARATE_APPROVER, not its author). A version saved later needs its own approval.
   */
  async approveReadout(actor: Actor, id: string): Promise<CallDetail> {
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      const latest = (await repo.readouts(tx, id)).at(-1);
      const next = authorizeCallAction(actor, call, 'approve_readout', this.policy, {
        ...(latest ? { readoutAuthorId: latest.author_id } : {}),
      });
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no readout draft to approve; write one first.',
          actor,
          call,
        );
      if (latest.status !== 'draft') {
        throw refuseCallStep(
          'conflict',
          `Readout v${latest.version} is already ${latest.status}. Publish it, or save a new version to change it.`,
          actor,
          call,
          { readoutVersion: latest.version },
        );
      }
      const now = this.clock.now();
      await tx
        .updateTable('readouts')
        .set({ status: 'approved', approved_by: actor.userId, approved_at: now })
        .where('id', '=', latest.id)
        .execute();
      await this.move(
        tx,
        call,
        'approve_readout',
        next,
        actor,
        null,
        {},
        {
          readoutVersion: latest.version,
          readoutRecordId: latest.record_id,
          author: latest.author_id,
          approvedBy: actor.userId,
          approvedAt: now.toISOString(),
        },
      );
    });
    return this.get(actor, id);
  }

  /** Publish the latest readout version, which must be approved: the readout becomes public. */
  async publishReadout(actor: Actor, id: string): Promise<CallDetail> {
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      const latest = (await repo.readouts(tx, id)).at(-1);
      const next = authorizeCallAction(actor, call, 'publish_readout', this.policy);
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no readout draft to publish; write one first.',
          actor,
          call,
        );
      if (latest.status !== 'approved' || !latest.approved_by || !latest.approved_at) {
        throw refuseCallStep(
          'conflict',
          `Readout v${latest.version} is not approved, so it cannot be published. Approve the latest version first (POST /api/v1/calls/${id}/readouts/approve).`,
          actor,
          call,
          { readoutVersion: latest.version },
        );
      }
      const now = this.clock.now();
      const pubId = newId(now.getTime());
      // The public page re-creates exactly this canonical JSON, so a browser can check the text.
      const rec = await this.records.append(tx, {
        kind: 'readout.published',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: latest.record_id,
        content: {
          callId: id,
          readoutId: pubId,
          title: latest.title,
          bodyMd: latest.body_md,
          publishedAt: now.toISOString(),
        },
      });
      await tx
        .insertInto('readouts')
        .values({
          id: pubId,
          call_id: id,
          version: latest.version + 1,
          author_id: latest.author_id,
          status: 'published',
          title: latest.title,
          body_md: latest.body_md,
          approved_by: latest.approved_by,
          approved_at: latest.approved_at,
          published_at: now,
          record_id: rec.id,
          record_seq: String(rec.seq),
          created_at: now,
        })
        .execute();
      await this.move(tx, call, 'publish_readout', next, actor, null, {});
    });
    return this.get(actor, id);
  }

  /**
   * A first draft of the public readout (press of the host office, once the memcon is final),
   * made from the final memcon's unclassified (U) paragraphs only. Nothing is saved.
   */
  async readoutDraft(actor: Actor, id: string): Promise<{ title: string; bodyMd: string }> {
    authorize(actor, 'calls.read', 'see calls');
    const call = await this.visibleCall(this.db, actor, id);
    authorizeCallAction(actor, call, 'edit_readout', this.policy);
    const final = (await repo.memcons(this.db, id)).filter((m) => m.status === 'final').at(-1);
    const office = await findOffice(this.db, call.owner_office_id);
    if (!final || !office) {
      throw refuseCallStep(
        'conflict',
        'There is no final memcon to draft the readout from yet.',
        actor,
        call,
      );
    }
    const memcon = final.document as unknown as MemconInput;
    return draftReadout({
      leaderTitle: office.leader_title,
      leaderName: office.leader_name,
      counterpartLeader: call.counterpart_leader,
      counterpartCountry: call.counterpart_country,
      at: new Date(call.actual_start ?? call.scheduled_start ?? final.created_at),
      zone: office.time_zone,
      memcon,
    });
  }

  /** Record a call-log entry (join, leave, mute, verification) with its record. */
  async logEntry(callId: string, kind: string, userId: string | null, details: Record<string, unknown>) {
    return this.db.transaction().execute(async (tx) => {
      const call = await repo.findCall(tx, callId);
      if (!call) throw new NotFoundError('call', callId);
      return this.insertLogEntry(tx, call, kind, userId, userId, details, this.clock.now());
    });
  }

  /**
   * The secretariat records who was on a secure-line call (the in-app room records its own):
   * while the call is in progress or after it. Each entry is a call-log entry with its record,
   * all in one transaction. An entry without a time is taken as now while the call is in
   * progress, and as the start of the call after it.
   */
  async recordCallLog(actor: Actor, id: string, body: z.infer<typeof CallLogBody>): Promise<CallDetail> {
    await this.db.transaction().execute(async (tx) => {
      const call = await this.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'record_call_log', this.policy);
      const now = this.clock.now();
      const opened = call.actual_start ?? call.scheduled_start;
      const earliest = opened ? new Date(opened).getTime() - this.policy.joinWindowMinutes * MINUTE : null;
      const latest = call.actual_end ? new Date(call.actual_end).getTime() : now.getTime();
      const entries = body.entries.map((e, i) => {
        const at =
          e.at !== undefined
            ? new Date(e.at)
            : call.state === 'in_progress' || !call.actual_start
              ? now
              : new Date(call.actual_start);
        const field = `entries.${i}.at`;
        if (at.getTime() > latest) {
          throw new ValidationError(
            `Entry ${i + 1} (${e.name}) is at ${at.toISOString()}, after ${call.actual_end ? `the call ended (${iso(call.actual_end)})` : 'now'}.`,
            { field },
          );
        }
        if (earliest !== null && at.getTime() < earliest) {
          throw new ValidationError(
            `Entry ${i + 1} (${e.name}) is at ${at.toISOString()}, before the line opened (${new Date(earliest).toISOString()}).`,
            { field },
          );
        }
        return { ...e, at };
      });
      for (const e of entries) {
        await this.insertLogEntry(
          tx,
          call,
          e.kind === 'listened' ? 'listening' : 'joined',
          null,
          actor.userId,
          {
            name: e.name,
            recordedBy: actor.userId,
            recordedByName: actor.displayName,
            source: 'secretariat',
          },
          e.at,
        );
      }
      await this.bump(tx, call);
    });
    return this.get(actor, id);
  }

  private async insertLogEntry(
    tx: Tx,
    call: Pick<repo.CallRow, 'id' | 'owner_office_id'>,
    kind: string,
    userId: string | null,
    recordActor: string | null,
    details: Record<string, unknown>,
    at: Date,
  ) {
    const rec = await this.records.append(tx, {
      kind: `call.log.${kind}`,
      office: call.owner_office_id,
      actor: recordActor,
      subject: call.id,
      content: { callId: call.id, kind, userId, at: at.toISOString(), ...details },
    });
    await tx
      .insertInto('call_log_entries')
      .values({
        id: newId(at.getTime()),
        call_id: call.id,
        kind,
        user_id: userId,
        details: JSON.stringify(details) as never,
        record_seq: String(rec.seq),
        at,
      })
      .execute();
    return rec;
  }

  // ---------------------------------------------------------------- helpers

  private async visibleCall(db: Kysely<Database>, actor: Actor, id: string): Promise<repo.CallRow> {
    const row = await repo.findCall(db, id);
    if (!row || !canSeeCall(actor, row)) throw new NotFoundError('call', id);
    return row;
  }

  private async lockCall(tx: Tx, actor: Actor, id: string, expectedVersion?: number): Promise<repo.CallRow> {
    const row = await repo.findCallForUpdate(tx, id);
    if (!row || !canSeeCall(actor, row)) throw new NotFoundError('call', id);
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw refuseCallStep(
        'conflict',
        `This call changed since you loaded it (version ${expectedVersion}, now ${row.version}). Reload and try again.`,
        actor,
        row,
        { version: row.version },
      );
    }
    return row;
  }

  private async move(
    tx: Tx,
    call: repo.CallRow,
    action: string,
    to: string,
    actor: Actor,
    reason: string | null,
    patch: Partial<repo.CallRow>,
    details: Record<string, unknown> = {},
  ): Promise<repo.CallRow> {
    const now = this.clock.now();
    const updated = { ...call, ...patch, state: to, version: call.version + 1, updated_at: now };
    const {
      proposed_windows: _pw,
      id: _id,
      ...set
    } = { ...patch, state: to, version: call.version + 1, updated_at: now } as Partial<repo.CallRow>;
    await tx.updateTable('calls').set(set).where('id', '=', call.id).execute();
    await this.event(tx, updated, action, call.state, to, actor, reason, details);
    return updated;
  }

  private async bump(tx: Tx, call: repo.CallRow) {
    await tx
      .updateTable('calls')
      .set({ version: call.version + 1, updated_at: this.clock.now() })
      .where('id', '=', call.id)
      .execute();
  }

  private async event(
    tx: Tx,
    call: Pick<repo.CallRow, 'id' | 'owner_office_id'>,
    action: string,
    from: string | null,
    to: string,
    actor: Actor,
    reason: string | null,
    details: Record<string, unknown>,
  ) {
    const now = this.clock.now();
    const rec = await this.records.append(tx, {
      kind: `call.${action}`,
      office: call.owner_office_id,
      actor: actor.userId,
      subject: call.id,
      content: {
        callId: call.id,
        action,
        from,
        to,
        by: actor.userId,
        reason,
        at: now.toISOString(),
        ...details,
      },
    });
    await tx
      .insertInto('call_events')
      .values({
        id: newId(now.getTime()),
        call_id: call.id,
        action,
        from_state: from,
        to_state: to,
        actor_id: actor.userId,
        reason,
        details: JSON.stringify(details) as never,
        record_seq: String(rec.seq),
        at: now,
      })
      .execute();
  }

  private async clashesFor(
    db: Kysely<Database>,
    call: Pick<repo.CallRow, 'id' | 'principal_id' | 'scheduled_start' | 'duration_min'>,
  ) {
    if (!call.principal_id || !call.scheduled_start) return [];
    const others = (await repo.principalCalls(db, call.principal_id)).filter((c) => c.id !== call.id);
    const start = new Date(call.scheduled_start).getTime();
    const end = start + (call.duration_min ?? 30) * 60_000;
    return others
      .filter((o) => {
        if (!o.scheduled_start) return false;
        const os = new Date(o.scheduled_start).getTime();
        const oe = os + (o.duration_min ?? 30) * 60_000;
        return os < end && start < oe;
      })
      .map((o) => ({
        callId: o.id,
        counterpartLeader: o.counterpart_leader,
        start: iso(o.scheduled_start!),
      }));
  }

  /** Display names of users by id (ids may repeat or be null). */
  private async namesOf(db: Kysely<Database>, ids: (string | null)[]): Promise<Map<string, string>> {
    const uniq = [...new Set(ids.filter((x): x is string => !!x))];
    const rows = await repo.userNames(db, uniq);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  private async officeNames(ids: string[]): Promise<Map<string, string>> {
    const uniq = [...new Set(ids)];
    if (uniq.length === 0) return new Map();
    const rows = await this.db.selectFrom('offices').select(['id', 'name']).where('id', 'in', uniq).execute();
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  summary(r: repo.CallRow, ownerOfficeName: string, now: Date): CallSummary {
    const overdue: ('memcon' | 'readout')[] = [];
    if (r.memcon_due_at && new Date(r.memcon_due_at) < now && ['completed', 'memcon_draft'].includes(r.state))
      overdue.push('memcon');
    if (r.readout_due_at && new Date(r.readout_due_at) < now && r.state === 'memcon_final')
      overdue.push('readout');
    return {
      id: r.id,
      state: r.state as CallSummary['state'],
      urgency: r.urgency,
      channel: r.channel,
      ownerOfficeId: r.owner_office_id,
      ownerOfficeName,
      requestingOfficeId: r.requesting_office_id,
      counterpartLeader: r.counterpart_leader,
      counterpartCountry: r.counterpart_country,
      purpose: r.purpose,
      topics: r.topics,
      scheduledStart: r.scheduled_start ? iso(r.scheduled_start) : null,
      durationMin: r.duration_min,
      memconDueAt: r.memcon_due_at ? iso(r.memcon_due_at) : null,
      readoutDueAt: r.readout_due_at ? iso(r.readout_due_at) : null,
      overdue,
      updatedAt: iso(r.updated_at),
      version: r.version,
    };
  }
}

type LogRow = Awaited<ReturnType<typeof repo.callLog>>[number];

/** Who a call-log entry is about: the user, or the name the secretariat recorded. */
function logName(l: LogRow): string {
  const d = (l.details ?? {}) as { name?: unknown; displayName?: unknown };
  return (
    l.userName ??
    (typeof d.name === 'string' ? d.name : typeof d.displayName === 'string' ? d.displayName : '')
  );
}

/** A call-log row as the API's entry: joined, left, listened, verified, or noted (mutes, failed verifications). */
function toCallLogEntry(l: LogRow): CallDetail['callLog']['entries'][number] {
  const d = (l.details ?? {}) as Record<string, unknown>;
  const withWhom = typeof d.with === 'string' ? ` with ${d.with}` : '';
  const by = typeof d.recordedByName === 'string' ? `recorded by ${d.recordedByName}` : null;
  const role = typeof d.role === 'string' ? `as ${d.role}` : null;
  const base = { at: iso(l.at), name: logName(l) || 'Someone' };
  switch (l.kind) {
    case 'joined':
      return { ...base, kind: 'joined', detail: by ?? role };
    case 'listening':
      return { ...base, kind: 'listened', detail: by ?? role };
    case 'left':
      return { ...base, kind: 'left', detail: typeof d.reason === 'string' ? d.reason : null };
    case 'verified':
      return { ...base, kind: 'verified', detail: `codes matched${withWhom}` };
    case 'mismatch':
      return { ...base, kind: 'noted', detail: `reported a code MISMATCH${withWhom}` };
    case 'unverified':
      return { ...base, kind: 'noted', detail: `did not verify the code${withWhom}` };
    default:
      return { ...base, kind: 'noted', detail: l.kind };
  }
}

/** Different reviewers who recommended approval. */
function distinctApprovals(reviews: { reviewer_id: string; recommendation: string }[]): number {
  return new Set(reviews.filter((r) => r.recommendation === 'approve').map((r) => r.reviewer_id)).size;
}

export function iso(d: Date | string): string {
  return new Date(d).toISOString();
}
