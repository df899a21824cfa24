import { ArchiveCipher, type ArchiveKeyring } from './archive-key.js';
import { X25519ArchiveKey } from './archive-key-x25519.js';
import { assertShareSet, combineShares, type KeyShare, KeyShareError } from './key-shares.js';
import type { RecordsService } from './records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The record every opening of the archive with custodians' shares leaves in the log. */
export const ARCHIVE_KEY_OPENED = 'archive.key-opened';
/** The record `hotline keys split` leaves: who holds shares, how many are needed. */
export const ARCHIVE_KEY_SPLIT = 'archive.key-split';

/** Why the archive is opened: an export, a transfer, an access request, a verification… */
export interface ArchiveAct {
  /** `messaging-archive`: `hotline messages open-archive --shares` (the office's messaging archive key). */
  purpose:
    | 'export'
    | 'transfer'
    | 'access-request'
    | 'verify'
    | 'verify-replica'
    | 'view'
    | 'messaging-archive';
  /** What exactly (a scope, a request id, a replica URL); goes into the record. */
  detail?: string;
  /** Who runs the act (e.g. the operator user@host, or a user id). */
  by?: string;
  office?: string | null;
  actor?: string | null;
}

/**
 * Reading sealed archive content with k of n custodians' shares. The key is rebuilt in memory
 * for one act only and zeroed afterwards, and the act is a record naming who took part.
 */
export class ArchiveKeyCustody {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
  ) {}

  /**
   * Rebuild the archive key from `shares`, append an `archive.key-opened` record (custodians,
   * act, key fingerprint), run `fn` with a cipher holding the key, then zero the key whatever
   * `fn` did. Too few, mixed, repeated or altered shares are refused before anything is written.
   */
  async withArchiveKey<T>(
    shares: KeyShare[],
    act: ArchiveAct,
    fn: (cipher: ArchiveKeyring) => Promise<T>,
  ): Promise<T> {
    const key = await combineShares(shares);
    const first = shares[0]!;
    const cipher: ArchiveKeyring =
      first.kind === 'x25519'
        ? X25519ArchiveKey.fromPrivate(key, {
            threshold: first.threshold,
            of: first.of,
            split: first.splitId,
          })
        : new ArchiveCipher(key);
    try {
      await repo.transaction(this.db, (tx) =>
        this.records.append(tx, {
          kind: ARCHIVE_KEY_OPENED,
          office: act.office ?? null,
          actor: act.actor ?? null,
          subject: `archive-key:${cipher.keyId}`,
          content: {
            purpose: act.purpose,
            detail: act.detail ?? null,
            by: act.by ?? null,
            keyId: cipher.keyId,
            split: first.splitId,
            threshold: first.threshold,
            custodians: shares.map((s) => ({ name: s.custodian, share: s.index })),
          },
        }),
      );
      return await fn(cipher);
    } finally {
      cipher.wipe();
      for (const s of shares) s.data.fill(0);
    }
  }

  /**
   * The checks made before anything is opened, without arithmetic (for a request answered in
   * the background): shares of one split, each once, enough of them, and of this server's key.
   */
  assertShares(shares: KeyShare[]): void {
    assertShareSet(shares);
    const key = this.records.archiveKey;
    const first = shares[0]!;
    if (first.keyId !== key.keyId)
      throw new KeyShareError(
        `${first.source} is a share of archive key ${first.keyId}; this server's archive key is ${key.keyId}. Bring shares of the current split.`,
      );
  }

  /** Record a split of the archive key (no secret goes into the record). */
  async recordSplit(shares: KeyShare[], by: string, previous?: KeyShare[]): Promise<void> {
    const first = shares[0]!;
    const prev = previous?.[0];
    await repo.transaction(this.db, (tx) =>
      this.records.append(tx, {
        kind: ARCHIVE_KEY_SPLIT,
        subject: `archive-key:${first.keyId}`,
        content: {
          keyId: first.keyId,
          split: first.splitId,
          threshold: first.threshold,
          of: first.of,
          custodians: shares.map((s) => ({ name: s.custodian, share: s.index })),
          by,
          // A split of a key already split: the key was rebuilt from these custodians' shares.
          ...(prev
            ? {
                previousSplit: prev.splitId,
                rebuiltFrom: previous!.map((s) => ({ name: s.custodian, share: s.index })),
              }
            : {}),
        },
      }),
    );
  }
}
