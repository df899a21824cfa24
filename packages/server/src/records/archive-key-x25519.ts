import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { type ArchiveCipher, type ArchiveKeyring, ArchiveSealedError, sealAesGcm } from './archive-key.js';

/**
 * Content sealed to the archive's X25519 public key, so that a server holding only the public
 * key seals new content and cannot read any (README, "Custodians of the archive key").
 *
 * HPKE (RFC 9180) base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, wraps a
 * fresh 256-bit data key; the content is AES-256-GCM under the data key. One HPKE encapsulation
 * costs milliseconds, so a data key seals a whole batch (one `sealBatch` call: a transaction's
 * contents, a re-seal batch) and is reused for later batches for up to 10,000 contents or one
 * minute (see DEK_USES), rather than one content. Stored form:
 *
 *   "HPK" 0x01 (4) ‖ enc (32) ‖ HPKE-sealed data key (48) ‖ nonce (12) ‖ ciphertext ‖ tag (16)
 *
 * The 4-byte tag tells these rows from the symmetric ones (nonce ‖ ciphertext ‖ tag), whose
 * `key_id` names a symmetric key anyway. The HPKE AAD is the key id, the info a fixed label.
 */
export const SEALED_TAG = Uint8Array.from([0x48, 0x50, 0x4b, 0x01]);
const ENC = 32;
const WRAPPED = 48;
const HEADER = SEALED_TAG.length + ENC + WRAPPED;
const INFO = new TextEncoder().encode('hotline archive data key v1');
/** Data keys unwrapped while opening, kept for the act (rows of one batch share one). */
const DEK_CACHE = 4096;
/**
 * A sealing data key is reused, across batches, for at most this many contents and this long:
 * an HPKE encapsulation (WebCrypto, on the thread pool) costs milliseconds, which every one-record
 * transaction on a split server would otherwise pay. Whoever could read the data key from the
 * server's memory in that window could as well read the content itself as it arrives.
 */
const DEK_USES = 10_000;
const DEK_MS = 60_000;

const suite = new CipherSuite({
  kem: new DhkemX25519HkdfSha256(),
  kdf: new HkdfSha256(),
  aead: new Aes256Gcm(),
});

/** The archive key id of an X25519 public key: a fingerprint, revealing nothing of the key. */
export function x25519KeyId(publicKey: Uint8Array): string {
  return createHash('sha256')
    .update('hotline:archive-public-key\n')
    .update(publicKey)
    .digest('hex')
    .slice(0, 16);
}

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

/** The public key of a 32-byte X25519 private key. */
export function x25519PublicOf(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32) throw new Error('an X25519 private key is 32 bytes');
  const der = Buffer.concat([PKCS8_X25519, privateKey]);
  try {
    const jwk = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
      format: 'jwk',
    });
    return new Uint8Array(Buffer.from(jwk.x!, 'base64url'));
  } finally {
    der.fill(0);
  }
}

