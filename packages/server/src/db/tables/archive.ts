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
