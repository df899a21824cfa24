import { type Clock, MINUTE, NotFoundError, newId, ValidationError } from '@hotline/common';
import type { Role } from '@hotline/contract';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { DevicePolicy } from '../config/device-policy.js';
import type { Actor } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { attestationFor, PasskeyPostureError, postureRefusal } from './device-posture.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The WebAuthn library, loaded at the first passkey ceremony (not at every start: ~0.5 s). */
export const webauthn = () => import('@simplewebauthn/server');

const CHALLENGE_TTL_MS = 5 * MINUTE;

export interface WebAuthnOptions {
  rpId: string;
  rpName: string;
  origin: string;
  devicePolicy: DevicePolicy;
}

/** What a verified registration gives: the credential to store, with what it said about itself. */
export interface RegisteredCredential {
  credential: { id: string; publicKey: Uint8Array; counter: number; transports?: string[] };
  credentialDeviceType: string;
  credentialBackedUp: boolean;
  userVerified: boolean;
  aaguid: string;
  fmt: string;
  /** The statement carried a certificate chain (x5c) and verified: not 'none', not self attestation. */
  attestationVerified: boolean;
}

/**
 * Passkeys (WebAuthn): single-use challenges, creation options, storing a registered
 * credential, and a signed-in person adding another passkey.
 */
export class Passkeys {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly opts: WebAuthnOptions,
  ) {}

  /**
   * WebAuthn creation options for a user: discoverable, user-verified, excluding their existing
   * passkeys. Roles under the device-bound rule are asked for attestation ('direct'), recorded
   * when given, never required.
   */
  async creationOptions(userId: string, email: string, displayName: string, roles: readonly Role[]) {
    const existing = await repo.passkeyCredentials(this.db, userId);
    const { generateRegistrationOptions } = await webauthn();
    return generateRegistrationOptions({
      rpName: this.opts.rpName,
      rpID: this.opts.rpId,
      userName: email,
      userDisplayName: displayName,
      userID: uuidBytes(userId),
      attestationType: attestationFor(roles, this.opts.devicePolicy),
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
  }

  /**
   * Verifies a registration response against its challenge (user verification required), then
   * the device policy for the person's roles; `failed` words the error.
   */
  async verifyRegistration(
    response: Record<string, unknown>,
    expectedChallenge: string,
    roles: readonly Role[],
    failed: { error: (why: string) => string; unverified: string },
  ): Promise<RegisteredCredential> {
    const { verifyRegistrationResponse } = await webauthn();
    const verification = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge,
      expectedOrigin: this.opts.origin,
      expectedRPID: this.opts.rpId,
      requireUserVerification: true,
    }).catch((err: unknown) => {
      throw new ValidationError(failed.error(errMessage(err)));
    });
    if (!verification.verified) throw new ValidationError(failed.unverified);
    const info = verification.registrationInfo;
    const backupEligible = info.credentialDeviceType === 'multiDevice';
    const refusal = postureRefusal(roles, this.opts.devicePolicy, { backupEligible });
    if (refusal) throw new PasskeyPostureError(refusal, 'register');
    let hasChain = false;
    const { decodeAttestationObject } = await import('@simplewebauthn/server/helpers');
    try {
      hasChain = decodeAttestationObject(info.attestationObject).get('attStmt').get('x5c') !== undefined;
    } catch {
      hasChain = false;
    }
    return {
      ...info,
      attestationVerified: info.fmt !== 'none' && hasChain,
    };
  }

  /** Stores a verified credential for the user, in the caller's transaction; returns its id. */
  async insert(tx: Db, userId: string, info: RegisteredCredential, name?: string): Promise<string> {
    const now = this.clock.now();
    await repo.insertPasskey(tx, {
      id: info.credential.id,
      user_id: userId,
      public_key: info.credential.publicKey,
      counter: String(info.credential.counter),
      transports: info.credential.transports ?? [],
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp,
      backup_eligible: info.credentialDeviceType === 'multiDevice',
      user_verified: info.userVerified,
      aaguid: info.aaguid,
      attestation_fmt: info.fmt,
      attestation_verified: info.attestationVerified,
      name: name ?? `Passkey added ${now.toISOString().slice(0, 10)}`,
      created_at: now,
      last_used_at: null,
    });
    return info.credential.id;
  }

  async storeChallenge(
    challenge: string,
    purpose: 'register' | 'authenticate',
    userId: string | null,
    inviteId: string | null,
  ): Promise<string> {
    const now = this.clock.now();
    const id = newId(now.getTime());
    await repo.storeChallenge(
      this.db,
      {
        id,
        challenge,
        purpose,
        user_id: userId,
        invite_id: inviteId,
        expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS),
      },
      now,
    );
    return id;
  }

  /** Single use: the row is deleted as it is read, so a replayed response finds nothing. */
  async consumeChallenge(id: string, purpose: 'register' | 'authenticate') {
    const row = await repo.takeChallenge(this.db, id);
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

  /** Options for a signed-in person to add a passkey. */
  async addOptions(actor: Actor) {
    const user = await repo.findUser(this.db, actor.userId);
    if (!user) throw new NotFoundError('user', actor.userId);
    const options = await this.creationOptions(user.id, user.email, user.display_name, actor.roles);
    const challengeId = await this.storeChallenge(options.challenge, 'register', user.id, null);
    return { challengeId, options };
  }

  /** A signed-in person adds a passkey: one transaction with its record. Returns the passkey's id. */
  async verifyAdd(
    actor: Actor,
    challengeId: string,
    response: Record<string, unknown>,
    name?: string,
  ): Promise<string> {
    const challenge = await this.consumeChallenge(challengeId, 'register');
    if (challenge.user_id !== actor.userId || challenge.invite_id) {
      throw new ValidationError('This registration belongs to another session; start again.');
    }
    const info = await this.verifyRegistration(response, challenge.challenge, actor.roles, {
      error: (why) => `The passkey could not be registered: ${why}.`,
      unverified: 'The passkey could not be verified.',
    });
    return repo.transaction(this.db, async (tx) => {
      const id = await this.insert(tx, actor.userId, info, name);
      await writeAudit(tx, this.records, {
        action: 'auth.passkey_registered',
        actor,
        subject: actor.userId,
        details: { credentialId: id, via: 'profile', ...postureDetails(info) },
      });
      return id;
    });
  }
}

/** What the record of a registration says about the passkey's device. */
export function postureDetails(info: RegisteredCredential) {
  return {
    backupEligible: info.credentialDeviceType === 'multiDevice',
    userVerified: info.userVerified,
    aaguid: info.aaguid,
    attestationFmt: info.fmt,
    attestationVerified: info.attestationVerified,
  };
}

function uuidBytes(id: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(id.replace(/-/g, ''), 'hex'));
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
