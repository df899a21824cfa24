import type { Generated } from 'kysely';

export const sessionsTableName = 'sessions';

/** Sign-in sessions. The cookie holds a random token; only its SHA-256 is stored. */
export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
  method: 'passkey' | 'demo';
  /** The browser's User-Agent at sign-in (shown in the session lists). */
  user_agent: Generated<string | null>;
  /** Last request seen on this session (updated at most once a minute). */
  last_seen_at: Generated<Date | null>;
}
