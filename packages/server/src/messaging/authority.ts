import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '@hotline/common';
import { newSignatureKeyPair } from '@hotline/e2ee';

/**
 * The messaging authority: the authentication service's own Ed25519 key (RFC 9750 §5), in the
 * data dir (`<data>/keys/messaging-authority.key`, mode 0600), made on first use. It signs each
 * credential; clients check credentials against its public key (GET /api/v1/messaging/authority).
 */
export interface MessagingAuthority {
  publicKey: Uint8Array;
  signKey: Uint8Array;
  /** SHA-256 of the public key, hex, in groups of four: what people compare. */
  fingerprint: string;
}

export function authorityFingerprint(publicKey: Uint8Array): string {
  const hex = createHash('sha256').update(publicKey).digest('hex');
  return (hex.match(/.{4}/g) ?? []).slice(0, 8).join(' ');
}

export async function loadOrCreateAuthority(file: string): Promise<MessagingAuthority> {
  if (!existsSync(file)) {
    const kp = await newSignatureKeyPair();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const text = `${JSON.stringify({
      kind: 'hotline-messaging-authority/1',
      publicKey: Buffer.from(kp.publicKey).toString('base64'),
      signKey: Buffer.from(kp.signKey).toString('base64'),
    })}\n`;
    try {
      writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  let o: { kind?: string; publicKey?: string; signKey?: string };
  try {
    o = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(
      'messaging authority key',
      `${file} is not readable JSON: ${(err as Error).message}`,
    );
  }
  if (o.kind !== 'hotline-messaging-authority/1' || !o.publicKey || !o.signKey)
    throw new ConfigError(
      'messaging authority key',
      `${file} is not a messaging authority key; move it away and Hotline makes a new one (every device then asks for new credentials)`,
    );
  const publicKey = new Uint8Array(Buffer.from(o.publicKey, 'base64'));
  return {
    publicKey,
    signKey: new Uint8Array(Buffer.from(o.signKey, 'base64')),
    fingerprint: authorityFingerprint(publicKey),
  };
}
