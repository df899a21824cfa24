import { HotlineError } from '@hotline/common';
import { ROLE_LABELS, type Role } from '@hotline/contract';
import type { DevicePolicy } from '../config/device-policy.js';

/**
 * The device policy applied to one person's passkey (config/device-policy.ts says which roles
 * need a device-bound one). A web application sees only what the authenticator reports: the
 * backup-eligible (BE) and backed-up (BS) flags, user verification (UV), and, when asked and
 * given, an attestation naming the authenticator model (AAGUID). See README, "What a web
 * application cannot see about a device".
 */

/** The person's roles that need a device-bound passkey. */
export function deviceBoundRolesOf(roles: readonly Role[], policy: DevicePolicy): Role[] {
  return roles.filter((r) => policy.deviceBoundRoles.includes(r));
}

/** Attestation conveyance to ask for: 'direct' for roles under the device-bound rule, else 'none'. */
export function attestationFor(roles: readonly Role[], policy: DevicePolicy): 'direct' | 'none' {
  return deviceBoundRolesOf(roles, policy).length > 0 ? 'direct' : 'none';
}

/** Why this passkey may not be used by someone with these roles, or null when it may. */
export function postureRefusal(
  roles: readonly Role[],
  policy: DevicePolicy,
  passkey: { backupEligible: boolean },
): string | null {
  const bound = deviceBoundRolesOf(roles, policy);
  if (bound.length === 0 || !passkey.backupEligible) return null;
  const labels = bound.map((r) => ROLE_LABELS[r]).join(' and ');
  return `This is a synced passkey (it can be copied to other devices through a cloud account), and Hotline accepts only device-bound passkeys for the ${labels} role.`;
}

/** What to do about it, for the person signing in or registering. */
const REMEDY =
  'Use a security key (such as a YubiKey or Titan key) or a device-bound passkey: one your device keeps only on itself, which is not saved to iCloud Keychain, Google Password Manager or another password manager that syncs.';

/** The problem+json for a passkey refused by the device policy (403, passkey_not_device_bound). */
export class PasskeyPostureError extends HotlineError {
  constructor(why: string, when: 'register' | 'sign-in') {
    const next =
      when === 'register'
        ? `${REMEDY} Then register it again.`
        : `Sign in with a security key or device-bound passkey registered to you. If you have none, ask your administrator to help you register one. (${REMEDY})`;
    super(403, 'passkey_not_device_bound', 'This passkey is not allowed for your role', `${why} ${next}`, {
      backupEligible: true,
    });
  }
}
