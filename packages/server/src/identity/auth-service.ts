import {
  AuthenticationError,
  type Clock,
  ForbiddenError,
  GoneError,
  HotlineError,
  NotFoundError,
  ValidationError,
} from '@hotline/common';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { DevicePolicy } from '../config/device-policy.js';
import type { Actor } from '../policy/policy.js';
import { isRole } from '../policy/roles.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { PasskeyPostureError, postureRefusal } from './device-posture.js';
import { hashToken } from './identity-service.js';
import { errMessage, Passkeys, postureDetails, webauthn } from './passkeys.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import { SessionEvents } from './session-events.js';
import { type ClientInfo, type IssuedSession, type ResolvedSession, Sessions } from './sessions.js';
import { SignInRefusals } from './sign-in-refusals.js';

export type { ClientInfo, IssuedSession, ResolvedSession } from './sessions.js';

export interface AuthOptions {
  rpId: string;
  rpName: string;
  origin: string;
  sessionTtlMs: number;
  demo: boolean;
  /** Which roles need a device-bound passkey, at registration and at every sign-in. */
  devicePolicy: DevicePolicy;
}

/**
 * Signing in: registering a first passkey from an invite link, passkey sign-in (WebAuthn), and
 * demo sign-in. Passkeys (challenges, adding one) and Sessions (issue, resolve, sign out) are
 * their own concerns; this service is the one the routes call.
 */
