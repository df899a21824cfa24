import type { Office, Passkey, User } from '@hotline/contract';
import { isRole } from '../policy/roles.js';
import type { OfficeRow, PasskeyRow, UserRow } from './repository.js';

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

export function toPasskey(r: PasskeyRow): Passkey {
  return {
    id: r.id,
    name: r.name,
    deviceType: r.device_type,
    backedUp: r.backed_up,
    createdAt: new Date(r.created_at).toISOString(),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at).toISOString() : null,
  };
}
