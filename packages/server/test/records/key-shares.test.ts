import { combine } from 'shamir-secret-sharing';
import { describe, expect, it } from 'vitest';
import { ArchiveCipher } from '../../src/records/archive-key.js';
import {
  combineShares,
  formatShare,
  type KeyShare,
  KeyShareError,
  parseShare,
  splitArchiveKey,
} from '../../src/records/key-shares.js';

const NAMES = ['Archivist of the office', 'Counsel', 'Records officer', 'Chief of staff', 'Notary'];

/** Shares as custodians bring them: parsed from their files (fresh copies: an opening zeroes them). */
function fromFiles(files: string[], pick: number[]): KeyShare[] {
  return pick.map((i) => parseShare(files[i]!, `share-${i + 1}.txt`));
}

function* subsets(n: number, k: number, from = 0, acc: number[] = []): Generator<number[]> {
  if (acc.length === k) return yield acc;
  for (let i = from; i < n; i++) yield* subsets(n, k, i + 1, [...acc, i]);
}

describe('archive key shares (Shamir, 3 of 5)', async () => {
  const key = ArchiveCipher.generateKey();
  const cipher = new ArchiveCipher(new Uint8Array(key));
  const sealed = cipher.seal(new TextEncoder().encode('memcon of the call'));
  const files = (await splitArchiveKey(key, NAMES, 3)).map(formatShare);

  it('writes one file per custodian with name, index, fingerprint and threshold', () => {
    expect(files).toHaveLength(5);
    files.forEach((f, i) => {
      expect(f).toContain(`custodian: ${NAMES[i]}\n`);
      expect(f).toContain(`share: ${i + 1} of 5\n`);
      expect(f).toContain('threshold: 3\n');
      expect(f).toContain(`key: ${cipher.keyId}\n`);
      expect(f).not.toContain(Buffer.from(key).toString('base64'));
    });
  });

  it('any 3 of the 5 shares rebuild the key and open sealed content', async () => {
    let n = 0;
    for (const pick of subsets(5, 3)) {
      const rebuilt = await combineShares(fromFiles(files, pick));
      expect(Buffer.from(rebuilt).equals(Buffer.from(key))).toBe(true);
      expect(new TextDecoder().decode(new ArchiveCipher(rebuilt).open(sealed))).toBe('memcon of the call');
      n++;
    }
    expect(n).toBe(10);
    const all = await combineShares(fromFiles(files, [4, 0, 2, 1, 3]));
    expect(Buffer.from(all).equals(Buffer.from(key))).toBe(true);
  });

  it('2 shares are refused, and the arithmetic on 2 shares alone does not give the key', async () => {
    for (const pick of subsets(5, 2)) {
      await expect(combineShares(fromFiles(files, pick))).rejects.toThrow(
        /needs 3 of 5 custodians' shares; got 2/,
      );
      const raw = await combine(fromFiles(files, pick).map((s) => s.data));
      expect(Buffer.from(raw).equals(Buffer.from(key))).toBe(false);
      expect(() => new ArchiveCipher(raw.subarray(0, 32)).open(sealed)).toThrow();
    }
  });

  it('a mistyped share is refused by its check line, naming the file', () => {
    const f = files[1]!.replace(/^data: (.)/m, (_, c: string) => `data: ${c === 'A' ? 'B' : 'A'}`);
    expect(() => parseShare(f, 'share-2.txt')).toThrow(
      /share-2\.txt: the share does not match its "check:" line/,
    );
  });

  it('a share altered with a recomputed check is refused: the key fingerprint does not match', async () => {
    const shares = fromFiles(files, [0, 1, 2]);
    shares[1]!.data[5]! ^= 0x40;
    const err = await combineShares(shares).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyShareError);
    expect((err as Error).message).toMatch(
      new RegExp(`do not rebuild archive key ${cipher.keyId}: at least one of them is wrong or altered`),
    );
    const four = fromFiles(files, [0, 1, 2, 3]);
    four[2]!.data[0]! ^= 1;
    await expect(combineShares(four)).rejects.toThrow(
      /the shares of Records officer \(share-3\.txt\) are wrong or altered/,
    );
  });

  it('the same share twice, shares of another split, and damaged files are refused', async () => {
    await expect(combineShares(fromFiles(files, [0, 0, 1]))).rejects.toThrow(/is share 1 again/);
    const other = (await splitArchiveKey(key, NAMES, 3)).map(formatShare);
    await expect(
      combineShares([...fromFiles(files, [0, 1]), parseShare(other[2]!, 'other-3.txt')]),
    ).rejects.toThrow(/other-3\.txt belongs to another split/);
    expect(() => parseShare('hello', 'x.txt')).toThrow(/x\.txt: not a Hotline archive key share/);
    await expect(splitArchiveKey(key, ['a', 'b'], 3)).rejects.toThrow(/threshold 3 of 2/);
    await expect(splitArchiveKey(key, ['a', 'A', 'c'], 2)).rejects.toThrow(/same name/);
  });
});
