import { ValidationError } from '@hotline/common';
import type { CallState, MemconInput } from '@hotline/contract';
import { DateTime } from 'luxon';
import type { Role } from '../policy/roles.js';

/**
 * The leader call lifecycle: the one state machine. Its ACTIONS table says, for each step, from
 * which states it may be taken, the state it leads to, and which roles of which office may take
 * it; policy/policy.ts applies the table to a person (authorizeCallAction).
 *
 * Offices: the *owner* office is the one whose leader is asked for the call (our side: it
 * reviews, schedules, notes, publishes). The *requesting* office made the request (the same
 * office for its own staff, or a foreign office through its liaison). Transitions marked
 * `owner` need the actor to belong to the owner office; `requester` needs the requesting office.
 * `counterpart` steps are the counterpart office's own artifacts (its own briefing and its own
 * memcon of the call): they need an office on the call other than the host, and move no state.
 *
 * What the other office sees: `shared` marks the steps that appear on the counterpart office's
 * timeline ('outcome': the step and the state it led to; 'step': also who took it; 'with-reason':
 * also why). Every other step is the host office's own (reviews, its briefing, memcon and
 * readout drafts) and is not shown to the counterpart. See policy.ts callPartyOf.
 *
 * Artifact actions (edit_briefing, edit_memcon, correct_memcon, edit_readout, approve_readout) change no state
 * but are allowed only in the states and roles listed here.
 */
export type CallStateName = CallState;

export interface ActionRule {
  label: string;
  from: readonly (CallStateName | null)[];
  /** null: the action keeps the state (recommend, artifact edits) */
  to: CallStateName | null;
  roles: readonly Role[];
  office: 'owner' | 'requester' | 'counterpart' | 'any';
  /** Seen on the counterpart office's timeline, and how much of it (absent: host office only). */
  shared?: 'outcome' | 'step' | 'with-reason';
  /** Only on calls of these channels (any channel when absent). */
  channels?: readonly ('hotline' | 'secure_line' | 'off_channel')[];
}

const LATE: CallStateName[] = ['memcon_final', 'readout_published', 'readout_waived', 'closed'];
/** After the call: when an office writes its own record of the conversation. */
const AFTER_CALL: CallStateName[] = ['completed', 'memcon_draft', ...LATE];

