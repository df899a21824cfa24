import { existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseSignerKey, type Signer, verifierKeyString } from '@hotline/ledger';
import { ArchiveCipher, type ArchiveKeyring } from './archive-key.js';
import { X25519ArchiveKey, x25519KeyId, x25519PublicOf } from './archive-key-x25519.js';
import {
  archivePublicKeyFile,
  createArchiveKeyFile,
  createLogKeyFile,
  loadArchiveCipher,
  loadArchiveKeyFile,
  readArchiveKeyFile,
  readArchivePublicFile,
  readKeyFile,
  readLogSignerKey,
  writeKeyFile,
} from './keys.js';
import { sha256Hex } from './records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

// ---- archive key ------------------------------------------------------------------------------

/** Retired archive keys sit next to the archive key as `<archive key file>.retired-<key id>`. */
export function retiredArchiveKeyFiles(archiveKeyFile: string): string[] {
  const dir = dirname(archiveKeyFile);
  if (!existsSync(dir)) return [];
  const prefix = `${basename(archiveKeyFile)}.retired-`;
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix))
    .sort()
    .map((f) => join(dir, f));
}

/** During `hotline keys split`, the new X25519 private key waits here until it exists only as shares. */
export function pendingArchiveKeyFile(archiveKeyFile: string): string {
  return `${archiveKeyFile}.x25519-pending`;
}

/**
 * The archive key with every retired key loaded for reading. With `archive.pub` (a split, or
 * one under way) new content is sealed to that public key; the private key is loaded only if
 * it is still on disk (a split not finished), and a symmetric `archive.key` left by an
 * unfinished split is kept for reading only.
 */
export function loadArchiveKeyring(archiveKeyFile: string): ArchiveKeyring {
  const retired = retiredArchiveKeyFiles(archiveKeyFile).map((f) => loadArchiveCipher(f));
  const pubFile = archivePublicKeyFile(archiveKeyFile);
  if (!existsSync(pubFile)) return loadArchiveKeyFile(archiveKeyFile).withRetired(retired);
  const pub = readArchivePublicFile(pubFile);
  const id = x25519KeyId(pub.publicKey);
  let privateKey: Uint8Array | null = null;
  for (const file of [archiveKeyFile, pendingArchiveKeyFile(archiveKeyFile)]) {
    if (!existsSync(file)) continue;
    const k = readArchiveKeyFile(file);
    if (k.kind === 'aes') retired.unshift(new ArchiveCipher(k.key));
    else if (x25519KeyId(x25519PublicOf(k.key)) === id) privateKey = k.key;
    else
      throw new Error(
        `${file} holds an X25519 key that is not the one ${pubFile} names; remove the wrong one`,
      );
  }
  const key = privateKey
    ? X25519ArchiveKey.fromPrivate(privateKey, pub.split)
    : X25519ArchiveKey.fromPublic(pub.publicKey, pub.split);
  return key.withRetired(retired);
}

/** Retire the current archive key (kept for reading) and create a new one. Returns both ids. */
export function rotateArchiveKeyFile(archiveKeyFile: string): {
  retiredFile: string;
  oldId: string;
  newId: string;
} {
  if (existsSync(archivePublicKeyFile(archiveKeyFile)))
    throw new Error(
      `the archive key is split among custodians (${archivePublicKeyFile(archiveKeyFile)}); rotating a split key is not built: split it again with "hotline keys split --shares …" to change its custodians`,
    );
  const old = loadArchiveCipher(archiveKeyFile);
  const retiredFile = `${archiveKeyFile}.retired-${old.keyId}`;
  const next = `${archiveKeyFile}.next`;
  rmSync(next, { force: true });
  createArchiveKeyFile(next);
  const newId = loadArchiveCipher(next).keyId;
  renameSync(archiveKeyFile, retiredFile);
  renameSync(next, archiveKeyFile);
  return { retiredFile, oldId: old.keyId, newId };
}

