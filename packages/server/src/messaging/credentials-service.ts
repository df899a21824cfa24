import { type Clock, ForbiddenError, NotFoundError, newId, ValidationError } from '@hotline/common';
import { type Credential, signCredential, toHex } from '@hotline/e2ee';
import type { Actor } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import type { MessagingAuthority } from './authority.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/**
 * The authentication service (RFC 9750 §5): it binds a device's MLS signature key to a person and
 * device with the messaging authority's signature. Issued only to a session signed in with a
 * passkey (or, on a demo server, with demo sign-in). A device's new credential ends its earlier
 * ones; key packages and conversations are accepted only with a signature key that has a live
 * credential of that person and device.
 */
export class CredentialsService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly authority: () => Promise<MessagingAuthority>,
    private readonly demo: boolean,
  ) {}

  async authorityKey() {
    const a = await this.authority();
    return { publicKey: b64(a.publicKey), fingerprint: a.fingerprint };
  }

  async issue(
    actor: Actor,
    method: 'passkey' | 'demo',
    body: { deviceId: string; signaturePublicKey: string },
  ): Promise<Credential> {
    if (method !== 'passkey' && !(method === 'demo' && this.demo))
      throw new ForbiddenError(
        'Messaging credentials are issued to a session signed in with a passkey. Sign in with your passkey, then try again.',
      );
    const deviceId = body.deviceId.trim();
    if (!/^[A-Za-z0-9._:-]{1,100}$/.test(deviceId))
      throw new ValidationError('deviceId must be 1-100 letters, digits, or . _ : - (no spaces).', {
        field: 'deviceId',
      });
    const key = Buffer.from(body.signaturePublicKey, 'base64');
    if (key.length !== 32 || key.toString('base64') !== body.signaturePublicKey)
      throw new ValidationError('signaturePublicKey must be an Ed25519 public key: 32 bytes, base64.', {
        field: 'signaturePublicKey',
      });
    const authority = await this.authority();
    const now = this.clock.now();
    return repo.transaction(this.db, async (tx) => {
      const taken = await repo.credentialByKey(tx, key);
      if (taken)
        throw new ValidationError(
          taken.user_id === actor.userId && taken.device_id === deviceId
            ? 'This signature key already has a credential; a device asks again only with a new key.'
            : 'This signature key belongs to another device; make a new key pair for this device.',
          { field: 'signaturePublicKey' },
        );
      const cred = await signCredential(authority.signKey, {
        officeId: actor.officeId,
        personId: actor.userId,
        deviceId,
        signaturePublicKey: body.signaturePublicKey,
        issuedAt: now.toISOString(),
      });
      const revoked = await repo.revokeDeviceCredentials(tx, actor.userId, deviceId, now);
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.credential_issued',
        actor,
        subject: actor.userId,
        details: {
          deviceId,
          signatureKey: toHex(key),
          sessionMethod: method,
          replaced: revoked.map((r) => r.id),
        },
      });
      await repo.insertCredential(tx, {
        id: newId(now.getTime()),
        office_id: actor.officeId,
        user_id: actor.userId,
        device_id: deviceId,
        signature_public_key: key,
        issued_at: now,
        signature: Buffer.from(cred.signature, 'base64'),
        session_method: method,
        record_seq: String(rec.seq),
      });
      return cred;
    });
  }

  /**
   * Remove one of the caller's devices (a lost phone, a browser no longer used): its credential
   * ends and its unused key packages are dropped, so no one can add it again and the caller's other
   * devices remove its leaf from each conversation on their next sync. One transaction, audited.
   */
  async revoke(actor: Actor, deviceId: string): Promise<{ deviceId: string; revoked: number }> {
    const now = this.clock.now();
    return repo.transaction(this.db, async (tx) => {
      const revoked = await repo.revokeDeviceCredentials(tx, actor.userId, deviceId, now);
      if (revoked.length === 0)
        throw new NotFoundError('messaging device', `${deviceId} (yours, with a live credential)`);
      await repo.dropDeviceKeyPackages(tx, actor.userId, deviceId);
      await writeAudit(tx, this.records, {
        action: 'messaging.credential_revoked',
        actor,
        subject: actor.userId,
        details: { deviceId, credentials: revoked.map((r) => r.id) },
      });
      return { deviceId, revoked: revoked.length };
    });
  }

  /** A person's live credentials (every device; revoked ones left out). */
  async of(personId: string): Promise<{ items: Credential[] }> {
    const rows = await repo.credentialsOf(this.db, personId);
    return {
      items: rows.map((r) => ({
        officeId: r.office_id,
        personId: r.user_id,
        deviceId: r.device_id,
        signaturePublicKey: b64(r.signature_public_key),
        issuedAt: new Date(r.issued_at).toISOString(),
        signature: b64(r.signature),
      })),
    };
  }
}
