import { createHash } from 'node:crypto';
import { type AuditProgress, type Checkpoint, LogClient, VerificationError } from '@hotline/ledger';
import type { ArchiveKeyring } from '../records/archive-key.js';
import { inParallel, PARALLEL, readManifest } from './replicate.js';
import type { ReplicaStore } from './store.js';

export interface ReplicaVerifyResult {
  where: string;
  checkpoint: Checkpoint;
  /** Older checkpoints in the replica, each signed and consistent with the latest. */
  checkpoints: number;
  /** Sealed content objects per archive key id. */
  sealed: Record<string, number>;
  /** Sealed objects opened with the given key and checked against their digest. */
  opened: number;
  /** True when the verifier key came from the replica itself (not pinned by the caller). */
  keyFromReplica: boolean;
}

/**
 * Check a replica alone, with no database: its checkpoint's signature, every entry bundle and
 * tile against the checkpoint's root (as an outside auditor does over HTTP), that every older
 * checkpoint it keeps is signed and consistent with the latest, and, given the archive key
 * (rebuilt from custodians' shares), that every sealed object under that key decrypts to content
 * whose SHA-256 is its name. Throws VerificationError naming the path at fault.
 */
export async function verifyReplica(
  store: ReplicaStore,
  opts: {
    verifierKey?: string;
    origin?: string;
    cipher?: ArchiveKeyring;
    onProgress?: (p: AuditProgress) => void;
  } = {},
): Promise<ReplicaVerifyResult> {
  const manifest = await readManifest(store);
  if (!manifest && (!opts.verifierKey || !opts.origin))
    throw new VerificationError(
      `${store.where} has no replica.json; give the verifier key and origin to check its tiles`,
      'replica.json',
    );
  const key = opts.verifierKey ?? manifest!.verifierKey;
  const origin = opts.origin ?? manifest!.origin;
  const client = new LogClient({ get: (path) => store.get(path) }, key, origin);
  const { checkpoint } = await client.checkpoint();
  await client.audit(checkpoint, { onProgress: opts.onProgress });

  let checkpoints = 0;
  const dec = new TextDecoder();
  for (const path of await store.list('checkpoints/')) {
    const size = Number(path.slice('checkpoints/'.length));
    const note = await store.get(path);
    if (!note) throw new VerificationError(`${path} vanished while checking`, path);
    let older: Checkpoint;
    try {
      older = client.openCheckpoint(dec.decode(note));
    } catch (err) {
      throw new VerificationError(`${path}: ${(err as Error).message}`, path);
    }
    if (older.size !== size)
      throw new VerificationError(`${path} holds a checkpoint of size ${older.size}`, path);
    if (older.size > checkpoint.size)
      throw new VerificationError(
        `${path} is larger than the replica's checkpoint (${checkpoint.size})`,
        path,
      );
    try {
      await client.proveConsistency(older, checkpoint);
    } catch (err) {
      throw new VerificationError(
        `${path} is not consistent with the latest checkpoint: ${(err as Error).message}`,
        path,
      );
    }
    checkpoints++;
  }

  const sealed: Record<string, number> = {};
  let opened = 0;
  const cipher = opts.cipher;
  const toOpen: [string, string][] = [];
  for (const path of await store.list('sealed/')) {
    const m = /^sealed\/([0-9a-z]+)\/([0-9a-f]{64})$/.exec(path);
    if (!m) throw new VerificationError(`${path} is not sealed/<key id>/<sha-256>`, path);
    sealed[m[1]!] = (sealed[m[1]!] ?? 0) + 1;
    if (cipher && m[1] === cipher.keyId) toOpen.push([path, m[2]!]);
  }
  await inParallel(toOpen, PARALLEL, async ([path, name]) => {
    const bytes = await store.get(path);
    if (!bytes) throw new VerificationError(`${path} vanished while checking`, path);
    let plain: Uint8Array;
    try {
      plain = await cipher!.openSealed(bytes, cipher!.keyId);
    } catch {
      throw new VerificationError(
        `${path} does not decrypt with archive key ${cipher!.keyId} (altered)`,
        path,
      );
    }
    const digest = createHash('sha256').update(plain).digest('hex');
    if (digest !== name)
      throw new VerificationError(
        `${path} decrypts to content whose SHA-256 is ${digest.slice(0, 16)}…`,
        path,
      );
    opened++;
  });
  if (opts.cipher && opened === 0)
    throw new VerificationError(
      `the replica holds no content sealed under archive key ${opts.cipher.keyId} (it has: ${Object.keys(sealed).join(', ') || 'none'})`,
      'sealed/',
    );
  return {
    where: store.where,
    checkpoint,
    checkpoints,
    sealed,
    opened,
    keyFromReplica: !opts.verifierKey,
  };
}