export class AuthService {
  private readonly passkeys: Passkeys;
  private readonly sessions: Sessions;
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
    this.passkeys = new Passkeys(db, records, clock, opts);
    this.sessions = new Sessions(db, records, clock, opts.sessionTtlMs);
    this.refusals = new SignInRefusals(db, records, clock);
  }

  /** Checks an invite link and says exactly why it cannot be used. */
  async inspectInvite(token: string) {
    const row = await repo.findInvite(this.db, hashToken(token));
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
    const options = await this.passkeys.creationOptions(
      invite.userId,
      invite.email,
      invite.display_name,
      invite.roles.filter(isRole),
    );
    const challengeId = await this.passkeys.storeChallenge(
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
    const challenge = await this.passkeys.consumeChallenge(challengeId, 'register');
    const invite = await this.inspectInvite(inviteToken);
    if (challenge.invite_id !== invite.inviteId) {
      throw new ValidationError(
        'This registration was started with a different invite link; start again from your link.',
      );
    }
    const info = await this.passkeys.verifyRegistration(
      response,
      challenge.challenge,
      invite.roles.filter(isRole),
      {
        error: (why) => `The passkey could not be registered: ${why}. Try again.`,
        unverified: 'The passkey could not be verified. Try again.',
      },
    );

    return repo.transaction(this.db, async (tx) => {
      if (!(await repo.useInvite(tx, invite.inviteId, this.clock.now())))
        throw new GoneError(
          'This invite link has already been used. Sign in with your passkey.',
          'invite_used',
        );
      await this.passkeys.insert(tx, invite.userId, info, passkeyName);
      await repo.activateUser(tx, invite.userId);
      const actorRef = { userId: invite.userId, officeId: null };
      await writeAudit(tx, this.records, {
        action: 'auth.passkey_registered',
        actor: actorRef,
        subject: invite.userId,
        details: {
          credentialId: info.credential.id,
          via: 'invite',
          inviteId: invite.inviteId,
          ...postureDetails(info),
        },
      });
      return this.sessions.issue(tx, invite.userId, 'passkey', client);
    });
  }

  async authenticationOptions() {
    const { generateAuthenticationOptions } = await webauthn();
    const options = await generateAuthenticationOptions({
      rpID: this.opts.rpId,
      userVerification: 'required',
    });
    const challengeId = await this.passkeys.storeChallenge(options.challenge, 'authenticate', null, null);
    return { challengeId, options };
  }

  async verifyAuthentication(
    challengeId: string,
    response: Record<string, unknown>,
    client: ClientInfo = {},
  ): Promise<IssuedSession> {
    const challenge = await this.passkeys.consumeChallenge(challengeId, 'authenticate');
    const credentialId = typeof response.id === 'string' ? response.id : '';
    const passkey = await repo.findPasskey(this.db, credentialId);
    if (!passkey) {
      // Anyone can send these: counted per address and window, one record per window (not per attempt).
      await this.refusals.count(client.address ?? 'unknown');
      throw new AuthenticationError(
        'This passkey is not registered with Hotline. Use the passkey you registered from your invite, or ask your administrator for a new invite.',
        'unknown_passkey',
      );
    }
    if (passkey.revoked_at) {
      await this.auditFailedSignIn('passkey_revoked', passkey.user_id, passkey.id);
      throw new AuthenticationError(
        'This passkey was revoked by your administrator, so it no longer signs you in. Sign in with another of your passkeys, or ask your administrator for a new invite.',
        'passkey_revoked',
      );
    }
    const rejected = async (why: string): Promise<never> => {
      await this.auditFailedSignIn('passkey_rejected', passkey.user_id, passkey.id, why);
      throw new AuthenticationError(
        `Your passkey's answer could not be verified (${why}), so you are not signed in. Try again; if it keeps failing, sign in with another of your passkeys or ask your administrator for a new invite.`,
        'passkey_rejected',
      );
    };
    const { verifyAuthenticationResponse } = await webauthn();
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
    // The device policy for the person's roles now (a role change can make a passkey
    // non-compliant). BE cannot change over a credential's life; either reading counts.
    const backupEligible =
      passkey.backup_eligible || verification.authenticationInfo.credentialDeviceType === 'multiDevice';
    const refusal = postureRefusal(user.roles.filter(isRole), this.opts.devicePolicy, { backupEligible });
    if (refusal) {
      await this.auditFailedSignIn('passkey_not_device_bound', user.id, passkey.id, refusal);
      throw new PasskeyPostureError(refusal, 'sign-in');
    }
    return repo.transaction(this.db, async (tx) => {
      await repo.markPasskeyUsed(
        tx,
        passkey.id,
        String(verification.authenticationInfo.newCounter),
        this.clock.now(),
        verification.authenticationInfo.credentialBackedUp,
      );
      return this.sessions.issue(tx, user.id, 'passkey', client);
    });
  }

  /**
   * A refused sign-in of a registered passkey is a record in the log, naming the passkey (a
   * registered credential id is public) and never the signature, challenge or client data.
   * Unknown passkeys are counted instead (sign-in-refusals.ts).
   */
  private async auditFailedSignIn(
    reason: 'passkey_rejected' | 'account_disabled' | 'passkey_revoked' | 'passkey_not_device_bound',
    userId: string,
    credentialId: string,
    why?: string,
  ): Promise<void> {
    const user = await repo.findUser(this.db, userId);
    await repo.transaction(this.db, (tx) =>
      writeAudit(tx, this.records, {
        action: 'auth.sign_in_failed',
        actor: null,
        office: user?.office_id ?? null,
        subject: userId,
        details: { reason, credentialId, ...(why ? { why: why.slice(0, 300) } : {}) },
      }),
    );
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
    return repo.transaction(this.db, (tx) => this.sessions.issue(tx, user.id, 'demo', client));
  }

  addPasskeyOptions(actor: Actor) {
    return this.passkeys.addOptions(actor);
  }

  /** Adds a passkey for the signed-in person; returns its id. */
  verifyAddPasskey(
    actor: Actor,
    challengeId: string,
    response: Record<string, unknown>,
    name?: string,
  ): Promise<string> {
    return this.passkeys.verifyAdd(actor, challengeId, response, name);
  }

  resolveSession(token: string | undefined): Promise<ResolvedSession> {
    return this.sessions.resolve(token);
  }

  async signOut(session: ResolvedSession): Promise<void> {
    await this.sessions.signOut(session);
    this.sessionEvents.emit('ended', {
      userId: session.actor.userId,
      sessionIds: [session.sessionId],
      why: 'signed_out',
    });
  }
}
