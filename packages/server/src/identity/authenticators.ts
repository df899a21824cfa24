import names from './authenticators.json' with { type: 'json' };

/**
 * Authenticator names by AAGUID, for the Administration screen. authenticators.json is a small
 * bundled excerpt (no download at run time) of the community list at
 * https://github.com/passkeydeveloper/passkey-authenticator-aaguids (aaguid.json: passkey
 * providers) and of the FIDO Metadata Service entries it mirrors (security keys). A name is
 * only what the authenticator claims unless its attestation was verified; "Unknown
 * authenticator" for an AAGUID not in the list, and for the all-zero AAGUID that browsers send
 * when they hide the model.
 */
const NAMES: Readonly<Record<string, string>> = names;

export const UNKNOWN_AUTHENTICATOR = 'Unknown authenticator';

export function authenticatorName(aaguid: string | null | undefined): string {
  if (!aaguid) return UNKNOWN_AUTHENTICATOR;
  return NAMES[aaguid.toLowerCase()] ?? UNKNOWN_AUTHENTICATOR;
}
