import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { randomPool } from '@hotline/common';

/**
 * Content is encrypted at rest under the archive key (AES-256-GCM). The stored form is
 * nonce(12) ‖ ciphertext ‖ tag(16). The digest in the leaf is over the plaintext, so a verifier
 * holding the key checks that the decrypted content is exactly what the log committed to.
 */
export class ArchiveCipher {
  /** Names the key (stored with each sealed row) without revealing it. */
  readonly keyId: string;
  /** Keys replaced by a rotation, kept to read content not yet re-sealed. */
  private retired: ArchiveCipher[] = [];
  /** Set by wipe(): the key bytes are zeroes now and the cipher refuses to work. */
  private wiped = false;

  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new Error('archive key must be 32 bytes');
    this.keyId = createHmac('sha256', key).update('hotline:archive-key-id').digest('hex').slice(0, 16);
  }

  withRetired(retired: ArchiveCipher[]): this {
    this.retired = retired.filter((c) => c.keyId !== this.keyId);
    return this;
  }

  get retiredKeyIds(): string[] {
    return this.retired.map((c) => c.keyId);
  }

  /** Open content sealed under the key `keyId` (null: a row from before key ids, try each key). */
  openKeyed(sealed: Uint8Array, keyId: string | null): Uint8Array {
    if (keyId === this.keyId) return this.open(sealed);
    if (keyId !== null) {
      const old = this.retired.find((c) => c.keyId === keyId);
      if (!old)
        throw new Error(
          `content is sealed under archive key ${keyId}, which is not loaded; restore its retired key file next to the archive key`,
        );
      return old.open(sealed);
    }
    for (const c of [this, ...this.retired]) {
      try {
        return c.open(sealed);
      } catch {
        // not this key
      }
    }
    throw new Error('content does not open under the archive key or any retired archive key');
  }

  /**
   * Overwrite the key bytes with zeroes (and those of every retired key): used when a key was
   * rebuilt from custodians' shares for one act. The cipher refuses to seal or open afterwards.
   */
  wipe(): void {
    this.key.fill(0);
    this.wiped = true;
    for (const r of this.retired) r.wipe();
  }

  private assertUsable(): void {
    if (this.wiped) throw new Error('the archive key was wiped after the act it was opened for');
  }

  static generateKey(): Uint8Array {
    return new Uint8Array(randomBytes(32));
  }

  /** A fresh random 96-bit nonce per call (drawn from the CSPRNG in blocks: RandomPool in @hotline/common). */
  seal(plain: Uint8Array): Uint8Array {
    this.assertUsable();
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

  open(sealed: Uint8Array): Uint8Array {
    this.assertUsable();
    if (sealed.length < 28) throw new Error('sealed content is too short to be valid');
    const buf = Buffer.from(sealed);
    const d = createDecipheriv('aes-256-gcm', this.key, buf.subarray(0, 12));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return new Uint8Array(Buffer.concat([d.update(buf.subarray(12, buf.length - 16)), d.final()]));
  }
}
