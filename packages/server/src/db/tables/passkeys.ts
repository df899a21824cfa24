import type { Generated } from 'kysely';

export const passkeysTableName = 'passkeys';

export interface PasskeysTable {
  /** base64url credential id */
  id: string;
  user_id: string;
  public_key: Uint8Array;
  counter: string;
  transports: string[];
  device_type: string;
  backed_up: boolean;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  /** WebAuthn BE flag: the credential may be synced to other devices (a "synced passkey"). */
  backup_eligible: Generated<boolean>;
  /** The UV flag at registration; null for passkeys registered before it was kept. */
  user_verified: boolean | null;
  /** The authenticator model's AAGUID (all zeros when the browser hid it). */
  aaguid: string | null;
  /** The attestation statement's format ('none', 'packed', 'apple', 'tpm', ...). */
  attestation_fmt: string | null;
  /** The attestation statement carried a certificate chain and its signature verified. */
  attestation_verified: Generated<boolean>;
  revoked_at: Date | null;
  revoked_by: string | null;
}
