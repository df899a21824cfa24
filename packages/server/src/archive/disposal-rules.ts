import type { DISPOSAL_BASES } from '@hotline/contract';

/**
 * What Hotline may purge, and when (pure rules). 44 U.S.C. 2203: presidential records are never
 * deleted by Hotline. Personal records (2203(b)) and non-record copies (an extra copy of a
 * message whose record copy is kept) may be purged from the content store, only after a
 * disposal request that records the Archivist's views (2203(c)–(e)) and a waiting period has
 * run, and never while a legal hold covers the item. The records log keeps its entries.
 */

export type DisposalBasis = (typeof DISPOSAL_BASES)[number];

export interface DisposalCandidate {
  category: 'presidential' | 'personal' | 'unknown';
  /** From an official account (an official account's items are presidential records). */
  official: boolean;
  /** For a non-record copy: the record copy kept (same message, same office), if any. */
  keptCopyId: string | null;
}

/** Why the item may not be disposed of on this basis, or null when it may. */
export function disposalRefusal(basis: DisposalBasis, item: DisposalCandidate): string | null {
  if (basis === 'personal') {
    if (item.official || item.category !== 'personal')
      return 'Only items classified personal, from personal accounts, are personal records (44 U.S.C. 2203(b)); presidential records are never disposed of by Hotline.';
    return null;
  }
  if (!item.keptCopyId)
    return 'A non-record copy needs its record copy kept: no other captured item of the office holds the same message.';
  return null;
}

/** The first calendar day (YYYY-MM-DD, UTC) the item may be purged: `days` after the request. */
export function eligibleOn(requestedAt: Date, days: number): string {
  const d = new Date(
    Date.UTC(requestedAt.getUTCFullYear(), requestedAt.getUTCMonth(), requestedAt.getUTCDate()),
  );
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
