import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { HotlineError, randomPool } from '@hotline/common';

/**
 * What the server holds of the archive key: it seals new content, and opens sealed content
 * when it holds the private part. The symmetric ArchiveCipher (the key in `archive.key`) and
 * the X25519 archive key (archive-key-x25519.ts; only its public half on a split server) are both.
 */
export interface ArchiveKeyring {
  /** The fingerprint of the key new content is sealed under (stored with each row). */
  readonly keyId: string;
  /** Older keys kept to read content not yet re-sealed. */
  readonly retiredKeyIds: string[];
  /** False on a split server: only the public key is here, opening needs custodians' shares. */
  readonly canOpen: boolean;
  /** Seal contents (one batch: a sealing to a public key wraps one data key for all of them). */
  sealBatch(plains: readonly Uint8Array[]): Promise<Uint8Array[]>;
  /** Open content sealed under `keyId` (null: a row from before key ids). */
  openSealed(sealed: Uint8Array, keyId: string | null): Promise<Uint8Array>;
  /** Overwrite the key bytes with zeroes; the keyring refuses to work afterwards. */
  wipe(): void;
}

/** Sealed content read on a server that holds only the archive's public key. */
export class ArchiveSealedError extends HotlineError {
  constructor(detail: string, extras: { keyId: string; threshold?: number; of?: number }) {
    super(409, 'archive_sealed', 'Sealed: opening needs the archive key custodians', detail, extras);
  }
}

/**
 * Content is encrypted at rest under the archive key (AES-256-GCM). The stored form is
 * nonce(12) ‖ ciphertext ‖ tag(16). The digest in the leaf is over the plaintext, so a verifier
 * holding the key checks that the decrypted content is exactly what the log committed to.
 */
export class ArchiveCipher implements ArchiveKeyring {
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

  readonly canOpen = true;

  async sealBatch(plains: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return plains.map((p) => this.seal(p));
  }

  async openSealed(sealed: Uint8Array, keyId: string | null): Promise<Uint8Array> {
    return this.openKeyed(sealed, keyId);
  }

  /** Whether `keyId` names this key or one of its retired keys. */
  holds(keyId: string): boolean {
    return keyId === this.keyId || this.retired.some((c) => c.keyId === keyId);
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
    return sealAesGcm(this.key, plain);
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

/**
 * AES-256-GCM under `key` with a fresh random 96-bit nonce (RandomPool): `header` ‖ nonce(12) ‖
 * ciphertext ‖ tag(16), written into one buffer. Both the symmetric archive key and the public-key
 * sealer's data keys seal this way.
 */
export function sealAesGcm(key: Uint8Array, plain: Uint8Array, header?: Uint8Array): Uint8Array {
  const h = header?.length ?? 0;
  const out = new Uint8Array(h + 12 + plain.length + 16);
  if (header) out.set(header, 0);
  const nonce = randomPool.take(12);
  out.set(nonce, h);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  let o = h + 12;
  const body = c.update(plain);
  out.set(body, o);
  o += body.length;
  const rest = c.final();
  out.set(rest, o);
  o += rest.length;
  out.set(c.getAuthTag(), o);
  return out;
}
