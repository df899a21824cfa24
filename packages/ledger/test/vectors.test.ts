import { describe, expect, it } from 'vitest';
import {
  fromHex,
  defaultHasher as h,
  integrate,
  isPowerOfTwo,
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

// Leaf hashes SHA-256(0x00 ‖ leaf) of the eight leaves (transparency-dev/merkle testonly).
const LEAF_HASHES = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
  '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
  '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
  'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
  '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
  'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
  '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
];

const INCLUSION: { leaf: number; size: number; path: string[] }[] = [
  {
    leaf: 3,
    size: 8,
    path: [
      '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    leaf: 7,
    size: 8,
    path: [
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
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
  {
    m: 6,
    n: 7,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
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
  it('hashes the eight leaves', () => {
    expect(LEAVES.map((l) => toHex(h.leaf(l)))).toEqual(LEAF_HASHES);
  });

  it('tells powers of two exactly, beyond where Math.log2 rounds', () => {
    expect(isPowerOfTwo(2 ** 50)).toBe(true);
    expect(isPowerOfTwo(2 ** 50 + 2)).toBe(false);
    expect(isPowerOfTwo(0)).toBe(false);
    expect(verifyConsistency(h, 0, 8, h.emptyRoot(), fromHex(ROOTS[8]!), [])).toBe(true);
    expect(verifyConsistency(h, 8, 8, fromHex(ROOTS[8]!), fromHex(ROOTS[8]!), [])).toBe(true);
    expect(verifyConsistency(h, 8, 8, fromHex(ROOTS[8]!), fromHex(ROOTS[7]!), [])).toBe(false);
  });

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
    const p = INCLUSION.find((v) => v.leaf === 0 && v.size === 8)!.path.map(fromHex);
    const leaf0 = h.leaf(LEAVES[0]!);
    expect(verifyInclusion(h, 0, 8, leaf0, p, fromHex(ROOTS[8]!))).toBe(true);
    expect(verifyInclusion(h, 1, 8, leaf0, p, fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 0, 4, leaf0, p, fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 8, 8, leaf0, p, fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 0, 8, leaf0, p.slice(0, 2), fromHex(ROOTS[8]!))).toBe(false);
    expect(verifyInclusion(h, 0, 8, leaf0, [...p, p[0]!], fromHex(ROOTS[8]!))).toBe(false);
  });
});
