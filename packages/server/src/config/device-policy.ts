import { ConfigError } from '@hotline/common';
import { ROLES, type Role } from '@hotline/contract';

/**
 * Which passkeys may sign in (and be registered), per role (issue "Trust between offices",
 * point 5). User verification is required for every role; the roles listed here also need a
 * device-bound credential: the WebAuthn backup-eligible flag (BE) clear, so a passkey synced
 * through a personal cloud account is refused. For these roles Hotline asks for attestation
 * ('direct') and records it when the authenticator gives one; it does not require it.
 */
export interface DevicePolicy {
  deviceBoundRoles: readonly Role[];
}

export const DEFAULT_DEVICE_BOUND_ROLES: readonly Role[] = ['principal', 'admin'];

/**
 * HOTLINE_DEVICE_BOUND_ROLES: comma-separated role names (default "principal,admin"); "none"
 * (or an empty value) means no role needs a device-bound passkey.
 */
export function parseDeviceBoundRoles(raw: string | undefined): Role[] {
  if (raw === undefined) return [...DEFAULT_DEVICE_BOUND_ROLES];
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'none') return [];
  const out: Role[] = [];
  for (const entry of trimmed.split(',').map((s) => s.trim().toLowerCase())) {
    if (!(ROLES as readonly string[]).includes(entry)) {
      throw new ConfigError(
        'HOTLINE_DEVICE_BOUND_ROLES',
        `"${entry}" is not a role; list roles from ${ROLES.join(', ')}, comma-separated (e.g. "principal,admin"), or "none".`,
      );
    }
    if (!out.includes(entry as Role)) out.push(entry as Role);
  }
  return out;
}
