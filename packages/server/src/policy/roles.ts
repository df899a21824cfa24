/** The roles of ARCHITECTURE.md. A user has one or more; authorization is decided in policy.ts. */
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

export function isRole(s: string): s is Role {
  return (ROLES as readonly string[]).includes(s);
}
