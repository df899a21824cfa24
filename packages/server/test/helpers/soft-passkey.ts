import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

/**
 * A software passkey (a platform authenticator in a few lines): ES256, attestation "none", user
 * present and verified. It answers the server's real WebAuthn options so the register, sign-in
 * and add-passkey routes can be exercised end to end without a browser.
 */
export interface SoftPasskey {
  /** The credential id, base64url (what the server stores as the passkey's id). */
  id: string;
  /** A registration response (PublicKeyCredential JSON) for creation options from the server. */
  register(options: { challenge: string }): Record<string, unknown>;
  /** An authentication response for request options from the server. */
  authenticate(options: { challenge: string }, userHandle?: string): Record<string, unknown>;
}

const b64url = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');

export function softPasskey(origin: string, rpId: string): SoftPasskey {
  const credId = randomBytes(32);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const rpIdHash = createHash('sha256').update(rpId).digest();
  let counter = 0;

  const clientData = (type: 'webauthn.create' | 'webauthn.get', challenge: string) =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const counterBytes = () => {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    return c;
  };

  return {
    id: b64url(credId),
    register(options) {
      // COSE_Key: kty EC2, alg ES256, crv P-256, x, y.
      const cose = new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, new Uint8Array(Buffer.from(jwk.x!, 'base64url'))],
        [-3, new Uint8Array(Buffer.from(jwk.y!, 'base64url'))],
      ]);
      const idLen = Buffer.alloc(2);
      idLen.writeUInt16BE(credId.length);
      const authData = Buffer.concat([
        rpIdHash,
        Buffer.from([0x01 | 0x04 | 0x40]), // user present, user verified, attested credential data
        counterBytes(),
        Buffer.alloc(16), // AAGUID
        idLen,
        credId,
        Buffer.from(isoCBOR.encode(cose)),
      ]);
      const attestation = isoCBOR.encode(
        new Map<string, unknown>([
          ['fmt', 'none'],
          ['attStmt', new Map()],
          ['authData', new Uint8Array(authData)],
        ]) as never,
      );
      return {
        id: b64url(credId),
        rawId: b64url(credId),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge)),
          attestationObject: b64url(attestation),
          transports: ['internal'],
        },
      };
    },
    authenticate(options, userHandle) {
      counter += 1;
      const authData = Buffer.concat([rpIdHash, Buffer.from([0x01 | 0x04]), counterBytes()]);
      const cd = clientData('webauthn.get', options.challenge);
      const signature = sign(
        'sha256',
        Buffer.concat([authData, createHash('sha256').update(cd).digest()]),
        privateKey,
      );
      return {
        id: b64url(credId),
        rawId: b64url(credId),
        type: 'public-key',
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
        response: {
          clientDataJSON: b64url(cd),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          ...(userHandle ? { userHandle } : {}),
        },
      };
    },
  };
}
