/**
 * Ledger benchmarks (pure, in memory). Figures are printed, never asserted.
 * Run: npm run bench -w packages/ledger   (BENCH_BIG=0 skips the 10M-entry tree)
 */
import { createHash, hash } from 'node:crypto';
import { MerkleTree } from 'merkletreejs';
import {
  encodeBundle,
  entriesPath,
  generateSignerKey,
  Hasher,
  integrate,
  LogClient,
  type LogFetcher,
  MemoryTileStore,
  parseSignerKey,
  signCheckpoint,
  TILE_WIDTH,
  TreeReader,
  tilePath,
  tilesForSize,
  verifyInclusion,
} from '../src/index.js';

// The same one-shot hashing over a scratch buffer that the server uses (records/node-hash.ts).
const scratch = Buffer.alloc(4096);
const h = new Hasher((...parts) => {
  let n = 0;
  for (const p of parts) n += p.length;
  const buf = scratch.subarray(0, n);
  let o = 0;
  for (const p of parts) {
    buf.set(p, o);
    o += p.length;
  }
  return hash('sha256', buf, 'buffer');
});

function entry(i: number): Uint8Array {
  return new TextEncoder().encode(
    `{"v":1,"kind":"bench","id":"${i.toString(16).padStart(12, '0')}","digest":"${'ab'.repeat(32)}"}`,
  );
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function buildTree(n: number) {
  const store = new MemoryTileStore();
  let size = 0;
  let root = h.emptyRoot();
  const B = 65_536;
  while (size < n) {
    const k = Math.min(B, n - size);
    const leaves = new Array<Uint8Array>(k);
    for (let i = 0; i < k; i++) leaves[i] = h.leaf(entry(size + i));
    const r = await integrate(store, size, leaves, h);
    store.write(r.tiles);
    size = r.size;
    root = r.root;
  }
  return { store, root };
}

/**
 * 2,000 inclusion proofs for random leaves, each built from the tiles and verified against the
 * root. `fresh`: a new TreeReader per proof (nothing carried over). `kept`: one reader for the
 * tree size, as a server answering proofs against its latest checkpoint would keep; it caches
 * up to 512 tiles with their interior nodes, so the upper levels are hashed once.
 */
async function proofLatency(n: number, store: MemoryTileStore, root: Uint8Array, mode: 'fresh' | 'kept') {
  const times: number[] = [];
  const kept = new TreeReader(store, n, h);
  for (let i = 0; i < 2000; i++) {
    const idx = Math.floor(Math.random() * n);
    const t0 = performance.now();
    const r = mode === 'kept' ? kept : new TreeReader(store, n, h);
    const proof = await r.inclusionProof(idx, n);
    const ok = verifyInclusion(h, idx, n, await r.leafHash(idx), proof, root);
    times.push(performance.now() - t0);
    if (!ok) throw new Error('proof failed');
  }
  return { median: percentile(times, 50), p99: percentile(times, 99) };
}

async function printProofLatency(label: string, n: number, store: MemoryTileStore, root: Uint8Array) {
  // Start from a collected heap (when run with --expose-gc, as `npm run bench` does), so the
  // garbage of building the tree is not charged to the proofs that follow.
  (globalThis as { gc?: () => void }).gc?.();
  for (const mode of ['fresh', 'kept'] as const) {
    const lat = await proofLatency(n, store, root, mode);
    console.log(
      `inclusion proof + verify at ${label}, ${mode === 'fresh' ? 'new reader each' : 'one kept reader'}: `.padEnd(
        59,
      ) + `median ${lat.median.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms (target < 2 ms)`,
    );
  }
}

console.log(`Ledger benchmarks on ${process.platform}/${process.arch}, Node ${process.version}\n`);

// Baseline: bare SHA-256 leaf hashing.
{
  const N = 1_000_000;
  const entries = Array.from({ length: 100_000 }, (_, i) => entry(i));
  const t0 = performance.now();
  for (let i = 0; i < N; i++) h.leaf(entries[i % entries.length]!);
  const s = (performance.now() - t0) / 1000;
  console.log(`bare SHA-256 leaf hashing (node:crypto):   ${fmt(N / s)} leaves/s`);
  globalThis.__bareRate = N / s;
  const noble = new Hasher();
  const M2 = 200_000;
  const t1 = performance.now();
  for (let i = 0; i < M2; i++) noble.leaf(entries[i % entries.length]!);
  const s2 = (performance.now() - t1) / 1000;
  console.log(`bare SHA-256 leaf hashing (@noble/hashes): ${fmt(M2 / s2)} leaves/s (the browser path)`);
}

// Building a 1M tree: ours vs merkletreejs.
const M = 1_000_000;
{
  const t0 = performance.now();
  const { store, root } = await buildTree(M);
  const ours = (performance.now() - t0) / 1000;
  console.log(`integrate 1M entries into tiles (ours):    ${fmt(ours)} s  (${fmt(M / ours)} entries/s)`);
  // Proofs are measured before the merkletreejs baseline fills the heap with its own million
  // Buffers: a proof server holds tiles, not another library's tree.
  await printProofLatency('1M', M, store, root);
  const leaves = Array.from({ length: M }, (_, i) => entry(i));
  const t1 = performance.now();
  const tree = new MerkleTree(leaves, (d: Buffer) => createHash('sha256').update(d).digest(), {
    hashLeaves: true,
  });
  const theirs = (performance.now() - t1) / 1000;
  void tree.getRoot();
  console.log(
    `merkletreejs building the same 1M tree:    ${fmt(theirs)} s  (ratio merkletreejs/ours ${fmt(theirs / ours)})`,
  );

  // Full verification of 1M entries as a remote auditor would do it (all bundles and tiles).
  const key = generateSignerKey('bench/log');
  const files = new Map<string, Uint8Array>();
  files.set(
    'checkpoint',
    new TextEncoder().encode(
      signCheckpoint({ origin: 'bench/log', size: M, root, extensions: [] }, parseSignerKey(key.signer)),
    ),
  );
  for (const t of tilesForSize(M))
    files.set(
      tilePath(t.level, t.index, t.width),
      (await store.readTile(t.level, t.index))!.subarray(0, t.width * 32),
    );
  for (let b = 0; b * TILE_WIDTH < M; b++) {
    const w = Math.min(TILE_WIDTH, M - b * TILE_WIDTH);
    files.set(entriesPath(b, w), encodeBundle(leaves.slice(b * TILE_WIDTH, b * TILE_WIDTH + w)));
  }
  const fetcher: LogFetcher = { get: async (p) => files.get(p) ?? null };
  const client = new LogClient(fetcher, key.verifier, 'bench/log', h);
  const t2 = performance.now();
  const { checkpoint } = await client.checkpoint();
  await client.audit(checkpoint);
  console.log(
    `full verification of 1M entries:           ${fmt((performance.now() - t2) / 1000)} s (target < 10 s)`,
  );
  const nobleClient = new LogClient(fetcher, key.verifier, 'bench/log');
  const t3 = performance.now();
  await nobleClient.audit(checkpoint);
  console.log(`  the same with @noble/hashes (browser):   ${fmt((performance.now() - t3) / 1000)} s`);
}

if (process.env.BENCH_BIG !== '0') {
  const N = 10_000_000;
  const t0 = performance.now();
  const { store, root } = await buildTree(N);
  console.log(`integrate 10M entries into tiles:          ${fmt((performance.now() - t0) / 1000)} s`);
  await printProofLatency('10M', N, store, root);
}

declare global {
  var __bareRate: number;
}
