import { canonicalJson } from '@hotline/common';
import type { CallDetail, CallSummary, MemconVersion } from '@hotline/contract';
import * as lifecycle from './lifecycle.js';
import { type PublishedReadout, publishedReadoutContent, withdrawnReadoutContent } from './readout-record.js';
import type * as repo from './repository.js';
import { iso, overdueAt } from './rules.js';

/** Pure mappers from the calls domain's rows to the API's shapes. */

type LogRow = Awaited<ReturnType<typeof repo.callLog>>[number];
type EventRow = Awaited<ReturnType<typeof repo.callEvents>>[number];
type ReviewRow = Awaited<ReturnType<typeof repo.callReviews>>[number];
type BriefingRow = Awaited<ReturnType<typeof repo.briefings>>[number];
type ReadoutRow = Awaited<ReturnType<typeof repo.readouts>>[number];

/**
 * How the counterpart office sees the call's deadlines: the memcon deadline is its own (the same
 * rule, counted from the end of the call, met by its own final memcon); the readout deadline and
 * whether the host's memcon is late are the host's business.
 */
export interface CounterpartView {
  ownMemconFinal: boolean;
}

export function toCallSummary(
  r: repo.CallRow,
  ownerOfficeName: string,
  now: Date,
  counterpart?: CounterpartView,
): CallSummary {
  const deadlines = counterpart
    ? {
        memconDueAt: r.memcon_due_at ? iso(r.memcon_due_at) : null,
        readoutDueAt: null,
        overdue:
          r.memcon_due_at && new Date(r.memcon_due_at) < now && !counterpart.ownMemconFinal
            ? (['memcon'] as const satisfies CallSummary['overdue'])
            : [],
      }
    : {
        memconDueAt: r.memcon_due_at ? iso(r.memcon_due_at) : null,
        readoutDueAt: r.readout_due_at ? iso(r.readout_due_at) : null,
        overdue: overdueAt(r, now),
      };
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
    ...deadlines,
    overdue: [...deadlines.overdue],
    updatedAt: iso(r.updated_at),
    version: r.version,
  };
}

/** Who a call-log entry is about: the user, or the name the secretariat recorded. */
export function logName(l: LogRow): string {
  const d = (l.details ?? {}) as { name?: unknown; displayName?: unknown };
  return (
    l.userName ??
    (typeof d.name === 'string' ? d.name : typeof d.displayName === 'string' ? d.displayName : '')
  );
}

