import type { Generated } from 'kysely';

/** Messaging's delivery service (migration 026): MLS groups, key packages, ciphertext, Welcomes. */

/** One leaf of a group as the server tracks it from accepted Commits (public data only). */
export interface RosterLeaf {
  leafIndex: number;
  kind: 'person' | 'records' | 'unknown';
  officeId: string | null;
  userId: string | null;
  deviceId: string | null;
  /** The leaf's signature public key, hex. */
  signatureKey: string;
}

export interface MessagingGroupsTable {
  id: string;
  created_by: string;
  created_at: Date;
  /** The group's current epoch: the next accepted Commit must be for this epoch. */
  epoch: string;
  roster: RosterLeaf[];
  record_seq: string;
  /** Messages vanish from devices this long after being sent, once archived (migration 030). */
  disappear_after_seconds: Generated<number | null>;
}

export interface MessagingKeyPackagesTable {
  ref: string;
  owner_kind: 'person' | 'records';
  office_id: string;
  user_id: string | null;
  device_id: string | null;
  data: Uint8Array;
  last_resort: boolean;
  uploaded_at: Date;
  claimed_at: Date | null;
  claimed_by: string | null;
}

export interface MessagingRecordsKeysTable {
  office_id: string;
  signature_key: Uint8Array;
  key_package_ref: string;
  /** The office's archive public key (HPKE, X25519): its records member seals each message to it. */
  archive_public_key: Uint8Array;
  published_by: string;
  published_at: Date;
  record_seq: string;
}

export interface MessagingMessagesTable {
  seq: string;
  group_id: string;
  epoch: string;
  kind: 'commit' | 'application';
  sender_user_id: string;
  data: Uint8Array;
  created_at: Date;
  record_seq: string;
}

export interface MessagingWelcomesTable {
  id: string;
  group_id: string;
  epoch: string;
  key_package_ref: string;
  recipient_user_id: string | null;
  recipient_office_id: string | null;
  data: Uint8Array;
  created_at: Date;
}

export interface MessagingArchivedTable {
  group_id: string;
  seq: string;
  office_id: string;
  record_seq: string;
  archived_at: Date;
}

/** A credential of the authentication service (migration 030): a device's signature key bound to a person. */
export interface MessagingCredentialsTable {
  id: string;
  office_id: string;
  user_id: string;
  device_id: string;
  signature_public_key: Uint8Array;
  issued_at: Date;
  /** The messaging authority's Ed25519 signature over the credential text. */
  signature: Uint8Array;
  /** How the session that asked for it was signed in: passkey, or demo (demo mode only). */
  session_method: 'passkey' | 'demo';
  revoked_at: Date | null;
  record_seq: string;
}

export interface MessagingReadStateTable {
  group_id: string;
  user_id: string;
  seq: string;
  updated_at: Date;
}

/** An encrypted file: ciphertext only; its key travels inside the MLS message that names it. */
export interface MessagingBlobsTable {
  id: string;
  group_id: string;
  uploaded_by: string;
  data: Uint8Array;
  sha256: string;
  created_at: Date;
  record_seq: string;
}

/**
 * An office's messaging archive private key under the split of the archive key (036): sealed to
 * the archive public key by `hotline keys split`; k of n custodians' shares open it.
 */
export interface MessagingArchiveKeysSealedTable {
  office_id: string;
  /** The messaging archive public key (X25519) whose private key is sealed here. */
  public_key: Uint8Array;
  /** The archive key (its fingerprint) the private key is sealed to. */
  archive_key_id: string;
  sealed: Uint8Array;
  sealed_at: Date;
  /** The `messaging.archive-key-sealed` record. */
  record_seq: string;
}
