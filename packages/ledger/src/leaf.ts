import { equalBytes, type HashFn, nobleHash } from './hash.js';

/**
 * Hotline's v2 log entry: a salted commitment to a record's envelope, so the public log shows
 * how many entries there are and their order, and nothing else.
 *
 *   entry = "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope)
 *
 * where salt is 32 random bytes kept with the record (never published, except by a page that
 * discloses one record on purpose) and envelope is the record's canonical JSON. Every entry is
 * the same 47 bytes. The tree over these entries is plain RFC 6962 (leaf hash
 * SHA-256(0x00 ‖ entry)), so tile-only verifiers accept it unchanged.
 */
export const LEAF_V2_PREFIX = new TextEncoder().encode('hotline-leaf/v2');
export const LEAF_SALT_SIZE = 32;
export const LEAF_V2_SIZE = LEAF_V2_PREFIX.length + 32;

/** The v2 entry committing to `envelope` under `salt`. */
export function leafCommitment(
  salt: Uint8Array,
  envelope: Uint8Array,
  sha256: HashFn = nobleHash,
): Uint8Array {
  if (salt.length !== LEAF_SALT_SIZE)
    throw new Error(`a leaf salt is ${LEAF_SALT_SIZE} bytes, got ${salt.length}`);
  const out = new Uint8Array(LEAF_V2_SIZE);
  out.set(LEAF_V2_PREFIX, 0);
  out.set(sha256(salt, envelope), LEAF_V2_PREFIX.length);
  return out;
}

/** Whether `entry` has the shape of a v2 commitment (prefix and length). */
export function isLeafCommitment(entry: Uint8Array): boolean {
  return (
    entry.length === LEAF_V2_SIZE && equalBytes(entry.subarray(0, LEAF_V2_PREFIX.length), LEAF_V2_PREFIX)
  );
}

/** Whether `entry` is the commitment to `envelope` under `salt` (the opening is right). */
export function opensLeaf(
  entry: Uint8Array,
  salt: Uint8Array,
  envelope: Uint8Array,
  sha256: HashFn = nobleHash,
): boolean {
  return (
    salt.length === LEAF_SALT_SIZE &&
    isLeafCommitment(entry) &&
    equalBytes(entry, leafCommitment(salt, envelope, sha256))
  );
}
