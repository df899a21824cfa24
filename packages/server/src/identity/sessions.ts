import { AuthenticationError, type Clock, MINUTE, newId, newToken } from '@hotline/common';
import type { User } from '@hotline/contract';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { hashToken } from './identity-service.js';
import { toUser } from './mappers.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  user: User;
}

/** Who is asking, as the HTTP layer sees it: the address refusals are counted by, the device shown in session lists. */
export interface ClientInfo {
  address?: string;
  userAgent?: string;
}

/** A session's last_seen_at is written at most this often. */
const LAST_SEEN_EVERY_MS = MINUTE;

export interface ResolvedSession {
  actor: Actor;
  sessionId: string;
  expiresAt: Date;
  method: 'passkey' | 'demo';
}

/** Sessions: issued at sign-in (only the token's hash is stored), resolved per request, revoked at sign-out. */
export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** A new session for the user, in the caller's transaction, with its `auth.signed_in` record. */
  async issue(
    tx: Db,
    userId: string,
    method: 'passkey' | 'demo',
    client: ClientInfo = {},
  ): Promise<IssuedSession> {
    const user = (await repo.findUser(tx, userId))!;
    const now = this.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    const sessionId = newId(now.getTime());
    await repo.insertSession(tx, {
      id: sessionId,
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
      method,
      user_agent: client.userAgent?.slice(0, 500) ?? null,
      last_seen_at: now,
    });
    await writeAudit(tx, this.records, {
      action: 'auth.signed_in',
      actor: { userId, officeId: user.office_id },
      subject: userId,
      details: { method, sessionId, expiresAt: expiresAt.toISOString() },
    });
    return { token, expiresAt, user: toUser(user) };
  }

  async resolve(token: string | undefined): Promise<ResolvedSession> {
    if (!token) throw new AuthenticationError();
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) {
      throw new AuthenticationError('Your session cookie is not valid. Sign in again.', 'invalid_session');
    }
    const row = await repo.findSession(this.db, hashToken(token));
    if (!row)
      throw new AuthenticationError('Your session is not recognised. Sign in again.', 'invalid_session');
    if (row.revoked_at)
      throw new AuthenticationError('You signed out of this session. Sign in again.', 'session_revoked');
    if (new Date(row.expires_at).getTime() <= this.clock.now().getTime()) {
      throw new AuthenticationError('Your session has expired. Sign in again.', 'session_expired');
    }
    if (row.status !== 'active')
      throw new AuthenticationError('This account is not active.', 'account_inactive');
    const now = this.clock.now();
    if (!row.last_seen_at || now.getTime() - new Date(row.last_seen_at).getTime() >= LAST_SEEN_EVERY_MS) {
      await repo.touchSession(this.db, row.sessionId, now);
    }
    return {
      actor: {
        userId: row.userId,
        officeId: row.office_id,
        roles: row.roles.filter(isRole),
        displayName: row.display_name,
      },
      sessionId: row.sessionId,
      expiresAt: new Date(row.expires_at),
      method: row.method,
    };
  }

  async signOut(session: ResolvedSession): Promise<void> {
    await repo.transaction(this.db, async (tx) => {
      await repo.revokeSession(tx, session.sessionId, this.clock.now());
      await writeAudit(tx, this.records, {
        action: 'auth.signed_out',
        actor: session.actor,
        subject: session.actor.userId,
        details: { sessionId: session.sessionId },
      });
    });
  }
}
