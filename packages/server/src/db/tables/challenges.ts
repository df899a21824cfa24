export const challengesTableName = 'webauthn_challenges';

/** WebAuthn challenges, single use, short-lived. */
export interface ChallengesTable {
  id: string;
  challenge: string;
  purpose: 'register' | 'authenticate';
  user_id: string | null;
  invite_id: string | null;
  expires_at: Date;
}