/** Rows of sealed content not yet under the current archive key. */
export async function countStaleSealed(db: Db, cipher: ArchiveKeyring): Promise<number> {
  return repo.countSealedNotUnder(db, cipher.keyId);
}

/**
 * Re-seal every content row under the current archive key, in batches (each its own
 * transaction, so an interrupted run resumes where it stopped). Each row's plaintext is checked
 * against its digest before it is rewritten. Returns the number of rows re-sealed.
 */
export async function resealArchive(
  db: Db,
  cipher: ArchiveKeyring,
  onProgress?: (done: number, total: number) => void,
  batch = 200,
): Promise<number> {
  const total = await countStaleSealed(db, cipher);
  let done = 0;
  onProgress?.(0, total);
  for (;;) {
    const rows = await repo.sealedNotUnder(db, cipher.keyId, batch);
    if (rows.length === 0) break;
    const plains: Uint8Array[] = [];
    for (const row of rows) {
      const plain = await cipher.openSealed(new Uint8Array(row.bytes), row.key_id);
      if (sha256Hex(plain) !== row.digest)
        throw new Error(`content ${row.digest} does not match its digest; not re-sealing it`);
      plains.push(plain);
    }
    const sealed = await cipher.sealBatch(plains);
    await repo.transaction(db, async (tx) => {
      for (const [i, row] of rows.entries())
        await repo.resealContent(tx, row.digest, sealed[i]!, cipher.keyId);
    });
    done += rows.length;
    onProgress?.(Math.min(done, total), Math.max(total, done));
  }
  return done;
}

// ---- log signing key --------------------------------------------------------------------------

/** During a rotation the previous log key sits next to the log key, with the transition's end. */
export function previousLogKeyFile(logKeyFile: string): string {
  return `${logKeyFile}.previous`;
}

export interface LogTransition {
  signer: Signer;
  verifierKey: string;
  until: Date;
}

/** The previous log key and the end of its transition, or undefined when there is none. */
export function readLogTransition(logKeyFile: string): LogTransition | undefined {
  const file = previousLogKeyFile(logKeyFile);
  if (!existsSync(file)) return undefined;
  const [key, untilLine] = readKeyFile(file, 'HOTLINE_LOG_KEY_FILE').split('\n');
  const until = new Date((untilLine ?? '').replace(/^until\s+/, ''));
  if (!key?.startsWith('PRIVATE+KEY+') || Number.isNaN(until.getTime()))
    throw new Error(`${file} is not a previous log key ("PRIVATE+KEY+…" then "until <ISO date>")`);
  const signer = parseSignerKey(key);
  return { signer, verifierKey: verifierKeyString(signer.name, signer.publicKey), until };
}

/** Checkpoint co-signers at `at`: the previous key while its transition lasts. */
export function transitionCosigners(t: LogTransition | undefined): (at: Date) => Signer[] {
  return (at) => (t && at < t.until ? [t.signer] : []);
}

/**
 * Replace the log signing key: the old key moves to `<log key>.previous` with the end of the
 * transition (until then checkpoints carry both signatures), a new key takes its place.
 */
export function rotateLogKeyFile(
  logKeyFile: string,
  name: string,
  until: Date,
): { previousVerifierKey: string; verifierKey: string } {
  const oldRaw = readLogSignerKey(logKeyFile);
  const old = parseSignerKey(oldRaw);
  const prev = previousLogKeyFile(logKeyFile);
  rmSync(prev, { force: true });
  writeKeyFile(prev, `${oldRaw}\nuntil ${until.toISOString()}\n`);
  const next = `${logKeyFile}.next`;
  rmSync(next, { force: true });
  const s = parseSignerKey(createLogKeyFile(next, name));
  renameSync(next, logKeyFile);
  return {
    previousVerifierKey: verifierKeyString(old.name, old.publicKey),
    verifierKey: verifierKeyString(s.name, s.publicKey),
  };
}
