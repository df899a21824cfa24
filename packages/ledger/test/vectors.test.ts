import { describe, expect, it } from 'vitest';
import {
  fromHex,
  defaultHasher as h,
  integrate,
  MemoryTileStore,
  rootFromLeafHashes,
  TreeReader,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../src/index.js';

// The eight leaves of the RFC 6962 / Certificate Transparency reference tests.
const LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map(fromHex);

// Tree heads for sizes 1..8 (certificate-transparency merkle_tree_test / transparency-dev/merkle).
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const INCLUSION: { leaf: number; size: number; path: string[] }[] = [
  { leaf: 0, size: 1, path: [] },
  {
    leaf: 0,
    size: 8,
    path: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 5,
    size: 8,
    path: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    leaf: 2,
    size: 3,
    path: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'],
  },
  {
    leaf: 1,
    size: 5,
    path: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

const CONSISTENCY: { m: number; n: number; proof: string[] }[] = [
  { m: 1, n: 1, proof: [] },
  {
    m: 1,
    n: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    m: 6,
    n: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
  {
    m: 2,
    n: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
];

async function treeOf(n: number): Promise<TreeReader> {
  const store = new MemoryTileStore();
  const r = await integrate(
    store,
    0,
    LEAVES.slice(0, n).map((l) => h.leaf(l)),
  );
  store.write(r.tiles);
  return new TreeReader(store, n);
}

describe('RFC 6962 known answers', () => {
  it.each(ROOTS.map((r, i) => [i, r] as const))('tree head of size %i', async (size, root) => {
    expect(
      toHex(
        rootFromLeafHashes(
          h,
          LEAVES.slice(0, size).map((l) => h.leaf(l)),
        ),
      ),
    ).toBe(root);
    if (size > 0) expect(toHex(await (await treeOf(size)).root())).toBe(root);
  });

  it.each(INCLUSION)('inclusion proof of leaf $leaf in size $size', async ({ leaf, size, path }) => {
    const tree = await treeOf(size);
    const proof = await tree.inclusionProof(leaf, size);
    expect(proof.map(toHex)).toEqual(path);
    expect(verifyInclusion(h, leaf, size, h.leaf(LEAVES[leaf]!), proof, fromHex(ROOTS[size]!))).toBe(true);
  });

  it.each(CONSISTENCY)('consistency proof $m → $n', async ({ m, n, proof }) => {
    const tree = await treeOf(8);
    const got = await tree.consistencyProof(m, n);
    expect(got.map(toHex)).toEqual(proof);
    expect(verifyConsistency(h, m, n, fromHex(ROOTS[m]!), fromHex(ROOTS[n]!), got)).toBe(true);
  });

  it('rejects proofs for the wrong sizes or indexes', () => {
    const p = INCLUSION[1]!.path.map(fromHex);
    const leaf0 = h.leaf(LEAVES[0]!);
    expect(verifyInclusion(h, 0, 8, leaf0, p, fromHex(ROOTS[8]!))).toBe(true);
    expect(verifyInclusion(h, 1, 8, leaf0, p, fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 0, 4, leaf0, p, fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 8, 8, leaf0, p, fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 0, 8, leaf0, p.slice(0, 2), fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 0, 8, leaf0, [...p, p[0]!], fromHex(ROOTS[8]!))).toBe(false);
  });
});
