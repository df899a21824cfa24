import type {
  BriefingsTable,
  CallEventsTable,
  CallLogEntriesTable,
  CallReviewsTable,
  CallsTable,
  MemconsTable,
  ReadoutsTable,
} from './tables/calls.js';
import type {
  CaptureAccountsTable,
  CapturedItemsTable,
  CaptureImportsTable,
  ClassificationRulesTable,
  ForeignContactsTable,
  OffChannelAlertsTable,
} from './tables/capture.js';
import type { ChallengesTable } from './tables/challenges.js';
import type { InvitesTable } from './tables/invites.js';
import type { OfficesTable } from './tables/offices.js';
import type { PasskeysTable } from './tables/passkeys.js';
import type {
  CheckpointsTable,
  ContentTable,
  LogStateTable,
  LogTilesTable,
  RecordsTable,
} from './tables/records.js';
import type { SessionsTable } from './tables/sessions.js';
import type { SignInRefusalsTable } from './tables/sign-in-refusals.js';
import type { UsersTable } from './tables/users.js';

export interface Database {
  offices: OfficesTable;
  users: UsersTable;
  invites: InvitesTable;
  passkeys: PasskeysTable;
  sessions: SessionsTable;
  webauthn_challenges: ChallengesTable;
  sign_in_refusals: SignInRefusalsTable;
  records: RecordsTable;
  log_state: LogStateTable;
  log_tiles: LogTilesTable;
  log_checkpoints: CheckpointsTable;
  record_content: ContentTable;
  calls: CallsTable;
  call_events: CallEventsTable;
  call_reviews: CallReviewsTable;
  briefings: BriefingsTable;
  memcons: MemconsTable;
  readouts: ReadoutsTable;
  call_log_entries: CallLogEntriesTable;
  capture_accounts: CaptureAccountsTable;
  captured_items: CapturedItemsTable;
  capture_imports: CaptureImportsTable;
  foreign_contacts: ForeignContactsTable;
  off_channel_alerts: OffChannelAlertsTable;
  classification_rules: ClassificationRulesTable;
}