export const ACTIONS: Record<string, ActionRule> = {
  request: {
    label: 'Request a call',
    from: [null],
    to: 'requested',
    roles: ['staff', 'liaison'],
    office: 'any',
    shared: 'step',
  },
  log_off_channel: {
    label: 'Log off-channel contact',
    from: [null],
    to: 'completed',
    roles: ['staff', 'secretariat'],
    office: 'owner',
    shared: 'step',
  },
  begin_review: {
    label: 'Begin review',
    from: ['requested'],
    to: 'under_review',
    roles: ['reviewer', 'secretariat'],
    office: 'owner',
  },
  recommend: { label: 'Recommend', from: ['under_review'], to: null, roles: ['reviewer'], office: 'owner' },
  approve: {
    label: 'Approve',
    from: ['under_review'],
    to: 'approved',
    roles: ['reviewer'],
    office: 'owner',
    // The answer to the request; who reviewed it and the review's notes stay the host's.
    shared: 'outcome',
  },
  decline: {
    label: 'Decline',
    from: ['requested', 'under_review'],
    to: 'declined',
    roles: ['reviewer'],
    office: 'owner',
    shared: 'outcome',
  },
  withdraw: {
    label: 'Withdraw the request',
    from: ['requested', 'under_review', 'approved'],
    to: 'withdrawn',
    roles: ['staff', 'liaison'],
    office: 'requester',
    shared: 'with-reason',
  },
  schedule: {
    label: 'Schedule',
    from: ['approved'],
    to: 'scheduled',
    roles: ['secretariat'],
    office: 'owner',
    shared: 'step',
  },
  reschedule: {
    label: 'Reschedule',
    from: ['scheduled', 'briefed'],
    to: 'scheduled',
    roles: ['secretariat'],
    office: 'owner',
    shared: 'with-reason',
  },
  cancel: {
    label: 'Cancel',
    from: ['approved', 'scheduled', 'briefed'],
    to: 'cancelled',
    roles: ['secretariat'],
    office: 'owner',
    shared: 'with-reason',
  },
  edit_briefing: {
    label: 'Write the briefing',
    from: ['approved', 'scheduled', 'briefed'],
    to: null,
    roles: ['staff', 'reviewer'],
    office: 'owner',
  },
  brief: {
    label: 'Approve the briefing',
    from: ['scheduled'],
    to: 'briefed',
    roles: ['reviewer', 'secretariat'],
    office: 'owner',
  },
  connect: {
    label: 'Connect the call',
    from: ['scheduled', 'briefed'],
    to: 'in_progress',
    roles: ['secretariat'],
    office: 'owner',
    shared: 'step',
  },
  end: {
    label: 'End the call',
    from: ['in_progress'],
    to: 'completed',
    roles: ['secretariat', 'principal'],
    office: 'owner',
    shared: 'step',
  },
  draft_memcon: {
    label: 'Draft the memcon',
    from: ['completed'],
    to: 'memcon_draft',
    roles: ['notetaker'],
    office: 'owner',
  },
  edit_memcon: {
    label: 'Edit the memcon draft',
    from: ['memcon_draft'],
    to: null,
    roles: ['notetaker'],
    office: 'owner',
  },
  finalize_memcon: {
    label: 'Finalize the memcon',
    from: ['memcon_draft'],
    to: 'memcon_final',
    roles: ['secretariat'],
    office: 'owner',
  },
  correct_memcon: {
    label: 'Correct the final memcon',
    from: LATE,
    to: null,
    roles: ['notetaker', 'secretariat'],
    office: 'owner',
  },
  edit_readout: {
    label: 'Draft the readout',
    from: ['memcon_final'],
    to: null,
    roles: ['press'],
    office: 'owner',
  },
  approve_readout: {
    label: 'Approve the readout',
    from: ['memcon_final'],
    to: null,
    roles: ['press'],
    office: 'owner',
  },
  publish_readout: {
    label: 'Publish the readout',
    from: ['memcon_final'],
    to: 'readout_published',
    roles: ['press'],
    office: 'owner',
    shared: 'outcome',
  },
  correct_readout: {
    label: 'Correct the published readout',
    from: ['readout_published', 'closed'],
    to: null,
    roles: ['press'],
    office: 'owner',
  },
  withdraw_readout: {
    label: 'Withdraw the published readout',
    from: ['readout_published', 'closed'],
    to: null,
    roles: ['press'],
    office: 'owner',
  },
  waive_readout: {
    label: 'Waive the readout',
    from: ['memcon_final'],
    to: 'readout_waived',
    roles: ['press', 'secretariat'],
    office: 'owner',
    shared: 'outcome',
  },
  record_call_log: {
    label: 'Record who was on the call',
    from: ['in_progress', 'completed'],
    to: null,
    roles: ['secretariat'],
    office: 'owner',
    shared: 'step',
    // The in-app room records its own joins; a secure line is recorded by the secretariat.
    channels: ['secure_line'],
  },
  // The counterpart office's own artifacts: its briefing before the call, its memcon after it.
  edit_counterpart_briefing: {
    label: "Write our office's own briefing",
    from: ['approved', 'scheduled', 'briefed'],
    to: null,
    roles: ['staff', 'reviewer'],
    office: 'counterpart',
  },
  approve_counterpart_briefing: {
    label: "Approve our office's own briefing",
    from: ['approved', 'scheduled', 'briefed'],
    to: null,
    roles: ['reviewer', 'secretariat'],
    office: 'counterpart',
  },
  edit_counterpart_memcon: {
    label: "Draft our office's own memcon",
    from: AFTER_CALL,
    to: null,
    roles: ['notetaker'],
    office: 'counterpart',
  },
  finalize_counterpart_memcon: {
    label: "Finalize our office's own memcon",
    from: AFTER_CALL,
    to: null,
    roles: ['secretariat'],
    office: 'counterpart',
  },
  correct_counterpart_memcon: {
    label: "Correct our office's own final memcon",
    from: AFTER_CALL,
    to: null,
    roles: ['notetaker', 'secretariat'],
    office: 'counterpart',
  },
  answer_schedule: {
    label: 'Answer the scheduled time',
    from: ['scheduled', 'briefed'],
    to: null,
    roles: ['secretariat', 'liaison', 'staff'],
    office: 'counterpart',
    shared: 'with-reason',
  },
  close: {
    label: 'Close',
    from: ['readout_published', 'readout_waived'],
    to: 'closed',
    roles: ['secretariat'],
    office: 'owner',
    shared: 'step',
  },
};

export interface LifecycleCall {
  state: string | null;
  owner_office_id: string;
  requesting_office_id: string;
  counterpart_office_id?: string | null;
  urgency?: string;
  channel?: string | null;
}

/** The rule of one action; an unknown action is a 400 that lists the known ones. */
export function ruleFor(action: string): ActionRule {
  const r = ACTIONS[action];
  if (!r)
    throw new ValidationError(
      `Unknown action "${action}". Known actions: ${Object.keys(ACTIONS).join(', ')}.`,
      { field: 'action' },
    );
  return r;
}

/** "under review"; a call not yet made is "new". */
export function stateName(s: string | null): string {
  return s === null ? 'new' : s.replace(/_/g, ' ');
}

/** Whether the action may be taken from the call's state (who may take it is policy.ts's question). */
export function allowsFrom(r: ActionRule, state: string | null): boolean {
  return r.from.includes(state as CallStateName);
}

/** Actions possible from a state for anyone (for error messages). */
export function actionsFrom(state: string | null): string[] {
  return Object.entries(ACTIONS)
    .filter(([, r]) => allowsFrom(r, state))
    .map(([a]) => a);
}

