import type { Office, Passkey, Role, RoleGrant, User } from '@hotline/contract';
import type { DevicePolicy } from '../config/device-policy.js';
import { isRole } from '../policy/roles.js';
import { authenticatorName } from './authenticators.js';
import { postureRefusal } from './device-posture.js';
import type { OfficeRow, PasskeyRow, RoleGrantRow, UserRow } from './repository.js';

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
    interpreter: r.interpreter,
  };
}

/** A passkey as its holder or their administrator sees it, judged by the device policy for `roles`. */
export function toPasskey(r: PasskeyRow, roles: readonly Role[], policy: DevicePolicy): Passkey {
  const refusal = postureRefusal(roles, policy, { backupEligible: r.backup_eligible });
  return {
    id: r.id,
    name: r.name,
    deviceType: r.device_type,
    backupEligible: r.backup_eligible,
    backedUp: r.backed_up,
    userVerified: r.user_verified,
    aaguid: r.aaguid,
    authenticator: authenticatorName(r.aaguid),
    attestation: r.attestation_fmt ? { fmt: r.attestation_fmt, verified: r.attestation_verified } : null,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
    allowed: refusal === null,
    refusal,
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
