import { createHash, randomBytes } from 'node:crypto';
import { HotlineError } from '@hotline/common';
import { combine, split } from 'shamir-secret-sharing';
import { ArchiveCipher } from './archive-key.js';
import { x25519KeyId, x25519PublicOf } from './archive-key-x25519.js';

/**
 * The archive key split among custodians with Shamir's secret sharing (the audited
 * `shamir-secret-sharing` library): any `threshold` of the `of` shares rebuild the key, fewer
 * reveal nothing about it. Each share is a small text file a custodian keeps.
 */
export const SHARE_FORMAT = 'hotline-archive-key-share/1';
/** Shares of the archive's X25519 private key (the split that takes the key off the server). */
export const SHARE_FORMAT_X25519 = 'hotline-archive-key-share/2';

/** What the shares rebuild: the symmetric archive key, or the X25519 private key. */
export type ShareKind = 'aes' | 'x25519';

/** The archive key id of a key of `kind` (for X25519, its public key's fingerprint). */
export function keyIdOf(kind: ShareKind, key: Uint8Array): string {
  return kind === 'aes' ? new ArchiveCipher(new Uint8Array(key)).keyId : x25519KeyId(x25519PublicOf(key));
}

export interface KeyShare {
  custodian: string;
  /** 1-based number of this share among the `of` shares of its split. */
  index: number;
  of: number;
  threshold: number;
  /** What the shares rebuild (share format /1: the symmetric key; /2: the X25519 private key). */
  kind: ShareKind;
  /** The archive key id of the key the shares rebuild (a fingerprint; it reveals nothing). */
  keyId: string;
  /** Names one split; shares of different splits never combine. */
  splitId: string;
  created: string;
  data: Uint8Array;
  /** Where the share came from (file name), for messages. */
  source: string;
}

/** The error a custodian's share earns: which share, what is wrong, what to do. */
export class KeyShareError extends HotlineError {
  constructor(detail: string) {
    super(400, 'key_shares_refused', "The custodians' shares were refused", detail);
  }
}

function check(splitId: string, index: number, data: Uint8Array): string {
  return createHash('sha256')
    .update(`${SHARE_FORMAT}\n${splitId}\n${index}\n`)
    .update(data)
    .digest('hex')
    .slice(0, 16);
}

function oneLine(name: string): string {
  const n = name.trim();
  if (!n || /[\r\n]/.test(n) || n.length > 200)
    throw new KeyShareError(`custodian name "${name}" must be one line of 1–200 characters`);
  return n;
}

/** The custodians' names (trimmed) if a split among them with this threshold can be made. */
export function checkSplitInput(custodians: string[], threshold: number): string[] {
  const names = custodians.map(oneLine);
  const n = names.length;
  if (!Number.isInteger(threshold) || threshold < 2 || threshold > n || n > 255)
    throw new KeyShareError(
      `need 2 ≤ threshold ≤ custodians ≤ 255; got threshold ${threshold} of ${n} custodians`,
    );
  if (new Set(names.map((x) => x.toLowerCase())).size !== n)
    throw new KeyShareError('two custodians have the same name; give each custodian a distinct name');
  return names;
}

/** Split `key` (32 bytes) into one share per custodian, any `threshold` of which rebuild it. */
export async function splitArchiveKey(
  key: Uint8Array,
  custodians: string[],
  threshold: number,
  now: Date = new Date(),
  kind: ShareKind = 'aes',
): Promise<KeyShare[]> {
  const names = checkSplitInput(custodians, threshold);
  const n = names.length;
  const keyId = keyIdOf(kind, key);
  const splitId = randomBytes(8).toString('hex');
  const parts = await split(key, n, threshold);
  return parts.map((data, i) => ({
    custodian: names[i]!,
    kind,
    index: i + 1,
    of: n,
    threshold,
    keyId,
    splitId,
    created: now.toISOString(),
    data,
    source: `share ${i + 1}`,
  }));
}

/** The text of a share file. */
export function formatShare(s: KeyShare): string {
  return (
    [
      'Hotline archive key share. Keep it offline and private; see the README, "Custodians of the archive key".',
      `format: ${s.kind === 'x25519' ? SHARE_FORMAT_X25519 : SHARE_FORMAT}`,
      `custodian: ${s.custodian}`,
      `share: ${s.index} of ${s.of}`,
      `threshold: ${s.threshold}`,
      `key: ${s.keyId}`,
      `split: ${s.splitId}`,
      `created: ${s.created}`,
      `data: ${Buffer.from(s.data).toString('base64')}`,
      `check: ${check(s.splitId, s.index, s.data)}`,
    ].join('\n') + '\n'
  );
}