/** A new X25519 key pair, raw 32-byte keys. */
export function generateX25519(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return {
    privateKey: new Uint8Array(Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url')),
    publicKey: new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url')),
  };
}

/** Whether stored bytes carry the tag of content sealed to an archive public key. */
export function isPublicKeySealed(sealed: Uint8Array): boolean {
  return sealed.length >= HEADER && SEALED_TAG.every((b, i) => sealed[i] === b);
}

/** The split a public-key-only server names in its "sealed" answers. */
export interface SplitInfo {
  threshold: number;
  of: number;
  split?: string;
}

export class X25519ArchiveKey implements ArchiveKeyring {
  readonly keyId: string;
  private readonly aad: Uint8Array;
  private privateKey: Uint8Array | null;
  private retired: ArchiveCipher[] = [];
  private recipientPublic?: Promise<CryptoKey>;
  private recipientPrivate?: Promise<CryptoKey>;
  private readonly deks = new Map<string, Uint8Array>();
  private sealing: { dek: Uint8Array; header: Uint8Array; uses: number; until: number } | null = null;
  private nextSealing: Promise<void> | null = null;
  private wiped = false;

  private constructor(
    readonly publicKey: Uint8Array,
    privateKey: Uint8Array | null,
    readonly split: SplitInfo | null,
  ) {
    if (publicKey.length !== 32) throw new Error('an X25519 public key is 32 bytes');
    this.keyId = x25519KeyId(publicKey);
    this.aad = new TextEncoder().encode(this.keyId);
    this.privateKey = privateKey;
  }

  /** The pair, from the private key (an unsplit server's `archive.key`, or one rebuilt from shares). */
  static fromPrivate(privateKey: Uint8Array, split: SplitInfo | null = null): X25519ArchiveKey {
    return new X25519ArchiveKey(x25519PublicOf(privateKey), privateKey, split);
  }

  /** The public key only: a split server seals, and cannot open. */
  static fromPublic(publicKey: Uint8Array, split: SplitInfo | null = null): X25519ArchiveKey {
    return new X25519ArchiveKey(publicKey, null, split);
  }

  /** A copy of the private key (for splitting it into shares; the caller zeroes it). */
  exportPrivateKey(): Uint8Array {
    this.assertUsable();
    if (!this.privateKey) throw new Error('this server holds only the archive public key');
    return new Uint8Array(this.privateKey);
  }

  get canOpen(): boolean {
    return this.privateKey !== null;
  }

  withRetired(retired: ArchiveCipher[]): this {
    this.retired = retired;
    return this;
  }

  get retiredKeyIds(): string[] {
    return this.retired.map((c) => c.keyId);
  }

  /** Whether `keyId` names this key or one of its retired keys. */
  holds(keyId: string): boolean {
    return keyId === this.keyId || this.retired.some((c) => c.holds(keyId));
  }

  private assertUsable(): void {
    if (this.wiped) throw new Error('the archive key was wiped after the act it was opened for');
  }

  /** The sealing data key (wrapped to the public key in its header), renewed when spent. */
  private async dataKey(count: number): Promise<{ dek: Uint8Array; header: Uint8Array }> {
    for (;;) {
      const cur = this.sealing;
      if (cur && cur.uses + count <= DEK_USES && Date.now() < cur.until) {
        cur.uses += count;
        return cur;
      }
      // One renewal at a time; concurrent batches wait for it.
      if (!this.nextSealing)
        this.nextSealing = this.renewDataKey().finally(() => {
          this.nextSealing = null;
        });
      await this.nextSealing;
      this.assertUsable();
    }
  }

  private async renewDataKey(): Promise<void> {
    const dek = new Uint8Array(randomBytes(32));
    this.recipientPublic ??= suite.kem.deserializePublicKey(this.publicKey);
    const { enc, ct } = await suite.seal(
      { recipientPublicKey: await this.recipientPublic, info: INFO },
      dek,
      this.aad,
    );
    const header = new Uint8Array(HEADER);
    header.set(SEALED_TAG, 0);
    header.set(new Uint8Array(enc), SEALED_TAG.length);
    header.set(new Uint8Array(ct), SEALED_TAG.length + ENC);
    this.sealing?.dek.fill(0);
    this.sealing = { dek, header, uses: 0, until: Date.now() + DEK_MS };
  }

  async sealBatch(plains: readonly Uint8Array[]): Promise<Uint8Array[]> {
    this.assertUsable();
    if (plains.length === 0) return [];
    const { dek, header } = await this.dataKey(plains.length);
    return plains.map((plain) => sealAesGcm(dek, plain, header));
  }

  async openSealed(sealed: Uint8Array, keyId: string | null): Promise<Uint8Array> {
    this.assertUsable();
    if (keyId === this.keyId || (keyId === null && isPublicKeySealed(sealed))) return this.open(sealed);
    if (keyId !== null) {
      const old = this.retired.find((c) => c.holds(keyId));
      if (!old)
        throw new Error(
          `content is sealed under archive key ${keyId}, which is not loaded; restore its key file next to the archive key`,
        );
      return old.openKeyed(sealed, keyId);
    }
    for (const c of this.retired) {
      try {
        return c.openKeyed(sealed, null);
      } catch {
        // not this key
      }
    }
    throw new Error('content does not open under the archive key or any retired archive key');
  }

  private async open(sealed: Uint8Array): Promise<Uint8Array> {
    if (!this.privateKey)
      throw new ArchiveSealedError(
        `This content is sealed to archive key ${this.keyId}, whose private key this server does not hold: ${
          this.split
            ? `opening it needs ${this.split.threshold} of the ${this.split.of} custodians' shares`
            : "opening it needs the custodians' shares"
        }. Open it with the shares (it is recorded who took part).`,
        { keyId: this.keyId, ...(this.split ? { threshold: this.split.threshold, of: this.split.of } : {}) },
      );
    if (!isPublicKeySealed(sealed) || sealed.length < HEADER + 28)
      throw new Error(`content under archive key ${this.keyId} is not in the sealed form it should have`);
    const buf = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const cacheKey = buf.subarray(SEALED_TAG.length, HEADER).toString('base64');
    let dek = this.deks.get(cacheKey);
    if (!dek) {
      this.recipientPrivate ??= suite.kem.deserializePrivateKey(this.privateKey);
      dek = new Uint8Array(
        await suite.open(
          {
            recipientKey: await this.recipientPrivate,
            enc: sealed.slice(SEALED_TAG.length, SEALED_TAG.length + ENC),
            info: INFO,
          },
          sealed.slice(SEALED_TAG.length + ENC, HEADER),
          this.aad,
        ),
      );
      if (this.deks.size >= DEK_CACHE) this.forgetDataKeys();
      this.deks.set(cacheKey, dek);
    }
    const d = createDecipheriv('aes-256-gcm', dek, buf.subarray(HEADER, HEADER + 12));
    d.setAuthTag(buf.subarray(buf.length - 16));
    return new Uint8Array(Buffer.concat([d.update(buf.subarray(HEADER + 12, buf.length - 16)), d.final()]));
  }

  private forgetDataKeys(): void {
    for (const k of this.deks.values()) k.fill(0);
    this.deks.clear();
  }

  /**
   * Zero the private key bytes, every data key unwrapped with it and every retired key. (The
   * WebCrypto key object made from the private key cannot be overwritten; it is dropped here.)
   */
  wipe(): void {
    this.privateKey?.fill(0);
    this.privateKey = null;
    this.recipientPrivate = undefined;
    this.forgetDataKeys();
    this.sealing?.dek.fill(0);
    this.sealing = null;
    this.wiped = true;
    for (const r of this.retired) r.wipe();
  }
}
