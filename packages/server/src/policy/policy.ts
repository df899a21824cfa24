import { ConflictError, ForbiddenError, GoneError, MINUTE } from '@hotline/common';
import { PERMISSIONS, type Permission, ROLE_LABELS, type Role } from '@hotline/contract';
import {
  ACTIONS,
  type ActionRule,
  allowsFrom,
  durationInWords,
  formatForZone,
  type LifecycleCall,
  nextStatesFrom,
  ruleFor,
  stateName,
} from '../calls/lifecycle.js';
import type { CallPolicy } from '../config/call-policy.js';
import { DEFAULT_CALL_POLICY } from '../config/call-policy.js';

/**
 * The one authorization policy. Services call `authorize()` (permissions) or
 * `authorizeCallAction()` (a step of a leader call) first thing; routes never decide access.
 * Who may take each call step, from which state, is the table in
 * calls/lifecycle.ts (the call state machine); this module applies it to a person,
 * with the call policy settings (config/call-policy.ts) and the call's facts.
 */
export interface Actor {
  userId: string;
  officeId: string;
  roles: readonly Role[];
  displayName: string;
}

export function can(actor: Actor, permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return actor.roles.some((r) => allowed.includes(r));
}

/** Throws a ForbiddenError that tells the person which roles may do this. */
export function authorize(actor: Actor, permission: Permission, what: string): void {
  if (can(actor, permission)) return;
  const allowed = PERMISSIONS[permission].map((r) => ROLE_LABELS[r]).join(', ');
  throw new ForbiddenError(
    `You may not ${what}: it needs one of these roles: ${allowed}. Ask an administrator.`,
    {
      permission,
    },
  );
}

/** Same-office rule for administrative acts: an office's admin manages only that office. */
export function authorizeSameOffice(actor: Actor, officeId: string, what: string): void {
  if (actor.officeId !== officeId) {
    throw new ForbiddenError(`You may not ${what} for another office; ask that office's administrator.`);
  }
}

export function permissionsOf(actor: Actor): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(actor, p));
}

// ------------------------------------------------------------------ leader calls

/** Approvals from different reviewers a request of this urgency needs before it is approved. */
export function approvalsNeeded(urgency: string, policy: CallPolicy): number {
  return urgency === 'flash' ? policy.flashRequiresReviewers : 1;
}

// ------------------------------------------------------------------ call steps

/** What a decision needs to know beyond the call row. */
export interface CallActionFacts {
  /** Different reviewers who have recommended approval (for `approve`). */
  approvals?: number;
  /** The author of the readout version to approve (for `approve_readout`). */
  readoutAuthorId?: string;
}

function officeMay(r: ActionRule, call: LifecycleCall, actor: Actor): boolean {
  if (r.office === 'any') return true;
  if (r.office === 'owner') return actor.officeId === call.owner_office_id;
  if (r.office === 'counterpart') return callPartyOf(actor, call) === 'counterpart';
  return actor.officeId === call.requesting_office_id;
}

function channelFits(r: ActionRule, call: LifecycleCall): boolean {
  return !r.channels || r.channels.includes((call.channel ?? '') as never);
}

/** The person's own steps on this call now: by state and channel, role and office. */
export function allowedCallActions(actor: Actor, call: LifecycleCall): string[] {
  return Object.entries(ACTIONS)
    .filter(
      ([, r]) =>
        allowsFrom(r, call.state) &&
        channelFits(r, call) &&
        actor.roles.some((x) => r.roles.includes(x)) &&
        officeMay(r, call, actor),
    )
    .map(([a]) => a);
}

/**
 * Who an office is to a call (README, "What each office sees of a call"):
 * - 'host': the office whose leader takes the call. It runs the call's state machine and sees
 *   everything of it: reviews and clearances, its briefings, memcons and readout drafts, distribution.
 * - 'counterpart': the other government's office (the counterpart office, or a foreign office
 *   that requested the call). It sees only the call's shared facts (the request as sent, proposed
 *   windows, schedule, who is on the call, the in-app call log, the published readout, the shared
 *   steps of the timeline) and its own briefing and memcon, which the host never sees.
 * - null: a third office. The call does not exist for it (404).
 */
export type CallParty = 'host' | 'counterpart';

export function callPartyOf(actor: Pick<Actor, 'officeId'>, call: LifecycleCall): CallParty | null {
  if (actor.officeId === call.owner_office_id) return 'host';
  if (actor.officeId === call.counterpart_office_id || actor.officeId === call.requesting_office_id)
    return 'counterpart';
  return null;
}

