import { describe, expect, it } from 'vitest';
import { ArchiveCipher, ArchiveSealedError } from '../../src/records/archive-key.js';
import {
  generateX25519,
  isPublicKeySealed,
  X25519ArchiveKey,
  x25519KeyId,
  x25519PublicOf,
} from '../../src/records/archive-key-x25519.js';
import { combineShares, formatShare, parseShare, splitArchiveKey } from '../../src/records/key-shares.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('content sealed to the archive X25519 public key (HPKE-wrapped data key)', () => {
  it('seals with the public key alone; only the private key opens, every content of the batch', async () => {
    const pair = generateX25519();
    expect(x25519PublicOf(pair.privateKey)).toEqual(pair.publicKey);
    const pub = X25519ArchiveKey.fromPublic(pair.publicKey, { threshold: 3, of: 5 });
    expect(pub.keyId).toBe(x25519KeyId(pair.publicKey));
    expect(pub.canOpen).toBe(false);
    const sealed = await pub.sealBatch([enc('first'), enc('second'), enc('')]);
    for (const s of sealed) expect(isPublicKeySealed(s)).toBe(true);
    // The plaintext is nowhere in the stored form.
    expect(Buffer.from(sealed[0]!).includes(Buffer.from('first'))).toBe(false);
    const err = await pub.openSealed(sealed[0]!, pub.keyId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveSealedError);
    expect((err as Error).message).toMatch(/needs 3 of the 5 custodians' shares/);
    const full = X25519ArchiveKey.fromPrivate(new Uint8Array(pair.privateKey));
    expect(full.keyId).toBe(pub.keyId);
    expect((await Promise.all(sealed.map((s) => full.openSealed(s, full.keyId)))).map(dec)).toEqual([
      'first',
      'second',
      '',
    ]);
    // Rows from before key ids are recognised by their tag.
    expect(dec(await full.openSealed(sealed[1]!, null))).toBe('second');
  });

  it('a tampered row, or one sealed to another key, does not open', async () => {
    const a = X25519ArchiveKey.fromPrivate(generateX25519().privateKey);
    const b = X25519ArchiveKey.fromPrivate(generateX25519().privateKey);
    const [s] = await a.sealBatch([enc('memo')]);
    const bad = new Uint8Array(s!);
    bad[bad.length - 20]! ^= 1;
    await expect(a.openSealed(bad, a.keyId)).rejects.toThrow();
    await expect(b.openSealed(s!, b.keyId)).rejects.toThrow();
    await expect(b.openSealed(s!, a.keyId)).rejects.toThrow(/not loaded/);
  });

  it('old symmetric rows still open through the retired key; the symmetric form has no tag', async () => {
    const aes = new ArchiveCipher(ArchiveCipher.generateKey());
    const old = aes.seal(enc('before the split'));
    const key = X25519ArchiveKey.fromPrivate(generateX25519().privateKey).withRetired([aes]);
    expect(key.retiredKeyIds).toEqual([aes.keyId]);
    expect(dec(await key.openSealed(old, aes.keyId))).toBe('before the split');
    expect(dec(await key.openSealed(old, null))).toBe('before the split');
  });

  it('wiped: it refuses to seal or open', async () => {
    const key = X25519ArchiveKey.fromPrivate(generateX25519().privateKey);
    const [s] = await key.sealBatch([enc('x')]);
    key.wipe();
    expect(key.canOpen).toBe(false);
    await expect(key.openSealed(s!, key.keyId)).rejects.toThrow(/wiped/);
    await expect(key.sealBatch([enc('y')])).rejects.toThrow(/wiped/);
  });

  it('shares of the private key (format /2) rebuild it and name the public key', async () => {
    const pair = generateX25519();
    const shares = await splitArchiveKey(pair.privateKey, ['Ada', 'Ben', 'Cleo'], 2, new Date(), 'x25519');
    const text = formatShare(shares[0]!);
    expect(text).toMatch(/^format: hotline-archive-key-share\/2$/m);
    expect(text).toMatch(new RegExp(`^key: ${x25519KeyId(pair.publicKey)}$`, 'm'));
    const back = [parseShare(text, 'a.txt'), parseShare(formatShare(shares[2]!), 'c.txt')];
    expect(back[0]!.kind).toBe('x25519');
    expect(await combineShares(back)).toEqual(pair.privateKey);
  });
});
