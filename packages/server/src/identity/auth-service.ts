import {
  AuthenticationError,
  type Clock,
  ForbiddenError,
  GoneError,
  HotlineError,
  MINUTE,
  NotFoundError,
  newId,
  newToken,
  ValidationError,
} from '@hotline/common';
import type { Passkey, User } from '@hotline/contract';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { hashToken } from './identity-service.js';
import { toPasskey, toUser } from './mappers.js';
import * as repo from './repository.js';
import { SessionEvents } from './session-events.js';
import { SignInRefusals } from './sign-in-refusals.js';

export interface AuthOptions {
  rpId: string;
  rpName: string;
  origin: string;
  sessionTtlMs: number;
  demo: boolean;
}

export interface IssuedSession {
  token: string;
  expiresAt: Date;
  user: User;
}

export interface ResolvedSession {
  actor: Actor;
  sessionId: string;
  expiresAt: Date;
  method: 'passkey' | 'demo';
}

/** Who is asking, as the HTTP layer sees it: the address refusals are counted by, the device shown in session lists. */
export interface ClientInfo {
  address?: string;
  userAgent?: string;
}

/** A session's last_seen_at is written at most this often. */
const LAST_SEEN_EVERY_MS = MINUTE;

const CHALLENGE_TTL_MS = 5 * MINUTE;

