import {
  entriesPath,
  TILE_WIDTH,
  tilePath,
  tilesChanged,
  tilesForSize,
  tileWidth,
  toBase64,
} from '@hotline/ledger';
import type { LogService } from '../records/log-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import type { ReplicaStore } from './store.js';

/**
 * A second copy of the archive: the log's tiles and entry bundles in the C2SP tlog-tiles layout
 * (so the copy is itself a static log an auditor can check), every published checkpoint, and the
 * sealed content (still encrypted: the copy holds no key). Layout under the folder or prefix:
 *
 *   replica.json              what was copied up to which tree size, under which keys
 *   checkpoint                the latest signed checkpoint
 *   checkpoints/<size>        every checkpoint published since the first copy
 *   tile/<L>/<N>[.p/<W>]      hash tiles; tile/entries/<N>[.p/<W>]: entry bundles
 *   sealed/<key id>/<digest>  content sealed under the archive key <key id>
 */
export const REPLICA_FORMAT = 'hotline-replica/1';
export const MANIFEST = 'replica.json';

export interface ReplicaManifest {
  format: typeof REPLICA_FORMAT;
  origin: string;
  /** The log's verifier key when copied; pin your own for a real audit. */
  verifierKey: string;
  size: number;
  root: string;
  /** Archive key ids under which sealed content was copied. */
  keyIds: string[];
  updated: string;
}

export interface ReplicateResult {
  where: string;
  previousSize: number;
  size: number;
  tiles: number;
  entryBundles: number;
  checkpoints: number;
  sealed: number;
  removedPartials: number;
}

export type ReplicaProgress = (phase: string, done: number, total: number) => void;

const SEAL_BATCH = 1024;
/** Objects written or read at once: an object store answers each request slowly but in parallel. */
export const PARALLEL = 16;

/** Run `fn` over `items`, at most `limit` at a time, in order of start. */
export async function inParallel<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function readManifest(store: ReplicaStore): Promise<ReplicaManifest | null> {
  const raw = await store.get(MANIFEST);
  if (!raw) return null;
  let m: ReplicaManifest;
  try {
    m = JSON.parse(new TextDecoder().decode(raw)) as ReplicaManifest;
  } catch {
    throw new Error(`${store.where}/${MANIFEST} is not JSON; this is not a Hotline replica`);
  }
  if (m.format !== REPLICA_FORMAT || !Number.isSafeInteger(m.size) || !Array.isArray(m.keyIds))
    throw new Error(`${store.where}/${MANIFEST} is not a ${REPLICA_FORMAT} manifest`);
  return m;
}

const sealedPath = (keyId: string | null, digest: string) => `sealed/${keyId ?? 'unkeyed'}/${digest}`;

/**
 * Bring the replica up to the log's latest checkpoint, copying only what is new: sealed content
 * of the new entries (and content re-sealed under a new key since), the tiles that changed
 * (full tiles never change; a partial tile is copied at its new width and the old one removed),
 * the checkpoints published since, then the checkpoint and the manifest. Each step is idempotent
 * and the manifest is written last, so an interrupted run is simply run again.
 */
export async function replicate(
  db: Db,
  log: LogService,
  store: ReplicaStore,
  opts: { onProgress?: ReplicaProgress; now?: Date } = {},
): Promise<ReplicateResult> {
  const before = await readManifest(store);
  if (before && before.origin !== log.origin)
    throw new Error(
      `${store.where} is a replica of the log "${before.origin}", not of "${log.origin}"; choose another place`,
    );
  const cp = await log.latestCheckpoint();
  if (!cp) throw new Error('the log has no checkpoint yet; start the server once or append a record');
  const old = before?.size ?? 0;
  if (old > cp.size)
    throw new Error(
      `${store.where} holds a tree of ${old} entries, larger than this log's ${cp.size}: it is a copy of another log`,
    );
  if (before && old === cp.size && before.root !== toBase64(cp.root))
    throw new Error(`${store.where} holds another tree of the same size: it is a copy of another log`);
  const progress = opts.onProgress ?? (() => {});
  const result: ReplicateResult = {
    where: store.where,
    previousSize: old,
    size: cp.size,
    tiles: 0,
    entryBundles: 0,
    checkpoints: 0,
    sealed: 0,
    removedPartials: 0,
  };

  // 1. Sealed content first, so no checkpoint in the replica names content it lacks.
  const keyIds = new Set(before?.keyIds ?? []);
  const copied = new Set<string>();
  const copy = async (rows: { digest: string; bytes: Uint8Array; key_id: string | null }[]) => {
    const fresh = rows.filter((r) => {
      const path = sealedPath(r.key_id, r.digest);
      if (copied.has(path)) return false;
      copied.add(path);
      return true;
    });
    await inParallel(fresh, PARALLEL, async (r) => {
      await store.put(sealedPath(r.key_id, r.digest), new Uint8Array(r.bytes));
      keyIds.add(r.key_id ?? 'unkeyed');
      result.sealed++;
    });
  };
  for (let from = old; from < cp.size; from += SEAL_BATCH) {
    progress('sealed content (entries)', from - old, cp.size - old);
    await copy(await repo.sealedOfEntries(db, from, Math.min(from + SEAL_BATCH, cp.size)));
  }
  if (before) {
    // Content re-sealed by an archive key rotation since the last copy.
    let after = '';
    for (;;) {
      const rows = await repo.sealedNotUnderAny(db, before.keyIds, after, SEAL_BATCH);
      if (rows.length === 0) break;
      await copy(rows);
      after = rows.at(-1)!.digest;
      progress('sealed content (re-sealed)', result.sealed, result.sealed);
    }
  }

  // 2. The tiles that differ between the replica's tree and the log's.
  const changed = tilesChanged(old, cp.size);
  let done = 0;
  await inParallel(changed, PARALLEL, async (t) => {
    progress('tiles', done++, changed.length);
    const hashes = await log.tile(t.level, t.index, t.width);
    if (!hashes) throw new Error(`tile ${tilePath(t.level, t.index, t.width)} is missing from the log`);
    await store.put(tilePath(t.level, t.index, t.width), hashes);
    result.tiles++;
    if (t.level === 0) {
      const bundle = await log.entryBundle(t.index, t.width);
      if (!bundle) throw new Error(`entry bundle ${entriesPath(t.index, t.width)} is missing from the log`);
      await store.put(entriesPath(t.index, t.width), bundle);
      result.entryBundles++;
    }
  });

  // 3. Checkpoints published since, then the latest one.
  for (const c of await repo.checkpointsAfter(db, old, cp.size)) {
    await store.put(`checkpoints/${Number(c.size)}`, new TextEncoder().encode(c.note));
    result.checkpoints++;
  }
  await store.put('checkpoint', new TextEncoder().encode(cp.note));

  // 4. The manifest, last; then the partial tiles the new tree has outgrown.
  const manifest: ReplicaManifest = {
    format: REPLICA_FORMAT,
    origin: log.origin,
    verifierKey: log.verifierKey,
    size: cp.size,
    root: toBase64(cp.root),
    keyIds: [...keyIds].sort(),
    updated: (opts.now ?? new Date()).toISOString(),
  };
  await store.put(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  for (const t of tilesForSize(old)) {
    if (t.width === TILE_WIDTH || tileWidth(cp.size, t.level, t.index) === t.width) continue;
    await store.delete(tilePath(t.level, t.index, t.width));
    if (t.level === 0) await store.delete(entriesPath(t.index, t.width));
    result.removedPartials++;
  }
  progress('done', 1, 1);
  return result;
}