/** A call-log row as the API's entry: joined, left, listened, verified, or noted (mutes, failed verifications). */
export function toCallLogEntry(l: LogRow): CallDetail['callLog']['entries'][number] {
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

/**
 * The call's timeline: its steps, reviews, artifact versions (naming who wrote them; a published
 * readout: who approved it; why a final memcon was corrected), call-log entries and deadlines.
 * By time, and at the same instant in the log's order (deadlines, which have no record, last).
 */
export function buildTimeline(p: {
  call: Pick<repo.CallRow, 'memcon_due_at' | 'readout_due_at'>;
  events: EventRow[];
  reviews: ReviewRow[];
  briefings: BriefingRow[];
  memcons: MemconVersion[];
  readouts: ReadoutRow[];
  log: LogRow[];
  names: ReadonlyMap<string, string>;
  now: Date;
}): CallDetail['timeline'] {
  const timeline: CallDetail['timeline'] = [];
  const nameOf = (id: string | null) => (id ? (p.names.get(id) ?? null) : null);
  for (const e of p.events) {
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
  for (const r of p.reviews) {
    timeline.push({
      at: iso(r.at),
      kind: 'review',
      label: `Review: ${r.recommendation}${r.clearances.length ? ` (cleared by ${r.clearances.join(', ')})` : ''}`,
      actor: r.reviewerName,
      reason: r.notes,
      recordSeq: null,
    });
  }
  for (const b of p.briefings) {
    timeline.push({
      at: iso(b.created_at),
      kind: 'briefing',
      label: `Briefing v${b.version}${b.approved_at ? ' (approved)' : ''}`,
      actor: nameOf(b.author_id),
      recordSeq: Number(b.record_seq),
    });
  }
  for (const m of p.memcons) {
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
  for (const r of p.readouts) {
    timeline.push({
      at: iso(r.created_at),
      kind: 'readout',
      label: `Readout v${r.version} ${r.status}`,
      actor: nameOf(r.status === 'published' ? (r.approved_by ?? r.author_id) : r.author_id),
      recordSeq: Number(r.record_seq),
    });
  }
  for (const l of p.log) {
    timeline.push({
      at: iso(l.at),
      kind: 'log',
      label: lifecycle.logLabel(
        l.kind,
        logName(l),
        typeof (l.details as { with?: unknown } | null)?.with === 'string'
          ? (l.details as { with: string }).with
          : undefined,
      ),
      // The label already names the person ("Donald J. Trump joined").
      actor: null,
      recordSeq: Number(l.record_seq),
    });
  }
  for (const [kind, due] of [
    ['memcon', p.call.memcon_due_at],
    ['readout', p.call.readout_due_at],
  ] as const) {
    if (due) {
      timeline.push({
        at: iso(due),
        kind: 'deadline',
        label: `${kind === 'memcon' ? 'Memcon' : 'Readout'} due`,
        actor: null,
        recordSeq: null,
        future: new Date(due) > p.now,
      });
    }
  }
  timeline.sort(
    (a, b) =>
      a.at.localeCompare(b.at) ||
      (a.recordSeq ?? Number.MAX_SAFE_INTEGER) - (b.recordSeq ?? Number.MAX_SAFE_INTEGER),
  );
  return timeline;
}

/**
 * The scheduled time in each zone that matters: the host office's, the principals', the
 * counterpart office's (standing for a counterpart principal not on record), the requester's.
 */
export function localTimesFor(p: {
  start: Date | string;
  office: { time_zone: string; name: string } | undefined;
  principals: ({ name: string; timeZone: string } | null)[];
  counterpartOffice: { time_zone: string } | undefined;
  counterpartLeader: string;
  requesterZone: string;
}): CallDetail['localTimes'] {
  const zones = new Map<string, string>();
  zones.set(p.office?.time_zone ?? 'UTC', p.office?.name ?? 'Host office');
  for (const who of p.principals) if (who) zones.set(who.timeZone, who.name);
  if (p.counterpartOffice)
    zones.set(p.counterpartOffice.time_zone, zones.get(p.counterpartOffice.time_zone) ?? p.counterpartLeader);
  zones.set(p.requesterZone, zones.get(p.requesterZone) ?? 'Requester');
  return [...zones].map(([zone, who]) => ({ who, zone, text: lifecycle.formatForZone(p.start, zone) }));
}

/** A published readout for the public site, with the exact record content (canonical JSON) its page carries. */
export function toPublishedReadout(r: repo.PublishedReadoutRow): PublishedReadout {
  const publishedAt = new Date(r.published_at!);
  const withdrawn = r.status === 'withdrawn';
  const content = withdrawn
    ? withdrawnReadoutContent({
        callId: r.call_id,
        readoutId: r.id,
        withdraws: r.supersedes_id ?? '',
        title: r.title,
        reason: r.reason ?? '',
        withdrawnAt: publishedAt,
      })
    : publishedReadoutContent({
        callId: r.call_id,
        readoutId: r.id,
        title: r.title,
        bodyMd: r.body_md,
        publishedAt,
        corrects: r.supersedes_id,
        reason: r.reason,
      });
  return {
    id: r.id,
    callId: r.call_id,
    title: r.title,
    bodyMd: r.body_md,
    publishedAt,
    publicId: r.public_id ?? r.id,
    status: withdrawn ? 'withdrawn' : 'published',
    reason: r.reason,
    firstPublishedAt: r.first_published_at ? new Date(r.first_published_at) : publishedAt,
    supersededAt: r.superseded_at ? new Date(r.superseded_at) : null,
    officeName: r.officeName,
    officeZone: r.officeZone,
    counterpart: r.counterpart_leader,
    participants: [`${r.leader_title} ${r.leader_name}`, r.counterpart_leader],
    recordId: r.record_id,
    recordSeq: Number(r.record_seq),
    leafSalt: r.record_salt ? Buffer.from(r.record_salt).toString('hex') : '',
    envelope: r.record_envelope ? Buffer.from(r.record_envelope).toString('utf8') : '',
    content: canonicalJson(content),
  };
}

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** Countries whose English name takes "the": "of the United States", "of the Netherlands". */
const WITH_THE = new Set([
  'US',
  'GB',
  'NL',
  'PH',
  'AE',
  'BS',
  'GM',
  'DO',
  'CF',
  'KM',
  'MH',
  'SB',
  'VA',
  'CD',
  'CG',
  'MV',
  'SC',
]);

/**
 * An office's leader as the other side names them: "Prime Minister Mark Carney of Canada". A
 * counterpart office sees its calls named after the host's leader, never after its own.
 */
export function leaderOf(o: { leader_title: string; leader_name: string; country: string }): string {
  let country = o.country;
  try {
    country = regionNames.of(o.country) ?? o.country;
  } catch {
    // An unknown code reads as itself.
  }
  const the = WITH_THE.has(o.country.toUpperCase()) && country !== o.country ? 'the ' : '';
  return `${o.leader_title} ${o.leader_name} of ${the}${country}`;
}
