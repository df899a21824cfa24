import { ROLES } from '@hotline/contract';

/** The roles and their labels are the contract's (packages/contract/src/roles.ts); authorization is decided in policy.ts. */
export { ROLE_LABELS, ROLES, type Role } from '@hotline/contract';

export function isRole(s: string): s is (typeof ROLES)[number] {
  return (ROLES as readonly string[]).includes(s);
}
