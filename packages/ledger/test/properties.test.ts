import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Hasher,
  integrate,
  MemoryTileStore,
  rootFromLeafHashes,
  TreeReader,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';

const h = new Hasher((...parts) => {
  const x = createHash('sha256');
  for (const p of parts) x.update(p);
  return new Uint8Array(x.digest());
});

function leaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${i}`));
}

async function build(n: number, batches: number[] = [n]) {
  const store = new MemoryTileStore();
  const ls = leaves(n).map((l) => h.leaf(l));
  let size = 0;
  const roots: Uint8Array[] = [h.emptyRoot()];
  for (const b of batches) {
    const take = ls.slice(size, size + b);
    if (take.length === 0) continue;
    const r = await integrate(store, size, take, h);
    store.write(r.tiles);
    size = r.size;
    roots[size] = r.root;
  }
  return { store, ls, roots, reader: new TreeReader(store, n, h) };
}

function flip(b: Uint8Array, bit: number): Uint8Array {
  const c = new Uint8Array(b);
  c[Math.floor(bit / 8) % c.length]! ^= 1 << (bit % 8);
  return c;
}

describe('proof properties over random trees', () => {
  const N = 3000;
  let t: Awaited<ReturnType<typeof build>>;

  it('integrating in random batches gives the same roots and tiles as one batch', async () => {
    t = await build(N, [1, 2, 255, 1, 300, 700, 1, 1740]);
    const once = await build(N);
    expect(Buffer.from(await t.reader.root()).equals(Buffer.from(rootFromLeafHashes(h, t.ls)))).toBe(true);
    expect([...t.store.tiles.keys()].sort()).toEqual([...once.store.tiles.keys()].sort());
    for (const [k, v] of once.store.tiles)
      expect(Buffer.from(t.store.tiles.get(k)!).equals(Buffer.from(v))).toBe(true);
    for (const size of [1, 3, 259, 559, 1260]) {
      expect(
        Buffer.from(t.roots[size]!).equals(Buffer.from(rootFromLeafHashes(h, t.ls.slice(0, size)))),
      ).toBe(true);
    }
  });

  it('every inclusion proof verifies, and any single bit flip breaks it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: N }), fc.nat(), fc.nat(), async (size, i, bit) => {
        const index = i % size;
        const root = rootFromLeafHashes(h, t.ls.slice(0, size));
        const proof = await t.reader.inclusionProof(index, size);
        expect(verifyInclusion(h, index, size, t.ls[index]!, proof, root)).toBe(true);
        expect(verifyInclusion(h, index, size, t.ls[index]!, proof, flip(root, bit))).toBe(false);
        expect(verifyInclusion(h, index, size, flip(t.ls[index]!, bit), proof, root)).toBe(false);
        if (proof.length > 0) {
          const k = bit % proof.length;
          const bad = proof.map((p, j) => (j === k ? flip(p, bit >> 3) : p));
          expect(verifyInclusion(h, index, size, t.ls[index]!, bad, root)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('every consistency proof verifies, and any single bit flip breaks it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: N }),
        fc.integer({ min: 1, max: N }),
        fc.nat(),
        async (a, b, bit) => {
          const [m, n] = a <= b ? [a, b] : [b, a];
          const r1 = rootFromLeafHashes(h, t.ls.slice(0, m));
          const r2 = rootFromLeafHashes(h, t.ls.slice(0, n));
          const proof = await t.reader.consistencyProof(m, n);
          expect(verifyConsistency(h, m, n, r1, r2, proof)).toBe(true);
          if (m < n) {
            expect(verifyConsistency(h, m, n, flip(r1, bit), r2, proof)).toBe(false);
            expect(verifyConsistency(h, m, n, r1, flip(r2, bit), proof)).toBe(false);
            const k = bit % proof.length;
            expect(
              verifyConsistency(
                h,
                m,
                n,
                r1,
                r2,
                proof.map((p, j) => (j === k ? flip(p, bit >> 3) : p)),
              ),
            ).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
