import { ArchiveCipher } from './archive-key.js';
import { combineShares, type KeyShare } from './key-shares.js';
import type { RecordsService } from './records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The record every opening of the archive with custodians' shares leaves in the log. */
export const ARCHIVE_KEY_OPENED = 'archive.key-opened';
/** The record `hotline keys split` leaves: who holds shares, how many are needed. */
export const ARCHIVE_KEY_SPLIT = 'archive.key-split';

/** Why the archive is opened: an export, a transfer, an access request, a verification… */
export interface ArchiveAct {
  purpose: 'export' | 'transfer' | 'access-request' | 'verify' | 'verify-replica';
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
    fn: (cipher: ArchiveCipher) => Promise<T>,
  ): Promise<T> {
    const key = await combineShares(shares);
    const cipher = new ArchiveCipher(key);
    try {
      const first = shares[0]!;
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

  /** Record a split of the archive key (no secret goes into the record). */
  async recordSplit(shares: KeyShare[], by: string): Promise<void> {
    const first = shares[0]!;
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
        },
      }),
    );
  }
}
