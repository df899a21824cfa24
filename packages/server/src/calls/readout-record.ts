/** What a published readout's record commits to. */
export interface PublishedReadoutFacts {
  callId: string;
  readoutId: string;
  title: string;
  bodyMd: string;
  publishedAt: Date;
  /** A correction: the published version it replaces, and why. */
  corrects?: string | null;
  reason?: string | null;
}

/**
 * The content of a `readout.published` record: the one definition used both when publishing
 * (the records service stores and hashes its canonical JSON) and by the public page (which
 * re-creates the same bytes so a browser can verify the text against the log). If these ever
 * drifted, "Verify this readout" would fail, so there is only this one.
 */
export function publishedReadoutContent(r: PublishedReadoutFacts) {
  return {
    callId: r.callId,
    readoutId: r.readoutId,
    title: r.title,
    bodyMd: r.bodyMd,
    publishedAt: r.publishedAt.toISOString(),
    ...(r.corrects ? { corrects: r.corrects, reason: r.reason ?? '' } : {}),
  };
}

/** The content of a `readout.withdrawn` record: the tombstone's, which its public page re-creates the same way. */
export function withdrawnReadoutContent(r: {
  callId: string;
  readoutId: string;
  withdraws: string;
  title: string;
  reason: string;
  withdrawnAt: Date;
}) {
  return {
    callId: r.callId,
    readoutId: r.readoutId,
    withdraws: r.withdraws,
    title: r.title,
    reason: r.reason,
    withdrawnAt: r.withdrawnAt.toISOString(),
  };
}

/** A published readout as the public site shows it. */
export interface PublishedReadout {
  id: string;
  callId: string;
  title: string;
  bodyMd: string;
  publishedAt: Date;
  officeName: string;
  /** The host office's zone: the public pages give times as the office's clock shows them. */
  officeZone: string;
  counterpart: string;
  participants: string[];
  /** Its stable public address (/readouts/<publicId>), shared by its corrections. */
  publicId: string;
  /** 'withdrawn': the tombstone (title and reason; no text). */
  status: 'published' | 'withdrawn';
  /** A correction or withdrawal: why, and the first publication's time. */
  reason: string | null;
  firstPublishedAt: Date;
  /** This version was replaced (by a correction or withdrawal) at this time. */
  supersededAt: Date | null;
  recordId: string;
  /** The record's index in the records log. */
  recordSeq: number;
  /**
   * What opens this one record's public log entry, disclosed on purpose by its public page: the
   * leaf's salt (hex) and the envelope (canonical JSON). The log entry is
   * "hotline-leaf/v2" ‖ SHA-256(salt ‖ envelope); no other record is opened by them.
   */
  leafSalt: string;
  envelope: string;
  /** The exact bytes the log committed to (canonical JSON), for the in-browser check. */
  content: string;
}
