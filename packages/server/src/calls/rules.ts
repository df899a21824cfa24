import { DAY } from '@hotline/common';
import type { CallPolicy } from '../config/call-policy.js';
import type { CallRow } from './repository.js';

/** Pure rules of the calls domain: no database, no clock of their own. */

export function iso(d: Date | string): string {
  return new Date(d).toISOString();
}

/** Different reviewers who recommended approval (each reviewer counts once, however often they approve). */
export function distinctApprovals(reviews: { reviewer_id: string; recommendation: string }[]): number {
  return new Set(reviews.filter((r) => r.recommendation === 'approve').map((r) => r.reviewer_id)).size;
}

/** When the memcon is due: the policy's days after the call ended. */
export function memconDue(endedAt: Date, policy: CallPolicy): Date {
  return new Date(endedAt.getTime() + policy.memconDeadlineDays * DAY);
}

/** When the readout (or its waiver) is due: the policy's days after the memcon became final. */
export function readoutDue(finalAt: Date, policy: CallPolicy): Date {
  return new Date(finalAt.getTime() + policy.readoutDeadlineDays * DAY);
}

/** Whole minutes between two instants, at least one. */
export function durationMinutes(start: Date, end: Date): number {
  return Math.max(1, Math.round((end.getTime() - start.getTime()) / 60_000));
}

type Slot = Pick<CallRow, 'id' | 'scheduled_start' | 'duration_min'>;

/** The other calls whose time overlaps this one's (a call without a duration counts as 30 minutes). */
export function clashesAmong(
  call: Slot,
  others: (Slot & Pick<CallRow, 'counterpart_leader'>)[],
): { callId: string; counterpartLeader: string; start: string }[] {
  if (!call.scheduled_start) return [];
  const start = new Date(call.scheduled_start).getTime();
  const end = start + (call.duration_min ?? 30) * 60_000;
  return others
    .filter((o) => {
      if (o.id === call.id || !o.scheduled_start) return false;
      const os = new Date(o.scheduled_start).getTime();
      const oe = os + (o.duration_min ?? 30) * 60_000;
      return os < end && start < oe;
    })
    .map((o) => ({ callId: o.id, counterpartLeader: o.counterpart_leader, start: iso(o.scheduled_start!) }));
}

/** What the call's office owes next, and by when: the memcon after the call, the readout after the final memcon. */
export function dueNext(
  r: Pick<CallRow, 'state' | 'memcon_due_at' | 'readout_due_at'>,
): { kind: 'memcon' | 'readout'; at: Date } | null {
  if (['completed', 'memcon_draft'].includes(r.state) && r.memcon_due_at)
    return { kind: 'memcon', at: new Date(r.memcon_due_at) };
  if (r.state === 'memcon_final' && r.readout_due_at)
    return { kind: 'readout', at: new Date(r.readout_due_at) };
  return null;
}

/** The call's overdue artifacts at `now`. */
export function overdueAt(
  r: Pick<CallRow, 'state' | 'memcon_due_at' | 'readout_due_at'>,
  now: Date,
): ('memcon' | 'readout')[] {
  const overdue: ('memcon' | 'readout')[] = [];
  if (r.memcon_due_at && new Date(r.memcon_due_at) < now && ['completed', 'memcon_draft'].includes(r.state))
    overdue.push('memcon');
  if (r.readout_due_at && new Date(r.readout_due_at) < now && r.state === 'memcon_final')
    overdue.push('readout');
  return overdue;
}
