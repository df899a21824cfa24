import type { ColumnType } from 'kysely';

/** A step that came to wait for a person (notifications/); the email columns are its outbox. */
export interface NotificationsTable {
  id: string;
  user_id: string;
  call_id: string | null;
  kind: string;
  step: string;
  in_app: boolean;
  created_at: Date;
  read_at: Date | null;
  email_status: ColumnType<'none' | 'pending' | 'sent' | 'failed', 'none' | 'pending' | undefined, string>;
  email_attempts: ColumnType<number, number | undefined, number>;
  email_next_at: Date | null;
  email_sent_at: Date | null;
  email_error: string | null;
}

/** Which kinds of notification a person gets in the app and by email. */
export interface NotificationPreferencesTable {
  user_id: string;
  kinds: ColumnType<Record<string, { inApp: boolean; email: boolean }>, string, string>;
  updated_at: Date;
}
