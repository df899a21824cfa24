export const recordsTableName = 'records';

/**
 * The sequenced records log. `seq` is the dense, 0-based log index assigned under the
 * log_state row lock (see services/records). Rows are never updated or deleted.
 */
export interface RecordsTable {
  seq: string;
  id: string;
  kind: string;
  at: Date;
  office_id: string | null;
  actor_id: string | null;
  subject: string | null;
  digest: string;
  prev: string | null;
  /** Canonical JSON (RFC 8785) of the envelope, as bytes: the v1 leaf; in v2 what the leaf commits to. */
  envelope: Uint8Array;
  /** v2: the 32 random bytes the leaf commits with (null on a v1 row not yet migrated). */
  salt: Uint8Array | null;
  /** v2: the public leaf, "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope) (null on a v1 row). */
  leaf: Uint8Array | null;
}

export const logStateTableName = 'log_state';

export interface LogStateTable {
  id: number;
  /** Next index to sequence: the number of sequenced entries. */
  next_seq: string;
  /** Number of entries folded into tiles. */
  integrated_size: string;
  integrated_root: Uint8Array | null;
  /** 1: leaves are envelopes (refused until `hotline log migrate-v2`); 2: salted commitments. */
  leaf_version: number;
}

export const logTilesTableName = 'log_tiles';

/** Hash tiles (C2SP tlog-tiles). Partial tiles are replaced as they grow; full ones never change. */
export interface LogTilesTable {
  level: number;
  idx: string;
  width: number;
  hashes: Uint8Array;
}

export const checkpointsTableName = 'log_checkpoints';

export interface CheckpointsTable {
  size: string;
  root: Uint8Array;
  note: string;
  created_at: Date;
  /** The note with the witness cosignatures that made the policy's quorum (011); null until then. */
  cosigned_note: string | null;
}

/** The checkpoints of the v1 log, kept by `hotline log migrate-v2` when it rebuilt the log. */
export type V1CheckpointsTable = CheckpointsTable;

export const contentTableName = 'record_content';

/** Where encrypted content lives when the blob store is the database (tests, small deployments). */
export interface ContentTable {
  digest: string;
  bytes: Uint8Array;
  /** ArchiveCipher.keyId of the key that sealed `bytes`; null for rows from before 009. */
  key_id: string | null;
}
