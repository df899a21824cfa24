import type { ColumnType, Generated } from 'kysely';

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
  /** the normalised value: an E.164 number, a lowercased email, or an @handle */
  number: string;
  leader: string;
  country: string;
  office_id: string | null;
  id: Generated<string>;
  kind: ColumnType<'number' | 'handle' | 'email', 'number' | 'handle' | 'email' | undefined>;
  /** where the entry came from (e.g. "State Department contact sheet, 2026-01") */
  source: string | null;
  valid_from: Date | null;
  valid_to: Date | null;
  retired_at: Date | null;
}

export interface OffChannelAlertsTable {
  id: string;
  captured_item_id: string;
  /** the off_channel call that needs a memcon; none for an attempted contact */
  call_id: string | null;
  /** 'off_channel' (a conversation took place) or 'attempted' (missed, rejected, blocked) */
  kind: ColumnType<'off_channel' | 'attempted', 'off_channel' | 'attempted' | undefined>;
  number: string;
  leader: string;
  at: Date;
}

export interface ClassificationRulesTable {
  id: string;
  office_id: string;
  /** the personal account's identifier, or null for every account of the office */
  account: string | null;
  /** addresses, numbers or handles; an item matches when any of its correspondents is one (empty: any) */
  correspondents: ColumnType<string[], string | undefined, string>;
  from_date: Date | null;
  to_date: Date | null;
  category: 'presidential' | 'personal';
  reason: string;
  created_by: string | null;
  created_at: Date;
  retired_at: Date | null;
}