/** Offices that see a call (its shared facts): the host and the counterpart; no third office. */
export function canSeeCall(actor: Actor, call: LifecycleCall): boolean {
  return callPartyOf(actor, call) !== null;
}

/** Whether a step of the call's timeline is shown to this party, and how much of it. */
export function stepSharedWith(
  party: CallParty,
  action: string,
): 'all' | 'outcome' | 'step' | 'with-reason' | null {
  if (party === 'host') return 'all';
  return ACTIONS[action]?.shared ?? null;
}

/**
 * Where a refused step leaves the person: the current state, the actions they may take now,
 * and the states anyone's next step can reach. Carried by every refused call step (problem+json).
 */
export function callStepContext(
  actor: Actor,
  call: LifecycleCall,
): { state: string | null; allowed: string[]; nextStates: string[] } {
  return {
    state: call.state,
    allowed: allowedCallActions(actor, call),
    nextStates: nextStatesFrom(call.state),
  };
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** "The call is under review. Your next steps: approve, decline. From under review it can become: approved or declined." */
export function callStepsText(actor: Actor, call: LifecycleCall): string {
  const here = stateName(call.state);
  const { allowed, nextStates } = callStepContext(actor, call);
  const yours = allowed.length
    ? `Your next steps: ${allowed.map((a) => ACTIONS[a]!.label.toLowerCase()).join(', ')}.`
    : 'You have no step to take on it now.';
  const onward = nextStates.length
    ? `From ${here} it can become: ${list(nextStates.map(stateName))}.`
    : 'No step leads on from here: the call is finished.';
  return `The call is ${here}. ${yours} ${onward}`;
}

/** A refused call step: 409 (wrong state) or 403 (wrong role or office), with the step context. */
export function refuseCallStep(
  kind: 'conflict' | 'forbidden',
  lead: string,
  actor: Actor,
  call: LifecycleCall,
  extras: Record<string, unknown> = {},
): ConflictError | ForbiddenError {
  const detail = `${lead} ${callStepsText(actor, call)}`;
  const body = { ...callStepContext(actor, call), ...extras };
  return kind === 'conflict' ? new ConflictError(detail, body) : new ForbiddenError(detail, body);
}

/**
 * May this person take this step of this call now? Returns the state the step leads to (the same
 * state for steps that keep it). Consults the lifecycle's table for the states, roles and office,
 * and the call policy for approvals and readout approvers. Throws a 409 naming the current state
 * and the allowed next steps, or a 403 naming the roles or office needed (both with state,
 * allowed and nextStates). An unknown action is a 400.
 */
export function authorizeCallAction(
  actor: Actor,
  call: LifecycleCall,
  action: string,
  policy: CallPolicy = DEFAULT_CALL_POLICY,
  facts: CallActionFacts = {},
): string {
  const r = ruleFor(action);
  const what = r.label.toLowerCase();
  if (!allowsFrom(r, call.state)) {
    throw refuseCallStep('conflict', `Cannot ${what} now.`, actor, call, { action });
  }
  if (!actor.roles.some((role) => r.roles.includes(role))) {
    throw refuseCallStep(
      'forbidden',
      `You may not ${what}: it needs one of these roles: ${r.roles.map((x) => ROLE_LABELS[x]).join(', ')}.`,
      actor,
      call,
      { action },
    );
  }
  if (!officeMay(r, call, actor)) {
    throw refuseCallStep(
      'forbidden',
      r.office === 'owner'
        ? `You may not ${what}: only the office whose leader takes the call may.`
        : r.office === 'counterpart'
          ? `You may not ${what}: it is the counterpart office's own; the host office keeps its own with the host steps.`
          : `You may not ${what}: only the office that requested the call may.`,
      actor,
      call,
      { action },
    );
  }
  if (!channelFits(r, call)) {
    throw refuseCallStep(
      'conflict',
      `Cannot ${what}: the call is on the ${stateName(call.channel ?? 'unknown')} channel, and this step is only for ${list((r.channels ?? []).map(stateName))} calls.`,
      actor,
      call,
      { action, channel: call.channel ?? null },
    );
  }
  if (action === 'approve' && facts.approvals !== undefined) {
    const need = approvalsNeeded(call.urgency ?? 'routine', policy);
    if (facts.approvals < need) {
      throw refuseCallStep(
        'conflict',
        `Cannot approve yet: a ${call.urgency} request needs approvals from ${need} different reviewers and has ${facts.approvals}.`,
        actor,
        call,
        { action, approvals: { have: facts.approvals, need } },
      );
    }
  }
  if (
    action === 'approve_readout' &&
    policy.readoutSeparateApprover &&
    facts.readoutAuthorId === actor.userId
  ) {
    throw refuseCallStep(
      'forbidden',
      'You wrote the latest readout version, and this office requires a different press officer to approve it (HOTLINE_READOUT_SEPARATE_APPROVER). Ask a colleague in press to approve it.',
      actor,
      call,
      { action },
    );
  }
  return r.to ?? (call.state as string);
}

/**
 * Whose calendar invitation a person may download:
 * - their own when they are on the call, or when they are the secretariat (which runs the call);
 * - someone else's only as the secretariat (calls.invitations), only for a person on the call, and
 *   only for their own office's people unless theirs is the host office (which sends every
 *   invitation). The counterpart's secretariat so never receives the host principal's address.
 */
export function authorizeInvite(
  actor: Actor,
  call: { ownerOfficeId: string; participantIds: readonly string[] },
  target: { userId: string; officeId: string },
): void {
  const secretariat = can(actor, 'calls.invitations');
  const onCall = call.participantIds.includes(target.userId);
  if (target.userId === actor.userId) {
    if (onCall || secretariat) return;
    throw new ForbiddenError('You are not a participant of this call, so there is no invitation for you.');
  }
  if (!secretariat) {
    throw new ForbiddenError('Only the secretariat may download invitations for other people.', {
      permission: 'calls.invitations',
    });
  }
  if (!onCall) {
    throw new ForbiddenError(
      'That person is not on this call, so there is no invitation for them; add them as a listener or interpreter when you schedule it.',
    );
  }
  if (actor.officeId !== call.ownerOfficeId && target.officeId !== actor.officeId) {
    throw new ForbiddenError(
      "You may download invitations only for your own office's people on this call; the host office's secretariat sends the others.",
    );
  }
}

/** The facts of a call that decide who may join its in-app room, and when. */
export interface CallJoinFacts {
  state: string;
  channel: string | null;
  principal_id: string | null;
  counterpart_principal_id: string | null;
  interpreter_ids: readonly string[];
  listener_ids: readonly string[];
  scheduled_start: Date | string | null;
}

const LIVE_STATES = ['scheduled', 'briefed', 'in_progress'];

/**
 * Who may join a call's room: its scheduled principals, interpreters and listeners, on a
 * `hotline` call, from the join window before the start until the call is completed.
 */
export function authorizeCallJoin(
  call: CallJoinFacts,
  userId: string,
  now: Date,
  policy: CallPolicy,
  /** The person's IANA zone: the refusal names the opening in their local time. */
  zone = 'UTC',
): { role: 'principal' | 'interpreter' | 'listener'; canSend: boolean } {
  if (call.channel !== 'hotline')
    throw new ForbiddenError('This call does not use the in-app Hotline channel.');
  const role = [call.principal_id, call.counterpart_principal_id].includes(userId)
    ? 'principal'
    : call.interpreter_ids.includes(userId)
      ? 'interpreter'
      : call.listener_ids.includes(userId)
        ? 'listener'
        : null;
  if (!role)
    throw new ForbiddenError(
      'You are not a participant of this call: only its principals, interpreters and listeners may join.',
    );
  if (!LIVE_STATES.includes(call.state)) {
    throw new GoneError(
      `The call is ${call.state.replace(/_/g, ' ')}; it can no longer be joined.`,
      'call_ended',
    );
  }
  const opens = new Date(new Date(call.scheduled_start!).getTime() - policy.joinWindowMinutes * MINUTE);
  if (now < opens) {
    throw new ForbiddenError(
      `Joining opens at ${formatForZone(opens, zone)}, in ${durationInWords(opens.getTime() - now.getTime())} (${policy.joinWindowMinutes} minutes before the start).`,
    );
  }
  return { role, canSend: role !== 'listener' };
}

// ------------------------------------------------------------------ messaging

/** The roles of another office one may message (its directory: principals, staff, secretariat, liaisons). */
export const MESSAGING_CROSS_OFFICE_ROLES: readonly Role[] = ['principal', 'staff', 'secretariat', 'liaison'];

/**
 * May this person message that one (issue 16)? Anyone of their own office; of another office,
 * the people in its directory. Nobody messages themselves.
 */
export function mayMessage(actor: Actor, target: { id: string; officeId: string; roles: readonly string[] }) {
  if (target.id === actor.userId) return false;
  if (target.officeId === actor.officeId) return true;
  return target.roles.some((r) => (MESSAGING_CROSS_OFFICE_ROLES as readonly string[]).includes(r));
}
