import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ALGORITHM, BAGIT_TXT, bagInfoText, manifestLine, payloadOxum } from './bagit.js';
import { fsSyncer, type Syncer, syncTree, writeSynced } from './durable.js';

/** Payload files written at once, at most (write-behind; the bytes are in memory meanwhile). */
const MAX_PENDING = 32;

/** A file written a piece at a time (an account's MBOX): hashed and counted as it goes. */
interface OpenStream {
  path: string;
  out: WriteStream;
  hash: Hash;
  bytes: number;
}

function write(out: WriteStream, data: string | Uint8Array): Promise<void> {
  return out.write(data) ? Promise.resolve() : new Promise((r) => out.once('drain', r));
}

async function close(out: WriteStream): Promise<void> {
  out.end();
  await finished(out);
}

/**
 * One bag being written, streamed: each payload file is written and its SHA-512 line appended
 * to manifest-sha512.txt at once, so nothing grows with the bag but the counts. Tag files that
 * grow with the bag (the proofs, the metadata file) are streams too. `finish()` writes
 * bagit.txt, bag-info.txt and the tag manifest, which lists every tag file and only those.
 *
 * Durability: every file is fsynced once, when it is complete (a payload file right after its
 * write, a stream when it is closed, a tag file when written), and `finish()` syncs the bag's
 * directories (data/ and every folder under it, then the bag's own) before it returns: a bag
 * `finish()` reported finished survives a power cut whole. (The transfer folder, which names the
 * bag, is synced with the state file that records it: transfer-state.ts.)
 */
export class BagWriter {
  private manifest!: WriteStream;
  private readonly tagStreams = new Map<string, WriteStream>();
  private readonly streams = new Map<string, OpenStream>();
  private readonly made = new Set<string>();
  /** Payload files being written (write-behind, at most MAX_PENDING at once). */
  private readonly pending = new Set<Promise<void>>();
  private failed: unknown = null;
  octets = 0;
  files = 0;
  items = 0;

  private constructor(
    readonly dir: string,
    private readonly sync: Syncer,
  ) {}

