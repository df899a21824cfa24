import type { Office, Passkey, RoleGrant, User } from '@hotline/contract';
import type { Selectable } from 'kysely';
import type { PasskeysTable } from '../db/tables/passkeys.js';
import { isRole } from '../policy/roles.js';
import type { OfficeRow, RoleGrantRow, UserRow } from './repository.js';

export function toOffice(r: OfficeRow): Office {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    country: r.country,
    leaderTitle: r.leader_title,
    leaderName: r.leader_name,
    timeZone: r.time_zone,
    createdBy: r.created_by,
    vouchedBy: r.vouched_by,
    vouchedAt: r.vouched_at ? new Date(r.vouched_at).toISOString() : null,
    retiredAt: r.retired_at ? new Date(r.retired_at).toISOString() : null,
    replacedBy: r.replaced_by,
  };
}

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    officeId: r.office_id,
    email: r.email,
    displayName: r.display_name,
    title: r.title,
    timeZone: r.time_zone,
    roles: r.roles.filter(isRole),
    status: r.status,
  };
}

export function toPasskey(r: Selectable<PasskeysTable>): Passkey {
  return {
    id: r.id,
    name: r.name,
    deviceType: r.device_type,
    backedUp: r.backed_up,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  };
}

const isoOrNull = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toRoleGrant(r: RoleGrantRow, names: Map<string, string>): RoleGrant {
  if (!isRole(r.role)) throw new Error(`unknown role ${r.role} in grant ${r.id}`);
  return {
    id: r.id,
    userId: r.user_id,
    userName: names.get(r.user_id) ?? '',
    role: r.role,
    grantedBy: r.granted_by,
    grantedByName: r.granted_by ? (names.get(r.granted_by) ?? null) : null,
    grantedAt: new Date(r.granted_at).toISOString(),
    confirmedBy: r.confirmed_by,
    confirmedAt: isoOrNull(r.confirmed_at),
    revokedAt: isoOrNull(r.revoked_at),
  };
}
