import { ForbiddenError } from '@hotline/common';
import { ROLE_LABELS, type Role } from './roles.js';

/**
 * The one authorization policy. Services call `authorize()` first thing; routes never decide
 * access. Call-lifecycle transitions are decided by calls/state-machine.ts, which also lives in
 * the services layer and names roles the same way.
 */
export interface Actor {
  userId: string;
  officeId: string;
  roles: readonly Role[];
  displayName: string;
}

export const PERMISSIONS = {
  'directory.read': [
    'principal',
    'staff',
    'reviewer',
    'secretariat',
    'notetaker',
    'press',
    'records',
    'liaison',
    'admin',
  ],
  'profile.read': [
    'principal',
    'staff',
    'reviewer',
    'secretariat',
    'notetaker',
    'press',
    'records',
    'liaison',
    'admin',
  ],
  'offices.create': ['admin'],
  'users.invite': ['admin'],
  'users.setRoles': ['admin'],
  'records.read': ['records', 'admin'],
  'log.admin': ['records', 'admin'],
  'calls.read': ['principal', 'staff', 'reviewer', 'secretariat', 'notetaker', 'press', 'records', 'liaison'],
  'calls.request': ['staff', 'liaison'],
  'calls.logOffChannel': ['staff', 'secretariat'],
  'calls.dashboard': ['secretariat', 'records', 'press', 'staff'],
  'capture.import': ['records', 'admin'],
  'capture.review': ['records'],
  'capture.read': ['records'],
  'capture.registry': ['records', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

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

/** The call policy: settings from the environment (config.ts), read by the lifecycle's decisions. */
export interface CallPolicy {
  /** Approvals from different reviewers that a flash request needs (routine and priority need 1). */
  flashRequiresReviewers: number;
  /** Days from the end of a call until its memcon is due. */
  memconDeadlineDays: number;
  /** Days from the final memcon until the readout (or its waiver) is due. */
  readoutDeadlineDays: number;
  /** Minutes before the start that the in-app call room opens. */
  joinWindowMinutes: number;
  /** A readout version must be approved by someone other than its author. */
  readoutSeparateApprover: boolean;
}

export const DEFAULT_CALL_POLICY: Readonly<CallPolicy> = Object.freeze({
  flashRequiresReviewers: 2,
  memconDeadlineDays: 5,
  readoutDeadlineDays: 7,
  joinWindowMinutes: 15,
  // Off by default: each demo office has a single press secretary.
  readoutSeparateApprover: false,
});

/** Approvals from different reviewers a request of this urgency needs before it is approved. */
export function approvalsNeeded(urgency: string, policy: CallPolicy): number {
  return urgency === 'flash' ? policy.flashRequiresReviewers : 1;
}
