/**
 * The roles of ARCHITECTURE.md, their labels, and the permissions each role holds: the one
 * list, shared by the server (policy/policy.ts decides access from it) and the staff app (which
 * shows the labels and picks its navigation by permission). No zod here, so the staff app can
 * import it (@hotline/contract/roles) without bundling the schemas.
 */
export const ROLES = [
  'principal',
  'staff',
  'reviewer',
  'secretariat',
  'notetaker',
  'press',
  'records',
  'liaison',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles whose grant needs a second administrator's confirmation (HOTLINE_ROLE_GRANT_CONFIRMATION):
 * they speak for the leader, hand out power, or count towards a call's approval.
 */
export const CONFIRMED_ROLES: readonly Role[] = ['principal', 'admin', 'reviewer'];

export const ROLE_LABELS: Record<Role, string> = {
  principal: 'Principal',
  staff: 'Staff',
  reviewer: 'Reviewer',
  secretariat: 'Secretariat',
  notetaker: 'Note-taker',
  press: 'Press',
  records: 'Records officer',
  liaison: 'Liaison',
  admin: 'Administrator',
};

const EVERY_ROLE = ROLES;

const PERMISSION_TABLE = {
  'directory.read': EVERY_ROLE,
  'profile.read': EVERY_ROLE,
  'users.invite': ['admin'],
  /** See and end an office member's sessions. */
  'users.sessions': ['admin'],
  /** Deactivate an office member: their sessions end and sign-in is refused. */
  'users.deactivate': ['admin'],
  /** See an office member's passkeys (with their device flags) and revoke one. */
  'users.passkeys': ['admin'],
  /** Grant and take away roles in the office; confirm another administrator's grant (never one's own). */
  'users.setRoles': ['admin'],
  'records.read': ['records', 'admin'],
  'log.admin': ['records', 'admin'],
  'calls.read': ['principal', 'staff', 'reviewer', 'secretariat', 'notetaker', 'press', 'records', 'liaison'],
  'calls.request': ['staff', 'liaison'],
  'calls.logOffChannel': ['staff', 'secretariat'],
  'calls.dashboard': ['secretariat', 'records', 'press', 'staff'],
  /** Download anyone's calendar invitation (others download their own when on the call). */
  'calls.invitations': ['secretariat'],
  'capture.import': ['records', 'admin'],
  'capture.review': ['records'],
  'capture.read': ['records'],
  'capture.registry': ['records', 'admin'],
  /** Search the office's archive, open its records and list who accessed them. */
  'archive.search': ['records'],
  /** Place and release legal holds; dispose of personal captured items no hold covers. */
  'archive.hold': ['records'],
  /** File access requests (44 U.S.C. 2205, FOIA), record the 2208 notices and work the review queue. */
  'archive.requests': ['records'],
  /** The foreign contacts directory: add, edit and retire a foreign leader's numbers, handles, emails. */
  'capture.contacts': ['records', 'secretariat'],
} as const satisfies Record<string, readonly Role[]>;

/** A permission's name, e.g. 'calls.request'. GET /api/v1/me lists the person's permissions by name. */
export type Permission = keyof typeof PERMISSION_TABLE;

/** Which roles hold each permission; policy/policy.ts grants it to a person holding any of them. */
export const PERMISSIONS: Readonly<Record<Permission, readonly Role[]>> = PERMISSION_TABLE;
