import { encodeBundle } from './bundle.js';
import { type Checkpoint, signCheckpoint } from './checkpoint.js';
import type { LogFetcher } from './client.js';
import { defaultHasher, HASH_SIZE, type Hasher } from './hash.js';
import { parseTilePath, TILE_WIDTH } from './layout.js';
import type { Signer } from './note.js';
import { integrate, MemoryTileStore } from './tree.js';

/**
 * A whole log in memory, with tessera's three steps kept apart: `sequence` gives entries their
 * indexes, `integrate` folds them into tiles, `publish` signs a checkpoint for the integrated
 * size. It serves the C2SP tlog-tiles paths through `get`, so a `LogClient` can verify it as it
 * would a remote log. For tests, benchmarks and demos; the server keeps the same data in its
 * database.
 */
export class MemoryLog implements LogFetcher {
  readonly tiles = new MemoryTileStore();
  private readonly entries: Uint8Array[] = [];
  private integrated = 0;
  private root: Uint8Array;
  private note: string | null = null;

  constructor(
    readonly origin: string,
    private readonly signer: Signer,
    private readonly h: Hasher = defaultHasher,
  ) {
    this.root = h.emptyRoot();
  }

  /** Number of sequenced entries (durable indexes), integrated or not. */
  get sequencedSize(): number {
    return this.entries.length;
  }

  get integratedSize(): number {
    return this.integrated;
  }

  /** Give the entries the next indexes; returns the first one. */
  sequence(entries: readonly Uint8Array[]): number {
    const first = this.entries.length;
    for (const e of entries) {
      if (e.length > 0xffff) throw new RangeError(`entry of ${e.length} bytes exceeds the 65535-byte limit`);
      this.entries.push(e);
    }
    return first;
  }

  /** Fold every sequenced entry into the tiles. */
  async integrate(): Promise<{ size: number; root: Uint8Array }> {
    const batch = this.entries.slice(this.integrated).map((e) => this.h.leaf(e));
    if (batch.length > 0) {
      const r = await integrate(this.tiles, this.integrated, batch, this.h);
      await this.tiles.writeTiles(r.tiles);
      this.integrated = r.size;
      this.root = r.root;
    }
    return { size: this.integrated, root: this.root };
  }

  /** Sign a checkpoint for the integrated size (never for a sequenced-only one). */
  publish(): { checkpoint: Checkpoint; note: string } {
    const checkpoint = { origin: this.origin, size: this.integrated, root: this.root, extensions: [] };
    this.note = signCheckpoint(checkpoint, this.signer);
    return { checkpoint, note: this.note };
  }

  /** sequence → integrate → publish in one call. */
  async append(entries: readonly Uint8Array[]): Promise<{ checkpoint: Checkpoint; note: string }> {
    this.sequence(entries);
    await this.integrate();
    return this.publish();
  }

  /** Replace the stored bytes at a tile or bundle path (tests of tamper detection). */
  tamper(path: string, edit: (bytes: Uint8Array) => Uint8Array): void {
    const p = parseTilePath(path);
    if (p.kind === 'entries') {
      throw new Error('tamper with an entry through tamperEntry(index, bytes)');
    }
    const key = `${p.level}/${p.index}`;
    const cur = this.tiles.tiles.get(key);
    if (!cur) throw new Error(`no tile at ${path}`);
    this.tiles.tiles.set(key, edit(new Uint8Array(cur)));
  }

  /** Replace entry `index` in place (tests of tamper detection). */
  tamperEntry(index: number, bytes: Uint8Array): void {
    if (index >= this.entries.length) throw new RangeError(`no entry ${index}`);
    this.entries[index] = bytes;
  }

  async get(path: string): Promise<Uint8Array | null> {
    if (path === 'checkpoint') return this.note === null ? null : new TextEncoder().encode(this.note);
    let p: ReturnType<typeof parseTilePath>;
    try {
      p = parseTilePath(path);
    } catch {
      return null;
    }
    if (p.kind === 'entries') {
      const start = p.index * TILE_WIDTH;
      if (start + p.width > this.integrated) return null;
      return encodeBundle(this.entries.slice(start, start + p.width));
    }
    const t = await this.tiles.readTile(p.level, p.index);
    // Serve exactly the width asked for: a prefix of a wider stored tile is the older partial tile.
    if (!t || t.length < p.width * HASH_SIZE) return null;
    return t.subarray(0, p.width * HASH_SIZE);
  }
}