/** States the call can reach from `state` by someone's next step (the state itself left out). */
export function nextStatesFrom(state: string | null): string[] {
  const to = Object.values(ACTIONS)
    .filter((r) => allowsFrom(r, state) && r.to !== null && r.to !== state)
    .map((r) => r.to as string);
  return [...new Set(to)];
}

export function actionLabel(action: string): string {
  if (action === 'detect_off_channel') return 'Off-channel contact detected by Hotline';
  return ACTIONS[action]?.label ?? action;
}

/** "Donald J. Trump verified the code with Mark Carney": a call-log entry as a timeline line. */
export function logLabel(kind: string, who: string, withWhom?: string): string {
  const k: Record<string, string> = {
    joined: 'joined',
    left: 'left',
    listening: 'is listening',
    muted: 'muted',
    unmuted: 'unmuted',
    verified: 'verified the code',
    mismatch: 'reported a code MISMATCH',
    unverified: 'did not verify the code',
  };
  const other = withWhom && ['verified', 'mismatch', 'unverified'].includes(kind) ? ` with ${withWhom}` : '';
  return `${who || 'Someone'} ${k[kind] ?? kind}${other}`;
}

// ------------------------------------------------------------------ time

/** "Tue 10 Mar 2026, 9:00 a.m. EDT" in the given IANA zone. */
export function formatForZone(instant: Date | string, zone: string): string {
  const d = DateTime.fromJSDate(new Date(instant), { zone });
  const ampm = d.hour < 12 ? 'a.m.' : 'p.m.';
  return `${d.toFormat('ccc d LLL yyyy, h:mm')} ${ampm} ${d.toFormat('ZZZZ')}`;
}

/** A span as people say it: "3 days 2 h", "2 h 40 min", "12 min", "less than a minute". */
export function durationInWords(ms: number): string {
  const mins = Math.ceil(ms / 60_000);
  if (mins < 1) return 'less than a minute';
  const days = Math.floor(mins / 1440);
  const hours = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (days) return `${days} ${days === 1 ? 'day' : 'days'}${hours ? ` ${hours} h` : ''}`;
  if (hours) return `${hours} h${m ? ` ${m} min` : ''}`;
  return `${m} min`;
}

/**
 * A local date-time in a zone → UTC. A time that does not exist (the spring-forward gap) is
 * refused with the next valid time; an ambiguous one (the fall-back overlap) means the earlier
 * instant, the first time the clock shows it.
 */
export function localToUtc(local: string, zone: string, field = 'start'): Date {
  const d = DateTime.fromISO(local, { zone });
  if (!d.isValid) throw new ValidationError(`${local} is not a valid local time in ${zone}.`, { field });
  if (d.toFormat("yyyy-MM-dd'T'HH:mm") !== local.slice(0, 16)) {
    throw new ValidationError(
      `${local.replace('T', ' ')} does not exist in ${zone}: the clocks jump forward then. The next valid time is ${d.toFormat('yyyy-MM-dd HH:mm')}.`,
      { field },
    );
  }
  // In an overlap the same wall time occurs twice; take the earlier instant.
  const hourBefore = DateTime.fromMillis(d.toMillis() - 3_600_000, { zone });
  if (hourBefore.toFormat("yyyy-MM-dd'T'HH:mm") === local.slice(0, 16)) return hourBefore.toUTC().toJSDate();
  return d.toUTC().toJSDate();
}

// ------------------------------------------------------------------ memcon

const LEVELS: Record<string, number> = {
  U: 0,
  UNCLASSIFIED: 0,
  C: 1,
  CONFIDENTIAL: 1,
  S: 2,
  SECRET: 2,
  TS: 3,
  'TOP SECRET': 3,
};

export function classificationLevel(marking: string): number {
  const m = marking.replace(/[()]/g, '').trim().toUpperCase();
  const head = m.split(/[/ ]/)[0] ?? '';
  const level = LEVELS[m.startsWith('TOP SECRET') ? 'TOP SECRET' : head] ?? LEVELS[m.split('//')[0]!.trim()];
  if (level === undefined) {
    throw new ValidationError(
      `"${marking}" is not a classification marking; use U, C, S or TS (e.g. "(S/NF)") or UNCLASSIFIED, CONFIDENTIAL, SECRET, TOP SECRET.`,
    );
  }
  return level;
}

/** Every paragraph carries a marking no higher than the banner. */
export function validateMemcon(m: MemconInput): void {
  const banner = classificationLevel(m.classification);
  m.paragraphs.forEach((p, i) => {
    let level: number;
    try {
      level = classificationLevel(p.marking);
    } catch (err) {
      throw new ValidationError(`Paragraph ${i + 1}: ${(err as Error).message}`, {
        field: `paragraphs.${i}.marking`,
      });
    }
    if (level > banner) {
      throw new ValidationError(
        `Paragraph ${i + 1} is marked ${p.marking}, above the document's classification ${m.classification}. Raise the banner or lower the marking.`,
        {
          field: `paragraphs.${i}.marking`,
        },
      );
    }
  });
}