/** Passkey registration and sign-in (WebAuthn), sessions, sign-out, and demo sign-in. */
export class AuthService {
  /** "This person's sessions ended" (sign-out, revocation, deactivation), for the live layer. */
  readonly sessionEvents = new SessionEvents();
  /** Refused anonymous sign-ins, counted per address and window instead of one record each. */
  readonly refusals: SignInRefusals;

  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly opts: AuthOptions,
  ) {
    this.refusals = new SignInRefusals(db, records, clock);
  }

  /** Checks an invite link and says exactly why it cannot be used. */
  async inspectInvite(token: string) {
    const row = await this.db
      .selectFrom('invites')
      .innerJoin('users', 'users.id', 'invites.user_id')
      .innerJoin('offices', 'offices.id', 'users.office_id')
      .select([
        'invites.id as inviteId',
        'invites.used_at',
        'invites.expires_at',
        'invites.revoked_at',
        'users.id as userId',
        'users.display_name',
        'users.email',
        'users.status',
        'offices.name as officeName',
      ])
      .where('invites.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row) {
      throw new HotlineError(
        404,
        'invite_not_found',
        'Invite not found',
        'This invite link is not valid. Check that you copied the whole link, or ask your administrator for a new one.',
      );
    }
    if (row.used_at) {
      throw new GoneError(
        'This invite link has already been used. Sign in with your passkey, or ask your administrator for a new invite.',
        'invite_used',
      );
    }
    if (row.revoked_at) {
      throw new GoneError(
        'This invite link was withdrawn by your administrator. Ask them for a new one.',
        'invite_revoked',
      );
    }
    if (new Date(row.expires_at).getTime() <= this.clock.now().getTime()) {
      throw new GoneError(
        'This invite link has expired. Ask your administrator to send a new one.',
        'invite_expired',
      );
    }
    if (row.status === 'disabled')
      throw new ForbiddenError('This account is disabled; contact your administrator.');
    return row;
  }

  async registrationOptions(inviteToken: string) {
    const invite = await this.inspectInvite(inviteToken);
    const options = await this.creationOptions(invite.userId, invite.email, invite.display_name);
    const challengeId = await this.storeChallenge(
      options.challenge,
      'register',
      invite.userId,
      invite.inviteId,
    );
    return { challengeId, options };
  }

  async verifyRegistration(
    challengeId: string,
    inviteToken: string,
    response: Record<string, unknown>,
    passkeyName?: string,
    client: ClientInfo = {},
  ): Promise<IssuedSession> {
    const challenge = await this.consumeChallenge(challengeId, 'register');
    const invite = await this.inspectInvite(inviteToken);
    if (challenge.invite_id !== invite.inviteId) {
      throw new ValidationError(
        'This registration was started with a different invite link; start again from your link.',
      );
    }
    const verification = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge.challenge,
      expectedOrigin: this.opts.origin,
      expectedRPID: this.opts.rpId,
      requireUserVerification: true,
    }).catch((err: unknown) => {
      throw new ValidationError(`The passkey could not be registered: ${errMessage(err)}. Try again.`);
    });
    if (!verification.verified) throw new ValidationError('The passkey could not be verified. Try again.');
    const info = verification.registrationInfo;

    return this.db.transaction().execute(async (tx) => {
      const used = await tx
        .updateTable('invites')
        .set({ used_at: this.clock.now() })
        .where('id', '=', invite.inviteId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!used)
        throw new GoneError(
          'This invite link has already been used. Sign in with your passkey.',
          'invite_used',
        );
      await this.insertPasskey(tx, invite.userId, info, passkeyName);
      await tx.updateTable('users').set({ status: 'active' }).where('id', '=', invite.userId).execute();
      const actorRef = { userId: invite.userId, officeId: null };
      await writeAudit(tx, this.records, {
        action: 'auth.passkey_registered',
        actor: actorRef,
        subject: invite.userId,
        details: { credentialId: info.credential.id, via: 'invite', inviteId: invite.inviteId },
      });
      return this.issueSession(tx, invite.userId, 'passkey', client);
    });
  }

  async authenticationOptions() {
    const options = await generateAuthenticationOptions({
      rpID: this.opts.rpId,
      userVerification: 'required',
    });
    const challengeId = await this.storeChallenge(options.challenge, 'authenticate', null, null);
    return { challengeId, options };
  }

  async verifyAuthentication(
    challengeId: string,
    response: Record<string, unknown>,
    client: ClientInfo = {},
  ): Promise<IssuedSession> {
    const challenge = await this.consumeChallenge(challengeId, 'authenticate');
    const credentialId = typeof response.id === 'string' ? response.id : '';
    const passkey = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('id', '=', credentialId)
      .executeTakeFirst();
    if (!passkey) {
      // Anyone can send these: counted per address and window, one record per window (not per attempt).
      await this.refusals.count(client.address ?? 'unknown');
      throw new AuthenticationError(
        'This passkey is not registered with Hotline. Use the passkey you registered from your invite, or ask your administrator for a new invite.',
        'unknown_passkey',
      );
    }
    const rejected = async (why: string): Promise<never> => {
      await this.auditFailedSignIn('passkey_rejected', passkey.user_id, passkey.id, why);
      throw new AuthenticationError(
        `Your passkey's answer could not be verified (${why}), so you are not signed in. Try again; if it keeps failing, sign in with another of your passkeys or ask your administrator for a new invite.`,
        'passkey_rejected',
      );
    };
    let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verification = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge.challenge,
        expectedOrigin: this.opts.origin,
        expectedRPID: this.opts.rpId,
        requireUserVerification: true,
        credential: {
          id: passkey.id,
          publicKey: new Uint8Array(passkey.public_key),
          counter: Number(passkey.counter),
          transports: passkey.transports as never,
        },
      });
    } catch (err) {
      return rejected(errMessage(err));
    }
    if (!verification.verified) return rejected('the signature does not match the registered key');
    const user = await repo.findUser(this.db, passkey.user_id);
    if (!user || user.status === 'disabled') {
      await this.auditFailedSignIn('account_disabled', passkey.user_id, passkey.id);
      throw new ForbiddenError('This account is disabled; contact your administrator.');
    }
    return this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('passkeys')
        .set({ counter: String(verification.authenticationInfo.newCounter), last_used_at: this.clock.now() })
        .where('id', '=', passkey.id)
        .execute();
      return this.issueSession(tx, user.id, 'passkey', client);
    });
  }

  /**
   * A refused sign-in of a registered passkey is a record in the log, naming the passkey (a
   * registered credential id is public) and never the signature, challenge or client data.
   * Unknown passkeys are counted instead (sign-in-refusals.ts).
   */
  private async auditFailedSignIn(
    reason: 'passkey_rejected' | 'account_disabled',
    userId: string,
    credentialId: string,
    why?: string,
  ): Promise<void> {
    const user = await repo.findUser(this.db, userId);
    await this.db.transaction().execute((tx) =>
      writeAudit(tx, this.records, {
        action: 'auth.sign_in_failed',
        actor: null,
        office: user?.office_id ?? null,
        subject: userId,
        details: { reason, credentialId, ...(why ? { why: why.slice(0, 300) } : {}) },
      }),
    );
  }

  async addPasskeyOptions(actor: Actor) {
    const user = await repo.findUser(this.db, actor.userId);
    if (!user) throw new NotFoundError('user', actor.userId);
    const options = await this.creationOptions(user.id, user.email, user.display_name);
    const challengeId = await this.storeChallenge(options.challenge, 'register', user.id, null);
    return { challengeId, options };
  }

  async verifyAddPasskey(
    actor: Actor,
    challengeId: string,
    response: Record<string, unknown>,
    name?: string,
  ): Promise<Passkey> {
    const challenge = await this.consumeChallenge(challengeId, 'register');
    if (challenge.user_id !== actor.userId || challenge.invite_id) {
      throw new ValidationError('This registration belongs to another session; start again.');
    }
    const verification = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: challenge.challenge,
      expectedOrigin: this.opts.origin,
      expectedRPID: this.opts.rpId,
      requireUserVerification: true,
    }).catch((err: unknown) => {
      throw new ValidationError(`The passkey could not be registered: ${errMessage(err)}.`);
    });
    if (!verification.verified) throw new ValidationError('The passkey could not be verified.');
    return this.db.transaction().execute(async (tx) => {
      const row = await this.insertPasskey(tx, actor.userId, verification.registrationInfo, name);
      await writeAudit(tx, this.records, {
        action: 'auth.passkey_registered',
        actor,
        subject: actor.userId,
        details: { credentialId: row.id, via: 'profile' },
      });
      return row;
    });
  }

  async listPasskeys(actor: Actor): Promise<Passkey[]> {
    const rows = await this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', actor.userId)
      .orderBy('created_at')
      .execute();
    return rows.map(toPasskey);
  }

  /** Demo personas sign in with one click. This path does not exist unless demo mode is on. */
  async demoSignIn(userId: string, client: ClientInfo = {}): Promise<IssuedSession> {
    if (!this.opts.demo) throw new NotFoundError('route', 'demo sign-in');
    const user = await repo.findUser(this.db, userId);
    if (!user?.demo_persona) {
      throw new ForbiddenError('Only demo personas can use one-click sign-in.');
    }
    if (user.status !== 'active')
      throw new ForbiddenError('This account is disabled; contact your administrator.');
    return this.db.transaction().execute((tx) => this.issueSession(tx, user.id, 'demo', client));
  }

  async resolveSession(token: string | undefined): Promise<ResolvedSession> {
    if (!token) throw new AuthenticationError();
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) {
      throw new AuthenticationError('Your session cookie is not valid. Sign in again.', 'invalid_session');
    }
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select([
        'sessions.id as sessionId',
        'sessions.expires_at',
        'sessions.revoked_at',
        'sessions.method',
        'sessions.last_seen_at',
        'users.id as userId',
        'users.office_id',
        'users.roles',
        'users.display_name',
        'users.status',
      ])
      .where('sessions.token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row)
      throw new AuthenticationError('Your session is not recognised. Sign in again.', 'invalid_session');
    if (row.revoked_at)
      throw new AuthenticationError('You signed out of this session. Sign in again.', 'session_revoked');
    if (new Date(row.expires_at).getTime() <= this.clock.now().getTime()) {
      throw new AuthenticationError('Your session has expired. Sign in again.', 'session_expired');
    }
    if (row.status !== 'active')
      throw new AuthenticationError('This account is not active.', 'account_inactive');
    const now = this.clock.now().getTime();
    if (!row.last_seen_at || now - new Date(row.last_seen_at).getTime() >= LAST_SEEN_EVERY_MS) {
      // Bookkeeping for the session lists, not a state change of the record: no audit record.
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: this.clock.now() })
        .where('id', '=', row.sessionId)
        .execute();
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
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('sessions')
        .set({ revoked_at: this.clock.now() })
        .where('id', '=', session.sessionId)
        .where('revoked_at', 'is', null)
        .execute();
      await writeAudit(tx, this.records, {
        action: 'auth.signed_out',
        actor: session.actor,
        subject: session.actor.userId,
        details: { sessionId: session.sessionId },
      });
    });
    this.sessionEvents.emit('ended', {
      userId: session.actor.userId,
      sessionIds: [session.sessionId],
      why: 'signed_out',
    });
  }

  /** WebAuthn creation options for a user: discoverable, user-verified, excluding their existing passkeys. */
  private async creationOptions(userId: string, email: string, displayName: string) {
    const existing = await this.db
      .selectFrom('passkeys')
      .select(['id', 'transports'])
      .where('user_id', '=', userId)
      .execute();
    return generateRegistrationOptions({
      rpName: this.opts.rpName,
      rpID: this.opts.rpId,
      userName: email,
      userDisplayName: displayName,
      userID: uuidBytes(userId),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
  }

  private async issueSession(
    tx: Kysely<Database>,
    userId: string,
    method: 'passkey' | 'demo',
    client: ClientInfo = {},
  ): Promise<IssuedSession> {
    const user = (await repo.findUser(tx, userId))!;
    const now = this.clock.now();
    const token = newToken();
    const expiresAt = new Date(now.getTime() + this.opts.sessionTtlMs);
    const sessionId = newId(now.getTime());
    await tx
      .insertInto('sessions')
      .values({
        id: sessionId,
        token_hash: hashToken(token),
        user_id: userId,
        created_at: now,
        expires_at: expiresAt,
        revoked_at: null,
        method,
        user_agent: client.userAgent?.slice(0, 500) ?? null,
        last_seen_at: now,
      })
      .execute();
    await writeAudit(tx, this.records, {
      action: 'auth.signed_in',
      actor: { userId, officeId: user.office_id },
      subject: userId,
      details: { method, sessionId, expiresAt: expiresAt.toISOString() },
    });
    return { token, expiresAt, user: toUser(user) };
  }

  private async insertPasskey(
    tx: Kysely<Database>,
    userId: string,
    info: {
      credential: { id: string; publicKey: Uint8Array; counter: number; transports?: string[] };
      credentialDeviceType: string;
      credentialBackedUp: boolean;
    },
    name?: string,
  ): Promise<Passkey> {
    const now = this.clock.now();
    const row = {
      id: info.credential.id,
      user_id: userId,
      public_key: info.credential.publicKey,
      counter: String(info.credential.counter),
      transports: info.credential.transports ?? [],
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp,
      name: name ?? `Passkey added ${now.toISOString().slice(0, 10)}`,
      created_at: now,
      last_used_at: null,
    };
    await tx.insertInto('passkeys').values(row).execute();
    return toPasskey(row);
  }

  private async storeChallenge(
    challenge: string,
    purpose: 'register' | 'authenticate',
    userId: string | null,
    inviteId: string | null,
  ) {
    const now = this.clock.now();
    const id = newId(now.getTime());
    await this.db.deleteFrom('webauthn_challenges').where('expires_at', '<', now).execute();
    await this.db
      .insertInto('webauthn_challenges')
      .values({
        id,
        challenge,
        purpose,
        user_id: userId,
        invite_id: inviteId,
        expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS),
      })
      .execute();
    return id;
  }

  /** Single use: the row is deleted as it is read, so a replayed response finds nothing. */
  private async consumeChallenge(id: string, purpose: 'register' | 'authenticate') {
    const row = await this.db
      .deleteFrom('webauthn_challenges')
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row || row.purpose !== purpose) {
      throw new ValidationError('This sign-in attempt is unknown or was already used. Start again.', {
        field: 'challengeId',
      });
    }
    if (new Date(row.expires_at).getTime() <= this.clock.now().getTime()) {
      throw new ValidationError('This sign-in attempt took too long and expired. Start again.', {
        field: 'challengeId',
      });
    }
    return row;
  }
}

function uuidBytes(id: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(id.replace(/-/g, ''), 'hex'));
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
