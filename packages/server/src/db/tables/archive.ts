/**
 * A searchable record as one office sees it: the search index (migration 023), kept by triggers
 * on the source tables from the views `archive_source_<kind>`.
 */
export interface ArchiveEntriesView {
  ref_kind: string;
  ref_id: string;
  call_id: string | null;
  office_id: string;
  kind: string;
  title: string;
  body: string;
  names: string;
  occurred_at: Date;
  classification: string | null;
  account_id: string | null;
  person_id: string | null;
  record_seq: string | null;
}

/**
 * An index entry whose plaintext was dropped after a verified transfer (migration 037): the
 * views the index is filled from show it by kind and transfer only.
 */
export interface ArchiveSealedEntriesTable {
  office_id: string;
  ref_kind: string;
  ref_id: string;
  transfer_id: string;
  sealed_at: Date;
  record_seq: string;
}

export interface LegalHoldsTable {
  id: string;
  office_id: string;
  matter: string;
  reason: string;
  scope_kind: 'search' | 'records';
  scope_search: Record<string, unknown> | null;
  placed_by: string;
  placed_at: Date;
  record_seq: string;
  released_by: string | null;
  released_at: Date | null;
  release_reason: string | null;
  release_seq: string | null;
}

export interface LegalHoldItemsTable {
  hold_id: string;
  ref_kind: string;
  ref_id: string;
}

/** Who touched a record of the archive, and the records-log entry that says so. */
export interface ArchiveAccessTable {
  ref_kind: string;
  ref_id: string;
  office_id: string;
  action: string;
  actor_id: string;
  record_seq: string;
  at: Date;
}

/** An access request (44 U.S.C. 2205, or FOIA once records open); dates are calendar days. */
export interface AccessRequestsTable {
  id: string;
  office_id: string;
  requester_kind: string;
  requester: string;
  legal_basis: string;
  scope_kind: 'search' | 'records';
  scope_search: Record<string, unknown> | null;
  scope_records: { refKind: string; refId: string }[] | null;
  received_on: string;
  due_on: string;
  status: string;
  notice_expires_on: string | null;
  extension_days: number | null;
  extended_to: string | null;
  created_by: string;
  created_at: Date;
  record_seq: string;
}

/** Who was notified of an access request under 2208, on which day, and the record saying so. */
export interface AccessRequestNoticesTable {
  request_id: string;
  party: string;
  notified_on: string;
  recorded_by: string;
  record_seq: string;
}

/** A redacted copy of an archive record (migration 029): the redactions burned into its text. */
export interface ArchiveRedactedCopiesTable {
  id: string;
  office_id: string;
  ref_kind: string;
  ref_id: string;
  request_id: string | null;
  title: string;
  body: string;
  redactions: { start: number; end: number; length: number; reason: string; field: 'title' | 'body' }[];
  source_sha256: string;
  created_by: string;
  created_at: Date;
  record_seq: string;
}

/** An export answering an access request: which copies, which files (name, sha256, bytes). */
export interface ArchiveExportsTable {
  id: string;
  office_id: string;
  request_id: string;
  copies: string[];
  files: { name: string; sha256: string; bytes: number }[];
  created_by: string;
  created_at: Date;
  record_seq: string;
}

/** A disposal request (migration 029): basis, the Archivist's views, when it may run, and when it did. */
export interface DisposalRequestsTable {
  id: string;
  office_id: string;
  item_id: string;
  basis: 'personal' | 'non_record_copy';
  kept_copy_id: string | null;
  reason: string;
  archivist_views: string;
  archivist_views_on: string;
  eligible_on: string;
  requested_by: string;
  requested_at: Date;
  record_seq: string;
  disposed_by: string | null;
  disposed_at: Date | null;
  disposed_seq: string | null;
  /** Withdrawn (refused) before it was carried out (migration 031). */
  withdrawn_by?: string | null;
  withdrawn_at?: Date | null;
  withdrawn_reason?: string | null;
  withdrawn_seq?: string | null;
}
