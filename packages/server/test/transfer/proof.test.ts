import { randomBytes } from 'node:crypto';
import {
  defaultHasher,
  fromBase64,
  integrate,
  leafCommitment,
  MemoryTileStore,
  type TileReader,
  TreeReader,
  verifyInclusion,
} from '@hotline/ledger';
import { describe, expect, it } from 'vitest';
import { Prover } from '../../src/transfer/proof.js';

/**
 * The transfer's prover: proofs asked for a whole batch at once (as the transfer does, 200
 * records at a time) are the tree reader's proofs, verify against the tree's root, and read
 * each tile once (asked together they used to miss the cache together and read and hash the
 * same tile once per record).
 */
async function tree(size: number) {
  const store = new MemoryTileStore();
  const recs = Array.from({ length: size }, (_, seq) => {
    const salt = new Uint8Array(randomBytes(32));
    const envelope = new TextEncoder().encode(JSON.stringify({ seq }));
    return { seq, id: `r${seq}`, salt, envelope };
  });
  const leaves = recs.map((r) => defaultHasher.leaf(leafCommitment(r.salt, r.envelope)));
  const r = await integrate(store, 0, leaves, defaultHasher);
  await store.writeTiles(r.tiles);
  let reads = 0;
  const counting: TileReader = {
    readTile: (level, index) => {
      reads++;
      return store.readTile(level, index);
    },
  };
  return { store, recs, root: r.root, counting, reads: () => reads };
}

describe('Prover', () => {
  for (const size of [1, 2, 3, 255, 256, 257, 1000, 65_537])
    it(`proves every asked record of a tree of ${size}, asked all at once, against its root`, async () => {
      const t = await tree(size);
      const prover = new Prover(t.counting, size, defaultHasher);
      const reference = new TreeReader(t.store, size, defaultHasher);
      const asked = size > 2000 ? [...t.recs.slice(0, 600), ...t.recs.slice(-600)] : t.recs;
      const lines = await Promise.all(asked.map((r) => prover.line(r, [])));
      for (const [i, line] of lines.entries()) {
        const r = asked[i]!;
        expect(line.seq).toBe(r.seq);
        const proof = line.proof.map(fromBase64);
        expect(proof).toEqual(await reference.inclusionProof(r.seq, size));
        const leaf = defaultHasher.leaf(leafCommitment(r.salt, r.envelope));
        expect(verifyInclusion(defaultHasher, r.seq, size, leaf, proof, t.root)).toBe(true);
      }
      // One read per tile the proofs touch, not one per record: at most the leaf tiles asked
      // plus the tiles above them (levels 1 and 2 here).
      const leafTiles = new Set(asked.map((r) => Math.floor(r.seq / 256))).size;
      expect(t.reads()).toBeLessThanOrEqual(leafTiles + 2 + 1);
    });

  it('refuses a record whose stored opening does not give the log leaf, and goes on with the next', async () => {
    const t = await tree(300);
    const prover = new Prover(t.store, 300, defaultHasher);
    const bad = { ...t.recs[7]!, salt: new Uint8Array(32) };
    const [a, b] = await Promise.allSettled([prover.line(bad, []), prover.line(t.recs[8]!, [])]);
    expect(a.status).toBe('rejected');
    expect((a as PromiseRejectedResult).reason.message).toContain('record 7');
    expect(b.status).toBe('fulfilled');
  });
});
