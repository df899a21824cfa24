import type {
  AccessRequestNoticesTable,
  AccessRequestsTable,
  ArchiveAccessTable,
  ArchiveEntriesView,
  ArchiveExportsTable,
  ArchiveRedactedCopiesTable,
  ArchiveSealedEntriesTable,
  DisposalRequestsTable,
  LegalHoldItemsTable,
  LegalHoldsTable,
} from './tables/archive.js';
import type {
  BriefingsTable,
  CallEventsTable,
  CallLogEntriesTable,
  CallNotesTable,
  CallReviewsTable,
  CallScheduleAnswersTable,
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
import type { LiveMessagesTable, LiveNodesTable, LivePeersTable, RateLimitsTable } from './tables/live.js';
import type {
  MessagingArchivedTable,
  MessagingArchiveKeysSealedTable,
  MessagingBlobsTable,
  MessagingCredentialsTable,
  MessagingGroupsTable,
  MessagingKeyPackagesTable,
  MessagingMessagesTable,
  MessagingReadStateTable,
  MessagingRecordsKeysTable,
  MessagingWelcomesTable,
} from './tables/messaging.js';
import type { NotificationPreferencesTable, NotificationsTable } from './tables/notifications.js';
import type { OfficesTable } from './tables/offices.js';
import type { PasskeysTable } from './tables/passkeys.js';
import type {
  CheckpointsTable,
  ContentTable,
  LogStateTable,
  LogTilesTable,
  RecordsTable,
  V1CheckpointsTable,
} from './tables/records.js';
import type { RoleGrantsTable } from './tables/role-grants.js';
import type { SessionsTable } from './tables/sessions.js';
import type { SignInRefusalsTable } from './tables/sign-in-refusals.js';
import type { UsersTable } from './tables/users.js';
import type { LogWitnessesTable, WitnessCheckpointsTable } from './tables/witness.js';

export interface Database {
  archive_entries: ArchiveEntriesView;
  archive_sealed_entries: ArchiveSealedEntriesTable;
  legal_holds: LegalHoldsTable;
  legal_hold_items: LegalHoldItemsTable;
  archive_access: ArchiveAccessTable;
  access_requests: AccessRequestsTable;
  access_request_notices: AccessRequestNoticesTable;
  archive_redacted_copies: ArchiveRedactedCopiesTable;
  archive_exports: ArchiveExportsTable;
  disposal_requests: DisposalRequestsTable;
  offices: OfficesTable;
  users: UsersTable;
  role_grants: RoleGrantsTable;
  invites: InvitesTable;
  passkeys: PasskeysTable;
  sessions: SessionsTable;
  webauthn_challenges: ChallengesTable;
  sign_in_refusals: SignInRefusalsTable;
  records: RecordsTable;
  log_state: LogStateTable;
  log_tiles: LogTilesTable;
  log_checkpoints: CheckpointsTable;
  log_v1_checkpoints: V1CheckpointsTable;
  record_content: ContentTable;
  calls: CallsTable;
  call_notes: CallNotesTable;
  call_schedule_answers: CallScheduleAnswersTable;
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
  witness_checkpoints: WitnessCheckpointsTable;
  log_witnesses: LogWitnessesTable;
  live_nodes: LiveNodesTable;
  live_peers: LivePeersTable;
  live_messages: LiveMessagesTable;
  rate_limits: RateLimitsTable;
  classification_rules: ClassificationRulesTable;
  messaging_groups: MessagingGroupsTable;
  messaging_key_packages: MessagingKeyPackagesTable;
  messaging_records_keys: MessagingRecordsKeysTable;
  messaging_messages: MessagingMessagesTable;
  messaging_welcomes: MessagingWelcomesTable;
  messaging_archived: MessagingArchivedTable;
  messaging_credentials: MessagingCredentialsTable;
  messaging_read_state: MessagingReadStateTable;
  messaging_blobs: MessagingBlobsTable;
  messaging_archive_keys_sealed: MessagingArchiveKeysSealedTable;
  notifications: NotificationsTable;
  notification_preferences: NotificationPreferencesTable;
}
