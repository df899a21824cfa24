import { existsSync, rmSync } from 'node:fs';
import { ArchiveCipher } from './archive-key.js';
import {
  generateX25519,
  type SplitInfo,
  X25519ArchiveKey,
  x25519KeyId,
  x25519PublicOf,
} from './archive-key-x25519.js';
import { pendingArchiveKeyFile, retiredArchiveKeyFiles } from './key-rotation.js';
import {
  archivePublicKeyFile,
  readArchiveKeyFile,
  readArchivePublicFile,
  writeArchivePublicFile,
  writeX25519KeyFile,
} from './keys.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/**
 * Taking the archive key off the server (`hotline keys split`), in steps a re-run completes:
 *
 * 1. `beginSplit`: the X25519 pair to split: `archive.key` if it already holds one, else a
 *    pending key (`archive.key.x25519-pending`, made once and reused by a re-run), with the
 *    symmetric key(s) kept for reading what they sealed;
 * 2. the caller re-seals every content row to it (`resealArchive`, resumable: batch by batch);
 * 3. the caller splits the private key into shares, writes them and records the split;
 * 4. `finishSplit`: writes `archive.pub` (the commit point: from then on new content is sealed
 *    to the public key), then removes `archive.key`, the retired keys and the pending key,
 *    only once no content row (nor staged import content) is sealed under anything else.
 */
export type SplitState =
  /** No split yet, or one interrupted before `archive.pub` was written: begin (again). */
  | { state: 'unsplit' }
  /** `archive.pub` is written (shares exist) but key files remain: only finishSplit is left. */
  | { state: 'finishing'; split: SplitInfo | null; keyId: string }
  /** Only `archive.pub` is left: the private key exists only as shares. */
  | { state: 'split'; split: SplitInfo | null; keyId: string };

/** Key files that hold a private or symmetric archive key (what a finished split removes). */
export function privateArchiveKeyFiles(archiveKeyFile: string): string[] {
  // the pending private key last: while any other remains, a re-run still finds the pair
  return [
    archiveKeyFile,
    ...retiredArchiveKeyFiles(archiveKeyFile),
    pendingArchiveKeyFile(archiveKeyFile),
  ].filter((f) => existsSync(f));
}

export function splitState(archiveKeyFile: string): SplitState {
  const pubFile = archivePublicKeyFile(archiveKeyFile);
  if (!existsSync(pubFile)) return { state: 'unsplit' };
  const pub = readArchivePublicFile(pubFile);
  const keyId = x25519KeyId(pub.publicKey);
  if (!pub.split) return { state: 'unsplit' };
  return privateArchiveKeyFiles(archiveKeyFile).length
    ? { state: 'finishing', split: pub.split, keyId }
    : { state: 'split', split: pub.split, keyId };
}

/**
 * Step 1: the X25519 pair to split (with its private key), reading the symmetric keys as
 * retired ones. Makes the pending key on the first run only.
 */
export function beginSplit(archiveKeyFile: string): X25519ArchiveKey {
  const pending = pendingArchiveKeyFile(archiveKeyFile);
  const retired: ArchiveCipher[] = [];
  let privateKey: Uint8Array | null = null;
  if (existsSync(archiveKeyFile)) {
    const k = readArchiveKeyFile(archiveKeyFile);
    if (k.kind === 'aes') retired.push(new ArchiveCipher(k.key));
    else privateKey = k.key;
  }
  for (const f of retiredArchiveKeyFiles(archiveKeyFile)) {
    const k = readArchiveKeyFile(f);
    if (k.kind === 'aes') retired.push(new ArchiveCipher(k.key));
    else k.key.fill(0);
  }
  if (!privateKey) {
    if (!existsSync(pending)) {
      if (!retired.length)
        throw new Error(
          `there is no archive key to split at ${archiveKeyFile} (create the keys with "hotline keys init")`,
        );
      const pair = generateX25519();
      writeX25519KeyFile(pending, pair.privateKey);
      pair.privateKey.fill(0);
    }
    const k = readArchiveKeyFile(pending);
    if (k.kind !== 'x25519')
      throw new Error(`${pending} does not hold an X25519 private key; remove it and run again`);
    privateKey = k.key;
  }
  const pubFile = archivePublicKeyFile(archiveKeyFile);
  if (existsSync(pubFile)) {
    const pub = readArchivePublicFile(pubFile);
    if (x25519KeyId(pub.publicKey) !== x25519KeyId(x25519PublicOf(privateKey)))
      throw new Error(
        `${pubFile} names another archive key than the one being split; remove ${pubFile} and run again`,
      );
  }
  return X25519ArchiveKey.fromPrivate(privateKey).withRetired(retired);
}

/**
 * Step 4: write `archive.pub` with the split, then remove every private or symmetric key file,
 * each only after checking that no stored or staged content is sealed under another key than
 * the public key's. Returns the removed files.
 */
export async function finishSplit(
  db: Db,
  archiveKeyFile: string,
  publicKey: Uint8Array,
  split: SplitInfo,
): Promise<string[]> {
  const pubFile = archivePublicKeyFile(archiveKeyFile);
  const keyId = x25519KeyId(publicKey);
  if (!existsSync(pubFile) || !readArchivePublicFile(pubFile).split)
    writeArchivePublicFile(pubFile, { publicKey, split });
  const removed: string[] = [];
  for (const f of privateArchiveKeyFiles(archiveKeyFile)) {
    const stale = await repo.countSealedNotUnder(db, keyId);
    const staged = await repo.countStagedSealedNotUnder(db, keyId);
    if (stale || staged)
      throw new Error(
        `${stale + staged} content rows${staged ? ` (${staged} of them in an import not yet finished)` : ''} are still sealed under an older archive key (a server still running with it?); ${f} is kept. Stop every Hotline server (and let imports finish), then run "hotline keys split" again: it re-seals them and completes the split.`,
      );
    rmSync(f);
    removed.push(f);
  }
  return removed;
}
