import type { Generated } from 'kysely';

export const invitesTableName = 'invites';

/** One-time registration links. Only the SHA-256 of the token is stored. */
export interface InvitesTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  /** An administrator withdrew the invitation before it was used. */
  revoked_at: Generated<Date | null>;
}
