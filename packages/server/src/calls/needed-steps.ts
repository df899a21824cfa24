import type { NotificationKind } from '@hotline/contract';
import type { CallPolicy } from '../config/call-policy.js';
import { type Actor, allowedCallActions } from '../policy/policy.js';
import { ACTIONS } from './lifecycle.js';
import type { CallRow } from './repository.js';
import { iso, overdueAt } from './rules.js';

/** Steps a person may take but that nobody waits for (they are choices, not what is needed). */
const NOT_NEEDED = new Set([
  'withdraw',
  'cancel',
  'reschedule',
  'correct_memcon',
  'correct_counterpart_memcon',
  'waive_readout',
  'correct_readout',
  'withdraw_readout',
  'record_call_log',
  'close',
]);
const REVIEW_STEPS = new Set(['recommend', 'approve', 'decline']);
const MEMCON_STEPS = new Set([
  'draft_memcon',
  'edit_memcon',
  'finalize_memcon',
  'edit_counterpart_memcon',
  'finalize_counterpart_memcon',
]);
const READOUT_STEPS = new Set(['edit_readout', 'approve_readout', 'publish_readout']);
const BEFORE_CALL_STEPS = new Set([
  'edit_briefing',
  'brief',
  'edit_counterpart_briefing',
  'approve_counterpart_briefing',
  'connect',
]);
const BRIEFING_STEPS = new Set([
  'edit_briefing',
  'brief',
  'edit_counterpart_briefing',
  'approve_counterpart_briefing',
]);

/** Which kind of notification a step is (a person chooses per kind where it reaches them). */
export function kindOfStep(action: string): NotificationKind {
  if (REVIEW_STEPS.has(action) || action === 'begin_review') return 'review';
  if (MEMCON_STEPS.has(action)) return 'memcon';
  if (READOUT_STEPS.has(action)) return 'readout';
  if (BRIEFING_STEPS.has(action)) return 'briefing';
  if (action === 'connect' || action === 'end' || action === 'take_call') return 'call';
  return 'schedule';
}

export interface NeededStep {
  step: string;
  by: string | null;
  kind: NotificationKind;
}

/** How soon before the start a principal's call is theirs to take (in the inbox). */
const PRINCIPAL_HORIZON_HOURS = 12;

/**
 * What the call needs from this person, step by step with its deadline: the steps their roles
 * may take now that somebody waits for; a principal's own call within the next hours; an overdue
 * memcon or readout for the records officer. Closed and waived calls need nothing.
 */
export function neededFrom(actor: Actor, row: CallRow, now: Date, policy: CallPolicy): NeededStep[] {
  if (['closed', 'readout_waived', 'declined', 'withdrawn', 'cancelled'].includes(row.state)) return [];
  const start = row.scheduled_start ? iso(row.scheduled_start) : null;
  const byFor = (a: string): string | null =>
    MEMCON_STEPS.has(a)
      ? row.memcon_due_at
        ? iso(row.memcon_due_at)
        : null
      : READOUT_STEPS.has(a)
        ? row.readout_due_at
          ? iso(row.readout_due_at)
          : null
        : BEFORE_CALL_STEPS.has(a)
          ? start
          : null;
  const out: NeededStep[] = [];
  let reviewed = false;
  for (const a of allowedCallActions(actor, row)) {
    if (NOT_NEEDED.has(a)) continue;
    if (REVIEW_STEPS.has(a)) {
      if (!reviewed) out.push({ step: 'Review the request', by: null, kind: 'review' });
      reviewed = true;
      continue;
    }
    out.push({ step: ACTIONS[a]?.label ?? a.replace(/_/g, ' '), by: byFor(a), kind: kindOfStep(a) });
  }
  const mine = [row.principal_id, row.counterpart_principal_id].includes(actor.userId);
  if (
    mine &&
    start &&
    ['scheduled', 'briefed', 'in_progress'].includes(row.state) &&
    new Date(start).getTime() - now.getTime() <= PRINCIPAL_HORIZON_HOURS * 3_600_000 &&
    new Date(start).getTime() + (row.duration_min ?? 30) * 60_000 + policy.joinWindowMinutes * 60_000 >
      now.getTime()
  )
    out.unshift({ step: 'Take the call', by: start, kind: 'call' });
  if (actor.roles.includes('records') && row.owner_office_id === actor.officeId)
    for (const o of overdueAt(row, now))
      out.push({
        step: o === 'memcon' ? 'Chase the overdue memcon' : 'Chase the overdue readout',
        by: iso((o === 'memcon' ? row.memcon_due_at : row.readout_due_at)!),
        kind: o === 'memcon' ? 'memcon' : 'readout',
      });
  return out;
}
