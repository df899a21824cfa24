/** What a published readout's record commits to. */
export interface PublishedReadoutFacts {
  callId: string;
  readoutId: string;
  title: string;
  bodyMd: string;
  publishedAt: Date;
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