/** Parse a share file; a damaged or mistyped one is refused naming the file and the line. */
export function parseShare(text: string, source: string): KeyShare {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/).slice(1)) {
    const m = /^([a-z]+): (.*)$/.exec(line);
    if (m) fields.set(m[1]!, m[2]!.trim());
  }
  const need = (k: string) => {
    const v = fields.get(k);
    if (v === undefined)
      throw new KeyShareError(`${source}: not a Hotline archive key share (no "${k}:" line)`);
    return v;
  };
  const format = need('format');
  if (format !== SHARE_FORMAT && format !== SHARE_FORMAT_X25519)
    throw new KeyShareError(
      `${source}: share format "${format}" is not ${SHARE_FORMAT_X25519} (nor the older ${SHARE_FORMAT})`,
    );
  const idx = /^(\d{1,3}) of (\d{1,3})$/.exec(need('share'));
  const threshold = Number(need('threshold'));
  if (!idx || !Number.isInteger(threshold))
    throw new KeyShareError(`${source}: the "share:" or "threshold:" line is damaged`);
  const keyId = need('key');
  const splitId = need('split');
  if (!/^[0-9a-f]{16}$/.test(keyId) || !/^[0-9a-f]{16}$/.test(splitId))
    throw new KeyShareError(`${source}: the "key:" or "split:" line is damaged`);
  const b64 = need('data');
  const data = new Uint8Array(Buffer.from(b64, 'base64'));
  if (data.length !== 33 || Buffer.from(data).toString('base64') !== b64)
    throw new KeyShareError(`${source}: the "data:" line is damaged (not 33 bytes of base64)`);
  const index = Number(idx[1]);
  if (check(splitId, index, data) !== need('check'))
    throw new KeyShareError(
      `${source}: the share does not match its "check:" line; it was altered or mistyped. Ask its custodian for the original.`,
    );
  return {
    custodian: oneLine(need('custodian')),
    kind: format === SHARE_FORMAT_X25519 ? 'x25519' : 'aes',
    index,
    of: Number(idx[2]),
    threshold,
    keyId,
    splitId,
    created: need('created'),
    data,
    source,
  };
}

async function rebuild(shares: KeyShare[]): Promise<Uint8Array | null> {
  try {
    const key = await combine(shares.map((s) => s.data));
    if (key.length === 32 && keyIdOf(shares[0]!.kind, key) === shares[0]!.keyId) return key;
    key.fill(0);
    return null;
  } catch {
    return null;
  }
}

function* subsets<T>(items: T[], k: number, from = 0, picked: T[] = []): Generator<T[]> {
  if (picked.length === k) {
    yield picked;
    return;
  }
  for (let i = from; i <= items.length - (k - picked.length); i++)
    yield* subsets(items, k, i + 1, [...picked, items[i]!]);
}

/**
 * Rebuild the archive key from custodians' shares. Refuses, before any arithmetic, shares of
 * different splits, a share given twice and fewer shares than the threshold; after it, a key
 * whose fingerprint is not the one the shares name (a share was altered). The caller zeroes the key.
 */
export async function combineShares(shares: KeyShare[]): Promise<Uint8Array> {
  assertShareSet(shares);
  const key = await rebuild(shares);
  if (key) return key;
  return refuseAltered(shares);
}

/**
 * The checks made before any arithmetic: shares of one split, each once, at least the
 * threshold. Throws KeyShareError naming the file.
 */
export function assertShareSet(shares: KeyShare[]): void {
  if (shares.length === 0) throw new KeyShareError('no archive key shares were given');
  const first = shares[0]!;
  for (const s of shares)
    if (
      s.splitId !== first.splitId ||
      s.keyId !== first.keyId ||
      s.threshold !== first.threshold ||
      s.kind !== first.kind
    )
      throw new KeyShareError(
        `${s.source} belongs to another split (key ${s.keyId}, split ${s.splitId}) than ${first.source} (key ${first.keyId}, split ${first.splitId}); give shares of one split`,
      );
  const seen = new Map<number, string>();
  for (const s of shares) {
    const other = seen.get(s.index);
    if (other !== undefined)
      throw new KeyShareError(
        `${s.source} is share ${s.index} again (also ${other}); each custodian's share counts once`,
      );
    seen.set(s.index, s.source);
  }
  if (shares.length < first.threshold)
    throw new KeyShareError(
      `opening the archive needs ${first.threshold} of ${first.of} custodians' shares; got ${shares.length} (${shares.map((s) => s.custodian).join(', ')})`,
    );
}

async function refuseAltered(shares: KeyShare[]): Promise<never> {
  const first = shares[0]!;
  // Some share is wrong. With more shares than needed, find the ones no working subset uses.
  const good = new Set<KeyShare>();
  if (shares.length > first.threshold)
    for (const sub of subsets(shares, first.threshold)) {
      const k = await rebuild(sub);
      if (k) {
        k.fill(0);
        for (const s of sub) good.add(s);
      }
    }
  const bad = good.size ? shares.filter((s) => !good.has(s)) : [];
  throw new KeyShareError(
    bad.length
      ? `the shares of ${bad.map((s) => `${s.custodian} (${s.source})`).join(', ')} are wrong or altered: the others rebuild archive key ${first.keyId}, these do not. Nothing was opened.`
      : `these ${shares.length} shares do not rebuild archive key ${first.keyId}: at least one of them is wrong or altered (its numbers were changed). Nothing was opened; bring another custodian's share to find which.`,
  );
}
