export interface CaptureAccountsTable {
  id: string;
  owner_id: string;
  kind: 'email' | 'x' | 'phone';
  identifier: string;
  official: boolean;
  created_at: Date;
}

export interface CapturedItemsTable {
  id: string;
  account_id: string;
  kind: string;
  source_id: string;
  occurred_at: Date;
  category: 'presidential' | 'personal' | 'unknown';
  summary: Record<string, unknown>;
  record_id: string;
  record_seq: string;
  import_id: string;
}

export interface CaptureImportsTable {
  id: string;
  account_id: string;
  format: string;
  file_name: string;
  added: number;
  skipped: number;
  actor_id: string | null;
  at: Date;
}

export interface ForeignContactsTable {
  number: string;
  leader: string;
  country: string;
  office_id: string | null;
}

export interface OffChannelAlertsTable {
  id: string;
  captured_item_id: string;
  call_id: string;
  number: string;
  leader: string;
  at: Date;
}
