import { type Clock, ConflictError, NotFoundError, ValidationError } from '@hotline/common';
import type { PasskeyRevoked, PendingInvite, Session, User } from '@hotline/contract';
import { type Actor, authorize, authorizeSameOffice } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import type { ResolvedSession } from './auth-service.js';
import { toUser } from './mappers.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import type { SessionEvents } from './session-events.js';

/**
 * Sessions and people under the administrator's hand (issue "Hardening", item 7): a person's
 * own sessions, an office member's sessions, deactivation, pending invitations. Every act is
 * one transaction with its audit record naming who did it; ended sessions are announced on
 * `events` after the commit.
 */
export class SessionsService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly events: SessionEvents,
  ) {}

  // ---------------------------------------------------------------- one's own sessions

  async listOwn(session: ResolvedSession): Promise<Session[]> {
    authorize(session.actor, 'profile.read', 'see your sessions');
    return this.liveSessions(session.actor.userId, session.sessionId);
  }

  async revokeOwn(session: ResolvedSession, sessionId: string): Promise<void> {
    authorize(session.actor, 'profile.read', 'end your sessions');
    const { actor } = session;
    await repo.transaction(this.db, async (tx) => {
      const ended = await this.endSessions(tx, actor.userId, sessionId);
      if (ended.length === 0) throw new NotFoundError('session', sessionId);
      await writeAudit(tx, this.records, {
        action: 'auth.session_revoked',
        actor,
        subject: actor.userId,
        details: { sessionId, by: 'self' },
      });
    });
    this.events.emit('ended', { userId: actor.userId, sessionIds: [sessionId], why: 'revoked' });
  }

  // ---------------------------------------------------------------- an office member's sessions

  async listForUser(actor: Actor, userId: string, currentSessionId?: string): Promise<Session[]> {
    authorize(actor, 'users.sessions', "see a person's sessions");
    await this.memberOf(this.db, actor, userId, "see a person's sessions");
    return this.liveSessions(userId, currentSessionId);
  }

  async revokeForUser(actor: Actor, userId: string, sessionId: string): Promise<void> {
    authorize(actor, 'users.sessions', "end a person's sessions");
    await repo.transaction(this.db, async (tx) => {
      const user = await this.memberOf(tx, actor, userId, "end a person's sessions");
      const ended = await this.endSessions(tx, userId, sessionId);
      if (ended.length === 0) throw new NotFoundError('session', sessionId);
      await writeAudit(tx, this.records, {
        action: 'auth.session_revoked',
        actor,
        office: user.office_id,
        subject: userId,
        details: { sessionId, by: 'admin' },
      });
    });
    this.events.emit('ended', { userId, sessionIds: [sessionId], why: 'revoked' });
  }

  /**
   * Deactivate an office member: status disabled, every session ended, unused invitations
   * withdrawn. Their sign-in is refused from then on (auth-service checks the status).
   */
  async deactivate(actor: Actor, userId: string, reason?: string): Promise<User> {
    authorize(actor, 'users.deactivate', 'deactivate people');
    const { user, ended } = await repo.transaction(this.db, async (tx) => {
      const user = await this.memberOf(tx, actor, userId, 'deactivate people');
      if (user.id === actor.userId) {
        throw new ValidationError('You cannot deactivate yourself; ask another administrator.');
      }
      if (user.status === 'disabled') {
        throw new ConflictError(`${user.display_name} is already deactivated.`);
      }
      const now = this.clock.now();
      await repo.setUserStatus(tx, userId, 'disabled');
      const ended = await this.endSessions(tx, userId);
      const invites = await repo.revokeUnusedInvites(tx, userId, now);
      await writeAudit(tx, this.records, {
        action: 'user.deactivated',
        actor,
        office: user.office_id,
        subject: userId,
        details: {
          from: user.status,
          sessionsEnded: ended,
          invitesRevoked: invites.map((i) => i.id),
          ...(reason ? { reason } : {}),
        },
      });
      return { user: toUser((await repo.findUser(tx, userId))!), ended };
    });
    this.events.emit('ended', { userId, sessionIds: ended, why: 'deactivated' });
    return user;
  }

  // ---------------------------------------------------------------- an office member's passkeys

  /**
   * Revoke one of an office member's passkeys: it no longer signs them in (a record names it).
   * Revoking the last one is allowed (they then need a new invite) and answered with a warning.
   * Sessions already signed in stay until they expire or are ended: a session does not record
   * which passkey created it; end them on the sessions list if that is the intent.
   */
  async revokePasskey(actor: Actor, userId: string, passkeyId: string): Promise<PasskeyRevoked> {
    authorize(actor, 'users.passkeys', "revoke a person's passkeys");
    return this.db.transaction().execute(async (tx) => {
      const user = await this.memberOf(tx, actor, userId, "revoke a person's passkeys");
      const passkey = await repo.findPasskey(tx, passkeyId);
      if (!passkey || passkey.user_id !== userId) throw new NotFoundError('passkey', passkeyId);
      if (passkey.revoked_at) throw new ConflictError('This passkey has already been revoked.');
      await repo.revokePasskey(tx, passkeyId, userId, this.clock.now(), actor.userId);
      const remaining = (await repo.listPasskeys(tx, userId)).length;
      await writeAudit(tx, this.records, {
        action: 'auth.passkey_revoked',
        actor,
        office: user.office_id,
        subject: userId,
        details: { credentialId: passkeyId, name: passkey.name, remaining },
      });
      return {
        ok: true as const,
        remaining,
        warning:
          remaining === 0
            ? `${user.display_name} has no passkey left and cannot sign in until they register one from a new invite. Their current sessions continue until they expire or you end them.`
            : null,
      };
    });
  }

  // ---------------------------------------------------------------- pending invitations

  async listPendingInvites(actor: Actor): Promise<PendingInvite[]> {
    authorize(actor, 'users.invite', 'see pending invitations');
    const rows = await repo.pendingInvites(this.db, actor.officeId, this.clock.now());
    return rows.map((r) => ({
      id: r.inviteId,
      user: toUser(r),
      createdAt: new Date(r.inviteCreatedAt).toISOString(),
      createdBy: r.inviteCreatedBy,
      expiresAt: new Date(r.inviteExpiresAt).toISOString(),
    }));
  }

  async revokeInvite(actor: Actor, inviteId: string): Promise<void> {
    authorize(actor, 'users.invite', 'withdraw invitations');
    await repo.transaction(this.db, async (tx) => {
      const inv = await repo.findInviteById(tx, inviteId);
      // Another office's invitation reads as missing: no probing other offices' ids.
      if (!inv || inv.office_id !== actor.officeId) throw new NotFoundError('invite', inviteId);
      if (inv.used_at)
        throw new ConflictError('This invitation has already been used; deactivate the person instead.');
      if (inv.revoked_at) throw new ConflictError('This invitation has already been withdrawn.');
      await repo.revokeInvite(tx, inviteId, this.clock.now());
      await writeAudit(tx, this.records, {
        action: 'user.invite_revoked',
        actor,
        office: inv.office_id,
        subject: inv.userId,
        details: { inviteId },
      });
    });
  }

  // ---------------------------------------------------------------- helpers

  /** The person, who must be in the actor's office (404 when missing, 403 for another office). */
  private async memberOf(db: Db, actor: Actor, userId: string, what: string) {
    const user = await repo.findUser(db, userId);
    if (!user) throw new NotFoundError('user', userId);
    authorizeSameOffice(actor, user.office_id, what);
    return user;
  }

  private async liveSessions(userId: string, currentSessionId?: string): Promise<Session[]> {
    const rows = await repo.liveSessions(this.db, userId, this.clock.now());
    return rows.map((r) => toSession(r, currentSessionId));
  }

  /** Ends the person's live sessions (one, or all); returns the ids ended. */
  private endSessions(tx: Db, userId: string, sessionId?: string): Promise<string[]> {
    return repo.endSessions(tx, userId, this.clock.now(), sessionId);
  }
}

function toSession(r: repo.SessionRow, currentSessionId?: string): Session {
  return {
    id: r.id,
    userId: r.user_id,
    method: r.method,
    userAgent: r.user_agent,
    createdAt: new Date(r.created_at).toISOString(),
    lastSeenAt: r.last_seen_at ? new Date(r.last_seen_at).toISOString() : null,
    expiresAt: new Date(r.expires_at).toISOString(),
    current: r.id === currentSessionId,
  };
}
