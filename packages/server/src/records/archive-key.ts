import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { randomPool } from '@hotline/common';

/**
 * Content is encrypted at rest under the archive key (AES-256-GCM). The stored form is
 * nonce(12) ‖ ciphertext ‖ tag(16). The digest in the leaf is over the plaintext, so a verifier
 * holding the key checks that the decrypted content is exactly what the log committed to.
 */
export class ArchiveCipher {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error('archive key must be 32 bytes');
  }

  static generateKey(): Uint8Array {
    return new Uint8Array(randomBytes(32));
  }

  /** A fresh random 96-bit nonce per call (drawn from the CSPRNG in blocks: RandomPool in @hotline/common). */
  seal(plain: Uint8Array): Uint8Array {
    const out = new Uint8Array(12 + plain.length + 16);
    const nonce = randomPool.take(12);
    out.set(nonce, 0);
    const c = createCipheriv('aes-256-gcm', this.key, nonce);
    let o = 12;
    const body = c.update(plain);
    out.set(body, o);
    o += body.length;
    const rest = c.final();
    out.set(rest, o);
    o += rest.length;
    out.set(c.getAuthTag(), o);
    return out;
  }

  /** A secret for another purpose (e.g. cookie signing), derived so one key file suffices. */
  deriveSecret(label: string): string {
    return createHmac('sha256', this.key).update(`hotline:${label}`).digest('base64url');
  }

  open(sealed: Uint8Array): Uint8Array {
    if (sealed.length < 28) throw new Error('sealed content is too short to be valid');
    const buf = Buffer.from(sealed);
    const d = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return new Uint8Array(Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]));
  }
}
