import { type Clock, DAY, MINUTE, NotFoundError } from '@hotline/common';
import type {
  BriefingVersion,
  CallArtifacts,
  CallDetail,
  CallSummary,
  CallsDashboard,
  MemconVersion,
  ReadoutVersion,
} from '@hotline/contract';
import type { CallPolicy } from '../config/call-policy.js';
import { findOffice } from '../identity/repository.js';
import {
  type Actor,
  allowedCallActions,
  approvalsNeeded,
  authorize,
  type CallParty,
  callPartyOf,
  stepSharedWith,
} from '../policy/policy.js';
import { approvalStanding } from './approvals.js';
import { toBriefingVersion, toMemconVersions, toReadoutVersion } from './artifacts.js';
import { neededFrom } from './needed-steps.js';
import type { PublishedReadout } from './readout-record.js';
import type { BriefingRow, CallRow, MemconRow, Tx } from './repository.js';
import * as repo from './repository.js';
import { approvalShortfall, clashesAmong, dueNext, iso } from './rules.js';
import {
  buildTimeline,
  leaderOf,
  localTimesFor,
  toCallLogEntry,
  toCallSummary,
  toPublishedReadout,
} from './views.js';

/** The call, if the actor's office is a party to it; 404 otherwise (whether or not it exists). */
export async function visibleCall(db: Tx, actor: Actor, id: string): Promise<CallRow> {
  return (await partyCall(db, actor, id)).row;
}

/** The call and who the actor's office is to it (host or counterpart); 404 for a third office. */
export async function partyCall(
  db: Tx,
  actor: Actor,
  id: string,
): Promise<{ row: CallRow; party: CallParty }> {
  const row = await repo.findCall(db, id);
  const party = row ? callPartyOf(actor, row) : null;
  if (!row || !party) throw new NotFoundError('call', id);
  return { row, party };
}

/**
 * The artifacts of a call one party sees: its own office's briefings and memcons; the host
 * office every readout version, the counterpart only published ones (drafts are the host's).
 */
async function artifactsFor(db: Tx, actor: Actor, row: CallRow, party: CallParty) {
  const [briefs, mems, reads] = await Promise.all([
    repo.briefings(db, row.id, actor.officeId),
    repo.memcons(db, row.id, actor.officeId),
    repo.readouts(db, row.id),
  ]);
  return {
    briefs,
    mems,
    reads: party === 'host' ? reads : reads.filter((r) => r.status === 'published'),
  };
}

/**
 * The counterpart office's steps on its own artifacts, narrowed by what it has written: approve
 * its briefing only when the latest is not approved, finalize its memcon only when the latest is
 * a draft, correct it only once it is final (and then no longer draft it).
 */
export function ownArtifactActions(
  actions: string[],
  briefs: Pick<BriefingRow, 'approved_at'>[],
  mems: Pick<MemconRow, 'status'>[],
): string[] {
  const latestBrief = briefs.at(-1);
  const latestMemcon = mems.at(-1);
  const final = latestMemcon?.status === 'final';
  return actions.filter((a) => {
    if (a === 'approve_counterpart_briefing') return !!latestBrief && !latestBrief.approved_at;
    if (a === 'finalize_counterpart_memcon') return latestMemcon?.status === 'draft';
    if (a === 'edit_counterpart_memcon') return !final;
    if (a === 'correct_counterpart_memcon') return final;
    return true;
  });
}

/** The call's steps as a party sees them: the counterpart only the shared ones, with who and why as shared. */
export function eventsFor<E extends { action: string; reason: string | null; actorName: string | null }>(
  party: CallParty,
  events: E[],
): E[] {
  const out: E[] = [];
  for (const e of events) {
    const shared = stepSharedWith(party, e.action);
    if (shared === null) continue;
    out.push({
      ...e,
      actorName: shared === 'outcome' ? null : e.actorName,
      reason: shared === 'all' || shared === 'with-reason' ? e.reason : null,
    });
  }
  return out;
}

async function offChannelPrincipal(db: Tx, officeId: string) {
  const p = await repo.officePrincipal(db, officeId);
  return p ? { id: p.id, name: p.display_name, timeZone: p.time_zone } : null;
}

/** The principal's other live calls that overlap this one. */
export async function clashesFor(
  db: Tx,
  call: Pick<CallRow, 'id' | 'principal_id' | 'scheduled_start' | 'duration_min'>,
) {
  if (!call.principal_id || !call.scheduled_start) return [];
  return clashesAmong(call, await repo.principalCalls(db, call.principal_id));
}

