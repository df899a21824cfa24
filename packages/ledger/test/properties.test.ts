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

const leafCache: Uint8Array[] = [];
function leaves(n: number): Uint8Array[] {
  for (let i = leafCache.length; i < n; i++) leafCache.push(new TextEncoder().encode(`entry ${i}`));
  return leafCache.slice(0, n);
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

const rootCache = new Map<number, Uint8Array>();
function rootOf(ls: Uint8Array[], size: number): Uint8Array {
  let r = rootCache.get(size);
  if (!r) {
    r = rootFromLeafHashes(h, ls.slice(0, size));
    rootCache.set(size, r);
  }
  return r;
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
        const root = rootOf(t.ls, size);
        const proof = await t.reader.inclusionProof(index, size);
        expect(verifyInclusion(h, index, size, t.ls[index]!, proof, root)).toBe(true);
        expect(verifyInclusion(h, index, size, t.ls[index]!, proof, flip(root, bit))).toBe(false);
        expect(verifyInclusion(h, index, size, flip(t.ls[index]!, bit), proof, root)).toBe(false);
        // a one-bit change in the entry itself (entries here are at least 7 bytes)
        expect(verifyInclusion(h, index, size, h.leaf(flip(leaves(N)[index]!, bit % 56)), proof, root)).toBe(
          false,
        );
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
          const r1 = rootOf(t.ls, m);
          const r2 = rootOf(t.ls, n);
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

describe('the integrator over random batches', () => {
  it('gives the direct MTH after every batch and the same tiles as a one-shot build', async () => {
    const all = leaves(2100).map((l) => h.leaf(l));
    const oneShot = new MemoryTileStore();
    oneShot.write((await integrate(oneShot, 0, all, h)).tiles);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }),
        async (bs) => {
          const store = new MemoryTileStore();
          let size = 0;
          for (const b of bs) {
            const take = all.slice(size, Math.min(all.length, size + b));
            if (take.length === 0) break;
            const r = await integrate(store, size, take, h);
            await store.writeTiles(r.tiles);
            size = r.size;
            expect(Buffer.from(r.root).equals(Buffer.from(rootOf(all, size)))).toBe(true);
          }
          // every tile of the smaller tree is a prefix of the one-shot tile at the same place
          for (const [k, v] of store.tiles) {
            const full = oneShot.tiles.get(k)!;
            expect(Buffer.from(v).equals(Buffer.from(full.subarray(0, v.length)))).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects a leaf hash that is not 32 bytes and a tile store missing the right edge', async () => {
    await expect(integrate(new MemoryTileStore(), 0, [new Uint8Array(31)], h)).rejects.toThrow(/31 bytes/);
    await expect(integrate(new MemoryTileStore(), 5, [h.leaf(new Uint8Array(0))], h)).rejects.toThrow(
      /hash tile 0\/0 is missing/,
    );
  });
});
