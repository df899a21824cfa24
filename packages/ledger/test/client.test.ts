import { describe, expect, it } from 'vitest';
import { defaultHasher as h } from '../src/hash.js';
import {
  encodeBundle,
  entriesPath,
  generateSignerKey,
  integrate,
  LogClient,
  type LogFetcher,
  MemoryTileStore,
  parseSignerKey,
  signCheckpoint,
  TILE_WIDTH,
  tilePath,
  tilesForSize,
} from '../src/index.js';

const ORIGIN = 'test.example/log';

/** A log served from memory the way the server serves it over HTTP. */
async function servedLog(n: number) {
  const key = generateSignerKey(ORIGIN);
  const entries = Array.from({ length: n }, (_, i) => new TextEncoder().encode(JSON.stringify({ i })));
  const store = new MemoryTileStore();
  const r = await integrate(
    store,
    0,
    entries.map((e) => h.leaf(e)),
  );
  store.write(r.tiles);
  const files = new Map<string, Uint8Array>();
  files.set(
    'checkpoint',
    new TextEncoder().encode(
      signCheckpoint({ origin: ORIGIN, size: n, root: r.root, extensions: [] }, parseSignerKey(key.signer)),
    ),
  );
  for (const t of tilesForSize(n)) {
    files.set(
      tilePath(t.level, t.index, t.width),
      (await store.readTile(t.level, t.index))!.subarray(0, t.width * 32),
    );
  }
  for (let b = 0; b * TILE_WIDTH < n; b++) {
    const w = Math.min(TILE_WIDTH, n - b * TILE_WIDTH);
    files.set(entriesPath(b, w), encodeBundle(entries.slice(b * TILE_WIDTH, b * TILE_WIDTH + w)));
  }
  const fetcher: LogFetcher = { get: async (p) => files.get(p) ?? null };
  return { key, files, fetcher, entries };
}

describe('LogClient (the remote verifier)', () => {
  it('verifies the checkpoint, an inclusion, and a full audit', async () => {
    const log = await servedLog(700);
    const c = new LogClient(log.fetcher, log.key.verifier, ORIGIN);
    const { checkpoint } = await c.checkpoint();
    expect(checkpoint.size).toBe(700);
    const inc = await c.proveInclusion(513, checkpoint);
    expect(new TextDecoder().decode(inc.entry)).toBe('{"i":513}');
    const seen: string[] = [];
    await c.audit(checkpoint, { onProgress: (p) => seen.push(p.phase) });
    expect(seen).toContain('entries');
    expect(seen.at(-1)).toBe('root');
  });

  it('names the tampered entry bundle or tile', async () => {
    const log = await servedLog(600);
    const c = new LogClient(log.fetcher, log.key.verifier, ORIGIN);
    const { checkpoint } = await c.checkpoint();
    const bundle = log.files.get('tile/entries/001')!;
    const tampered = new Uint8Array(bundle);
    tampered[5]! ^= 1;
    log.files.set('tile/entries/001', tampered);
    await expect(c.audit(checkpoint)).rejects.toThrow(/hash tile tile\/0\/001 is wrong at leaf 256/);
    log.files.set('tile/entries/001', bundle);
    const tile = log.files.get('tile/1/000.p/2')!;
    const badTile = new Uint8Array(tile);
    badTile[40]! ^= 1;
    log.files.set('tile/1/000.p/2', badTile);
    await expect(c.audit(checkpoint)).rejects.toThrow(/hash tile tile\/1\/000\.p\/2 is wrong at node 1/);
  });

  it('refuses a checkpoint signed by another key', async () => {
    const log = await servedLog(3);
    const other = generateSignerKey(ORIGIN);
    const c = new LogClient(log.fetcher, other.verifier, ORIGIN);
    await expect(c.checkpoint()).rejects.toThrow(/checkpoint does not verify/);
  });
});