  static async create(
    dir: string,
    tagStreams: readonly string[],
    sync: Syncer = fsSyncer,
  ): Promise<BagWriter> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(join(dir, 'data'), { recursive: true });
    const w = new BagWriter(dir, sync);
    w.manifest = createWriteStream(join(dir, `manifest-${ALGORITHM}.txt`));
    for (const t of tagStreams) {
      await mkdir(dirname(join(dir, t)), { recursive: true });
      w.tagStreams.set(t, createWriteStream(join(dir, t)));
    }
    return w;
  }

  /**
   * Write one payload file at `path` (relative to data/). The bytes are hashed here and the
   * manifest line appended at once, in order; the file itself is written behind, up to
   * MAX_PENDING files at a time, so the transfer does not wait on each write. A failed write
   * fails the next addFile, or finish(): a bag is never finished with a file missing.
   */
  async addFile(path: string, bytes: Uint8Array): Promise<void> {
    if (this.failed) throw this.failed;
    const full = join(this.dir, 'data', path);
    await this.mkdirOnce(dirname(full));
    const p: Promise<void> = writeSynced(full, bytes, this.sync, 'wx').then(
      () => {
        this.pending.delete(p);
      },
      (err: unknown) => {
        this.pending.delete(p);
        this.failed ??= err;
      },
    );
    this.pending.add(p);
    const sum = createHash(ALGORITHM).update(bytes).digest('hex');
    await write(this.manifest, manifestLine(sum, `data/${path}`));
    this.octets += bytes.length;
    this.files++;
    if (this.pending.size >= MAX_PENDING) await Promise.race(this.pending);
  }

  /** Every payload file written (or the first write's error thrown). */
  private async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
    if (this.failed) throw this.failed;
  }

  private async mkdirOnce(dir: string) {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    // Only the folders of a few accounts and calls repeat; a bag's item folders are made once each.
    if (this.made.size < 10_000) this.made.add(dir);
  }

  /** Append to a payload file written in pieces (opened on first use, listed when the bag finishes). */
  async appendTo(path: string, bytes: Uint8Array): Promise<void> {
    let s = this.streams.get(path);
    if (!s) {
      const full = join(this.dir, 'data', path);
      await mkdir(dirname(full), { recursive: true });
      s = { path, out: createWriteStream(full, { flags: 'wx' }), hash: createHash(ALGORITHM), bytes: 0 };
      this.streams.set(path, s);
    }
    s.hash.update(bytes);
    s.bytes += bytes.length;
    await write(s.out, bytes);
  }

  /** Append a line (or lines) to one of the tag streams named at create(). */
  async tag(path: string, text: string): Promise<void> {
    const s = this.tagStreams.get(path);
    if (!s) throw new Error(`${path} is not a tag stream of this bag`);
    await write(s, text);
  }

  /**
   * Close every stream of a bag that will not be finished (the transfer failed part-way); the
   * half-written bag stays on disk and is written again when the transfer resumes.
   */
  async abandon(): Promise<void> {
    await Promise.allSettled([...this.pending]);
    const all = [this.manifest, ...this.tagStreams.values(), ...[...this.streams.values()].map((s) => s.out)];
    await Promise.all(all.map((s) => close(s).catch(() => undefined)));
  }

  /** Payload bytes so far, the open streams included. */
  get size(): number {
    let n = this.octets;
    for (const s of this.streams.values()) n += s.bytes;
    return n;
  }

  /**
   * Close every stream, list the pieced files in the manifest, write the fixed tag files and
   * bag-info.txt (Payload-Oxum added here), then the tag manifest.
   */
  async finish(
    info: [string, string][],
    tagFiles: Record<string, string>,
  ): Promise<{ octets: number; files: number }> {
    await this.drain();
    for (const s of this.streams.values()) {
      await close(s.out);
      await this.sync.file(join(this.dir, 'data', s.path));
      await write(this.manifest, manifestLine(s.hash.digest('hex'), `data/${s.path}`));
      this.octets += s.bytes;
      this.files++;
    }
    this.streams.clear();
    await close(this.manifest);
    await this.sync.file(join(this.dir, `manifest-${ALGORITHM}.txt`));
    for (const [path, s] of this.tagStreams) {
      await close(s);
      await this.sync.file(join(this.dir, path));
    }
    for (const [path, text] of Object.entries(tagFiles)) {
      await mkdir(dirname(join(this.dir, path)), { recursive: true });
      await writeSynced(join(this.dir, path), text, this.sync);
    }
    await writeSynced(join(this.dir, 'bagit.txt'), BAGIT_TXT, this.sync);
    await writeBagInfo(
      this.dir,
      [...info, ['Payload-Oxum', payloadOxum(this.octets, this.files)]],
      [...this.tagStreams.keys(), ...Object.keys(tagFiles)],
      this.sync,
    );
    // Every file is synced; now the folders that name them, deepest first, the bag's own last.
    await syncTree(this.dir, this.sync);
    return { octets: this.octets, files: this.files };
  }
}

/** The tag files of a Hotline bag besides the ones named: declaration, bag-info, payload manifest. */
const FIXED_TAGS = ['bagit.txt', 'bag-info.txt', `manifest-${ALGORITHM}.txt`];

/**
 * (Re)write bag-info.txt and then the tag manifest over `tagFiles` and the fixed tag files, each
 * fsynced, then the bag's folder. Used when a bag finishes and again when a multi-bag transfer
 * learns its Bag-Count total.
 */
export async function writeBagInfo(
  dir: string,
  info: [string, string][],
  tagFiles: readonly string[],
  sync: Syncer = fsSyncer,
) {
  await writeSynced(join(dir, 'bag-info.txt'), bagInfoText(info), sync);
  const lines: string[] = [];
  for (const t of [...FIXED_TAGS, ...tagFiles].sort())
    lines.push(manifestLine(await fileHash(join(dir, t)), t));
  await writeSynced(join(dir, `tagmanifest-${ALGORITHM}.txt`), lines.join(''), sync);
  await sync.dir(dir);
}

/**
 * The SHA-512 of a file, read a piece at a time: the proofs and the metadata file grow with the
 * bag (about 1.5 kB a record), so a bag of many records must not be read into memory whole.
 */
async function fileHash(path: string): Promise<string> {
  const h = createHash(ALGORITHM);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
  return h.digest('hex');
}