/** Display names of users by id (ids may repeat or be null). */
async function namesOf(db: Tx, ids: (string | null)[]): Promise<Map<string, string>> {
  const uniq = [...new Set(ids.filter((x): x is string => !!x))];
  const rows = await repo.userNames(db, uniq);
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The reads of the calls domain. Writes return ids; the routes answer with these. */
export class CallQueries {
  constructor(
    private readonly db: Tx,
    private readonly clock: Clock,
    readonly policy: CallPolicy,
  ) {}

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
    const offices = await repo.officeNames(
      this.db,
      rows.map((r) => r.owner_office_id),
    );
    const now = this.clock.now();
    const ownFinal = await repo.callsWithFinalMemcon(
      this.db,
      actor.officeId,
      rows.filter((r) => r.owner_office_id !== actor.officeId).map((r) => r.id),
    );
    const hosts = await repo.officeLeaders(
      this.db,
      rows.filter((r) => r.owner_office_id !== actor.officeId).map((r) => r.owner_office_id),
    );
    let out = rows.map((r) => {
      const c = toCallSummary(
        r,
        offices.get(r.owner_office_id) ?? '',
        now,
        r.owner_office_id === actor.officeId ? undefined : { ownMemconFinal: ownFinal.has(r.id) },
      );
      // Named from the viewer's side: a counterpart office's call is with the host's leader.
      const host = hosts.get(r.owner_office_id);
      return host ? { ...c, counterpartLeader: leaderOf(host) } : c;
    });
    if (scope === 'upcoming') {
      out = out
        .filter((c) => c.scheduledStart && ['scheduled', 'briefed', 'in_progress'].includes(c.state))
        .sort((a, b) => a.scheduledStart!.localeCompare(b.scheduledStart!));
    } else if (scope === 'inbox') {
      out = out.flatMap((c) => {
        const needed = neededFrom(actor, rows.find((r) => r.id === c.id)!, now, this.policy).map(
          ({ step, by }) => ({ step, by }),
        );
        return needed.length ? [{ ...c, needed }] : [];
      });
    }
    return out;
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
      const due = dueNext(r);
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

  async get(actor: Actor, id: string): Promise<CallDetail> {
    authorize(actor, 'calls.read', 'see calls');
    const { row, party } = await partyCall(this.db, actor, id);
    const host = party === 'host';
    const now = this.clock.now();
    const [allEvents, reviews, { briefs, mems, reads }, log, office, answers] = await Promise.all([
      repo.callEvents(this.db, id),
      // Reviews, risks and clearances are the host office's own.
      host ? repo.callReviews(this.db, id) : Promise.resolve([]),
      artifactsFor(this.db, actor, row, party),
      repo.callLog(this.db, id),
      findOffice(this.db, row.owner_office_id),
      repo.scheduleAnswers(this.db, id),
    ]);
    const standing = host ? await approvalStanding(this.db, row, reviews) : null;
    const shortfall =
      standing && ['requested', 'under_review'].includes(row.state)
        ? approvalShortfall(
            approvalsNeeded(row.urgency, this.policy),
            standing.counted,
            row.requested_by,
            reviews,
            await repo.officeReviewers(this.db, row.owner_office_id),
          )
        : null;
    const events = eventsFor(party, allEvents);
    const counterpartView = host ? undefined : { ownMemconFinal: mems.some((m) => m.status === 'final') };
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
    const localTimes = row.scheduled_start
      ? localTimesFor({
          start: row.scheduled_start,
          office,
          principals: [person(row.principal_id), person(row.counterpart_principal_id)],
          counterpartOffice,
          counterpartLeader: row.counterpart_leader,
          requesterZone: row.requester_zone,
        })
      : [];
    // Each office is told of its own principal's other calls: the host's principal's diary is the host's.
    const ownPrincipal = host ? row.principal_id : row.counterpart_principal_id;
    const clashes =
      ownPrincipal && row.scheduled_start
        ? await clashesFor(this.db, { ...row, principal_id: ownPrincipal })
        : [];
    const names = await namesOf(this.db, [
      ...briefs.map((b) => b.author_id),
      ...mems.map((m) => m.author_id),
      ...reads.flatMap((r) => [r.author_id, r.approved_by]),
    ]);
    const timeline = buildTimeline({
      call: host ? row : { memcon_due_at: row.memcon_due_at, readout_due_at: null },
      events,
      reviews,
      briefings: briefs,
      memcons: toMemconVersions(mems, names),
      readouts: reads,
      log,
      names,
      now,
    });

    const joinOpens =
      row.channel === 'hotline' && row.scheduled_start
        ? new Date(new Date(row.scheduled_start).getTime() - this.policy.joinWindowMinutes * MINUTE)
        : null;
    return {
      ...toCallSummary(row, office?.name ?? '', now, counterpartView),
      ...(!host && office ? { counterpartLeader: leaderOf(office) } : {}),
      requestedBy: { id: row.requested_by, name: person(row.requested_by)?.name ?? 'Unknown' },
      language: row.language,
      requesterZone: row.requester_zone,
      proposedWindows: row.proposed_windows,
      counterpartOfficeId: row.counterpart_office_id,
      // Off-channel contact logged after the fact names no principal by id: it was the leader's own.
      principal:
        person(row.principal_id) ??
        (row.channel === 'off_channel' ? await offChannelPrincipal(this.db, row.owner_office_id) : null),
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
      joinOpensAt: joinOpens ? iso(joinOpens) : null,
      joinOpensInSeconds: joinOpens
        ? Math.max(0, Math.ceil((joinOpens.getTime() - now.getTime()) / 1000))
        : null,
      actualStart: row.actual_start ? iso(row.actual_start) : null,
      actualEnd: row.actual_end ? iso(row.actual_end) : null,
      // Why the host waived its readout is its own.
      waiveReason: host ? row.waive_reason : null,
      allowedActions: host
        ? allowedCallActions(actor, row)
        : ownArtifactActions(allowedCallActions(actor, row), briefs, mems),
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
      approvals: standing
        ? {
            have: standing.counted,
            need: approvalsNeeded(row.urgency, this.policy),
            ...(standing.notCounted.length ? { notCounted: standing.notCounted } : {}),
            ...(shortfall ? { shortfall } : {}),
          }
        : null,
      timeline,
      scheduleAnswers: answers.map((a) => ({
        officeName: a.officeName,
        by: a.byName,
        answer: a.answer,
        proposedStart: a.proposed_start ? iso(a.proposed_start) : null,
        note: a.note,
        scheduleSequence: a.schedule_sequence,
        at: iso(a.at),
      })),
    };
  }

  /**
   * Every version of the call's briefing, memcon and readout the actor's office sees, with who
   * wrote and approved each: its own briefings and memcons; readouts: the host every version, the
   * counterpart the published one.
   */
  async artifacts(actor: Actor, id: string): Promise<CallArtifacts> {
    authorize(actor, 'calls.read', 'see calls');
    const { row, party } = await partyCall(this.db, actor, id);
    const { briefs, mems, reads } = await artifactsFor(this.db, actor, row, party);
    const names = await namesOf(this.db, [
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

  /** One briefing version of the call (the answer to saving it). */
  async briefing(actor: Actor, callId: string, briefingId: string): Promise<BriefingVersion> {
    const found = (await this.artifacts(actor, callId)).briefings.find((b) => b.id === briefingId);
    if (!found) throw new NotFoundError('briefing', briefingId);
    return found;
  }

  /** One memcon version of the call (the answer to saving it). */
  async memcon(actor: Actor, callId: string, memconId: string): Promise<MemconVersion> {
    const found = (await this.artifacts(actor, callId)).memcons.find((m) => m.id === memconId);
    if (!found) throw new NotFoundError('memcon', memconId);
    return found;
  }

  /** One readout version of the call (the answer to saving it). */
  async readout(actor: Actor, callId: string, readoutId: string): Promise<ReadoutVersion> {
    const found = (await this.artifacts(actor, callId)).readouts.find((r) => r.id === readoutId);
    if (!found) throw new NotFoundError('readout', readoutId);
    return found;
  }

  /** The facts that decide who may join the call's in-app room (policy/ decides). */
  /** A person's time zone (UTC if unknown), to tell them times as their clock shows them. */
  async zoneOf(userId: string): Promise<string> {
    const [row] = await repo.userNames(this.db, [userId]);
    return row?.time_zone ?? 'UTC';
  }

  async joinFacts(callId: string): Promise<CallRow> {
    const call = await repo.findCall(this.db, callId);
    if (!call) throw new NotFoundError('call', callId);
    return call;
  }

  /** Published readouts for the public site (no login): a search, one page, newest first. */
  async publishedReadouts(
    query: string,
    page: number,
    perPage = 20,
  ): Promise<{ readouts: PublishedReadout[]; total: number; pageCount: number }> {
    const { rows, total } = await repo.publishedReadouts(this.db, query, page, perPage);
    return {
      readouts: rows.map(toPublishedReadout),
      total,
      pageCount: Math.max(1, Math.ceil(total / perPage)),
    };
  }

  async publishedReadout(id: string): Promise<PublishedReadout | null> {
    const r = await repo.publishedReadout(this.db, id);
    return r ? toPublishedReadout(r) : null;
  }
}
