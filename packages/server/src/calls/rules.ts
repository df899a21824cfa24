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

/** A reviewer role grant, as the flash rule reads it (role_grants rows for role 'reviewer'). */
export interface ReviewerGrant {
  user_id: string;
  granted_by: string | null;
  confirmed_at: Date | string | null;
  revoked_at: Date | string | null;
}

/** An approval the rule leaves out, and why (shown on the call and in the refusal). */
export interface UncountedApproval {
  reviewerId: string;
  reason: 'requester' | 'granted_by_requester' | 'same_granter';
  /** Who granted the reviewer role during the request (for the granter reasons). */
  grantedBy: string | null;
  /** The counted approval this one is folded into (same_granter). */
  sameAs: string | null;
}

/**
 * The approvals that count towards a request ("nobody grants power to themselves"): by distinct
 * reviewers, not the requester, and not stacked by one administrator. A reviewer whose reviewer
 * role came into force (was confirmed) after the request was made, granted by an administrator,
 * is that administrator's voice in this request: all such reviewers of one granter, and the
 * granter's own approval, count together once; a reviewer made so by the requester counts not at
 * all. Grants by the operator (CLI, demo seed; granted_by null) and grants in force before the
 * request are not looked at: those reviewers count for themselves.
 */
export function countApprovals(
  call: { created_at: Date | string; requested_by: string },
  reviews: { reviewer_id: string; recommendation: string; at: Date | string }[],
  grants: ReviewerGrant[],
): { counted: number; notCounted: UncountedApproval[] } {
  const created = new Date(call.created_at).getTime();
  const firstApproval = new Map<string, number>();
  for (const r of reviews) {
    if (r.recommendation !== 'approve' || firstApproval.has(r.reviewer_id)) continue;
    firstApproval.set(r.reviewer_id, new Date(r.at).getTime());
  }
  const voices = new Map<string, string>(); // independence key -> the approver counted for it
  const notCounted: UncountedApproval[] = [];
  for (const [reviewerId, at] of firstApproval) {
    if (reviewerId === call.requested_by) {
      notCounted.push({ reviewerId, reason: 'requester', grantedBy: null, sameAs: null });
      continue;
    }
    // The reviewer grant in force when they approved (the latest, if several).
    const grant = grants
      .filter(
        (g) =>
          g.user_id === reviewerId &&
          g.confirmed_at !== null &&
          new Date(g.confirmed_at).getTime() <= at &&
          (g.revoked_at === null || new Date(g.revoked_at).getTime() > at),
      )
      .sort((a, b) => new Date(b.confirmed_at!).getTime() - new Date(a.confirmed_at!).getTime())[0];
    const fresh = !!grant && grant.granted_by !== null && new Date(grant.confirmed_at!).getTime() > created;
    const grantedBy = fresh ? grant.granted_by : null;
    if (grantedBy === call.requested_by) {
      notCounted.push({ reviewerId, reason: 'granted_by_requester', grantedBy, sameAs: null });
      continue;
    }
    const key = grantedBy ?? reviewerId;
    const first = voices.get(key);
    if (first !== undefined) {
      notCounted.push({
        reviewerId,
        reason: 'same_granter',
        grantedBy: grantedBy ?? reviewerId,
        sameAs: first,
      });
      continue;
    }
    voices.set(key, reviewerId);
  }
  return { counted: voices.size, notCounted };
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

/**
 * Why the approval rule cannot be met by anyone who may act now, in words, or null when it can:
 * the approvals counted so far plus those the office's other reviewers (not the requester, not
 * already approving) could still give fall short of what the urgency needs.
 */
export function approvalShortfall(
  need: number,
  have: number,
  requestedBy: string,
  reviews: { reviewer_id: string; recommendation: string }[],
  reviewers: { id: string; display_name: string }[],
): string | null {
  if (have >= need) return null;
  const approved = new Set(reviews.filter((r) => r.recommendation === 'approve').map((r) => r.reviewer_id));
  const eligible = reviewers.filter((r) => r.id !== requestedBy);
  const still = eligible.filter((r) => !approved.has(r.id)).length;
  if (have + still >= need) return null;
  const who = eligible.length
    ? `only ${eligible.length} ${eligible.length === 1 ? 'reviewer' : 'reviewers'} can approve: ${eligible.map((r) => r.display_name).join(', ')}`
    : 'no reviewer can approve';
  return `Needs ${need} approvals from different reviewers; ${who}. Ask an administrator to grant the reviewer role to another person in the office (a second administrator confirms it).`;
}
