import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software passkey authenticator for tests: ES256 key pairs, a signature counter, and the
 * device flags a real one reports: user verified (UV), backup eligible (BE: a synced passkey)
 * and backed up (BS), an AAGUID, and "none" or "packed" self attestation. It answers the
 * server's real WebAuthn options the way a browser and authenticator would, so the server
 * verifies real signatures.
 */
export interface SoftAuthenticatorFlags {
  /** UV: the user was verified (PIN, biometrics). Default true. */
  userVerified?: boolean;
  /** BE: the credential may be synced (a synced passkey). Default false (device-bound). */
  backupEligible?: boolean;
  /** BS: the credential is backed up now (only meaningful with BE). Default = backupEligible. */
  backedUp?: boolean;
  /** The AAGUID to report (default all zeros, as a browser hiding the model sends). */
  aaguid?: string;
  /** Attestation format: 'none' (default) or 'packed' self attestation. */
  attestation?: 'none' | 'packed';
}
export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

const b64url = (b: Uint8Array | Buffer | string) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(
    readonly origin: string,
    readonly rpId = new URL(origin).hostname,
    flags: SoftAuthenticatorFlags = {},
  ) {
    this.flags = { ...flags };
  }

  /** This authenticator's flags (its own copy: a test may change them between ceremonies). */
  readonly flags: SoftAuthenticatorFlags;

  /** The flags byte: UP always, UV/BE/BS as configured, plus `extra` (e.g. AT for registration). */
  private flagsByte(extra = 0): number {
    const uv = this.flags.userVerified ?? true;
    const be = this.flags.backupEligible ?? false;
    const bs = this.flags.backedUp ?? be;
    return 0x01 | (uv ? 0x04 : 0) | (be ? 0x08 : 0) | (bs ? 0x10 : 0) | extra;
  }

  /** Answer registration options (navigator.credentials.create). */
  register(options: Record<string, unknown>): Record<string, unknown> {
    const challenge = String(options.challenge);
    const user = options.user as { id: string };
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = isoCBOR.encode(
      new Map<string | number, number | Uint8Array>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const rawId = randomBytes(32);
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(rawId.length);
    const aaguid = this.flags.aaguid
      ? Buffer.from(this.flags.aaguid.replace(/-/g, ''), 'hex')
      : Buffer.alloc(16);
    const authData = Buffer.concat([
      sha256(this.rpId),
      Buffer.from([this.flagsByte(0x40)]), // + attested credential data
      Buffer.alloc(4), // sign count 0
      aaguid,
      idLen,
      rawId,
      Buffer.from(cose),
    ]);
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.create',
      challenge,
      origin: this.origin,
      crossOrigin: false,
    });
    // "packed" self attestation: the new credential's key signs authData || hash(clientData).
    const attStmt =
      this.flags.attestation === 'packed'
        ? new Map<string, number | Uint8Array>([
            ['alg', -7],
            ['sig', sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), privateKey)],
          ])
        : new Map<string, number | Uint8Array>();
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, number | Uint8Array>>([
        ['fmt', this.flags.attestation ?? 'none'],
        ['attStmt', attStmt],
        ['authData', authData],
      ]),
    );
    const cred: SoftCredential = { id: b64url(rawId), privateKey, userHandle: user.id, counter: 0 };
    this.credentials.push(cred);
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answer authentication options (navigator.credentials.get) with a credential, by default the last. */
  authenticate(
    options: Record<string, unknown>,
    cred: SoftCredential | undefined = this.credentials.at(-1),
  ): Record<string, unknown> {
    if (!cred) throw new Error('this soft authenticator holds no credential');
    cred.counter += 1;
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(cred.counter);
    const authenticatorData = Buffer.concat([sha256(this.rpId), Buffer.from([this.flagsByte()]), counter]);
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.get',
      challenge: String(options.challenge),
      origin: this.origin,
      crossOrigin: false,
    });
    const signature = sign(
      'sha256',
      Buffer.concat([authenticatorData, sha256(clientDataJSON)]),
      cred.privateKey,
    );
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        userHandle: cred.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

/** The same assertion with one bit of its signature flipped. */
export function withBadSignature(assertion: Record<string, unknown>): Record<string, unknown> {
  const response = assertion.response as Record<string, string>;
  const sig = Buffer.from(response.signature!, 'base64url');
  const last = sig.length - 1;
  sig[last] = (sig[last] ?? 0) ^ 0x01;
  return { ...assertion, response: { ...response, signature: sig.toString('base64url') } };
}

/** An assertion signed by a key the server never saw, for a credential id it knows. */
export function signedByAnotherKey(
  auth: SoftAuthenticator,
  options: Record<string, unknown>,
  cred: SoftCredential,
): Record<string, unknown> {
  const impostor: SoftCredential = {
    ...cred,
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  };
  const a = auth.authenticate(options, impostor);
  cred.counter = impostor.counter;
  return a;
}
