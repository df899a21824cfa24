import type { ColumnType, Generated } from 'kysely';

export interface ProposedWindow {
  /** local date-time in the requester's zone, ISO without offset: 2026-03-10T09:00 */
  start: string;
  end: string;
}

export interface CallsTable {
  id: string;
  owner_office_id: string;
  requesting_office_id: string;
  requested_by: string;
  counterpart_office_id: string | null;
  counterpart_leader: string;
  counterpart_country: string;
  purpose: string;
  topics: string[];
  urgency: 'routine' | 'priority' | 'flash';
  language: string;
  requester_zone: string;
  proposed_windows: ProposedWindow[];
  state: string;
  channel: 'hotline' | 'secure_line' | 'off_channel' | null;
  scheduled_start: Date | null;
  duration_min: number | null;
  schedule_sequence: number;
  principal_id: string | null;
  counterpart_principal_id: string | null;
  interpreter_ids: string[];
  listener_ids: string[];
  actual_start: Date | null;
  actual_end: Date | null;
  memcon_due_at: Date | null;
  readout_due_at: Date | null;
  waive_reason: string | null;
  /** Who took part, as logged for off-channel contact (scheduled calls name their people by id). */
  participants: Generated<string[]>;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface CallEventsTable {
  id: string;
  call_id: string;
  action: string;
  from_state: string | null;
  to_state: string;
  actor_id: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  record_seq: string;
  at: Date;
}

export interface CallReviewsTable {
  id: string;
  call_id: string;
  reviewer_id: string;
  recommendation: 'approve' | 'decline' | 'defer';
  notes: string;
  risks: string;
  /** The offices and desks that cleared this review, e.g. "Legal Adviser". */
  clearances: Generated<string[]>;
  at: Date;
}

export interface BriefingsTable {
  id: string;
  call_id: string;
  /** The office whose briefing this is: the host's, or the counterpart's own (migration 011). */
  office_id: string;
  version: number;
  author_id: string;
  background_md: string;
  objectives_md: string;
  talking_points_md: string;
  approved_by: string | null;
  approved_at: Date | null;
  record_seq: string;
  created_at: Date;
}

export interface MemconsTable {
  id: string;
  call_id: string;
  /** The office whose record of the conversation this is: the host's, or the counterpart's own. */
  office_id: string;
  version: number;
  prev_id: string | null;
  author_id: string;
  status: 'draft' | 'final';
  classification: string;
  distribution: string[];
  document: Record<string, unknown>;
  record_id: string;
  record_seq: string;
  created_at: Date;
}

export interface ReadoutsTable {
  id: string;
  call_id: string;
  version: number;
  author_id: string;
  status: 'draft' | 'approved' | 'published' | 'withdrawn';
  title: string;
  body_md: string;
  approved_by: string | null;
  approved_at: Date | null;
  published_at: Date | null;
  record_id: string;
  record_seq: string;
  created_at: Date;
  /** Published versions: the first published version's id (the readout's public address). */
  public_id: ColumnType<string | null, string | null | undefined, string | null>;
  /** A correction or withdrawal: the published version it replaced, and why. */
  supersedes_id: ColumnType<string | null, string | null | undefined, string | null>;
  reason: ColumnType<string | null, string | null | undefined, string | null>;
  /** When a correction or withdrawal replaced this published version. */
  superseded_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface CallLogEntriesTable {
  id: string;
  call_id: string;
  kind: string;
  user_id: string | null;
  details: Record<string, unknown>;
  record_seq: string;
  at: Date;
}

/** A listener's private notes on a call: one pad per person and call, seen by nobody else. */
export interface CallNotesTable {
  call_id: string;
  user_id: string;
  body: string;
  updated_at: Date;
}

/** The counterpart office's answer to the scheduled time: accepted, or another time proposed. */
export interface CallScheduleAnswersTable {
  id: string;
  call_id: string;
  office_id: string;
  user_id: string;
  /** The schedule revision answered (a reschedule asks again). */
  schedule_sequence: number;
  answer: 'accepted' | 'proposed';
  proposed_start: Date | null;
  note: string;
  record_seq: string;
  at: Date;
}
