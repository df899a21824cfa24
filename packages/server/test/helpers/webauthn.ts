import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software passkey authenticator for tests: ES256 key pairs, "none" attestation, user
 * verified, a signature counter. It answers the server's real WebAuthn options the way a
 * browser and platform authenticator would, so the server verifies real signatures.
 */
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
  ) {}

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
    const authData = Buffer.concat([
      sha256(this.rpId),
      Buffer.from([0x45]), // user present, user verified, attested credential data
      Buffer.alloc(4), // sign count 0
      Buffer.alloc(16), // AAGUID
      idLen,
      rawId,
      Buffer.from(cose),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Uint8Array | Map<string, string>>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = JSON.stringify({
      type: 'webauthn.create',
      challenge,
      origin: this.origin,
      crossOrigin: false,
    });
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
    const authenticatorData = Buffer.concat([sha256(this.rpId), Buffer.from([0x05]), counter]);
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
