import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * How a transfer makes what it wrote durable: a file's bytes, and a directory's entries (a new
 * file is not on the disk after a power cut until the directory naming it is synced too). The
 * transfer calls these at its seams only: a file when it is closed, a bag's directories when
 * the bag is finished, the transfer folder when its state file is replaced. Tests pass their
 * own to check the order (every file synced before the state that names its bag).
 */
export interface Syncer {
  file(path: string): Promise<void>;
  dir(path: string): Promise<void>;
}

async function fsyncPath(path: string, flags: string): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** fsync(2) through the file system: a file opened for writing, a directory read-only (Linux, macOS). */
export const fsSyncer: Syncer = {
  file: (path) => fsyncPath(path, 'r+'),
  dir: (path) => fsyncPath(path, 'r'),
};

/**
 * Sync every directory under `root` and then `root` itself, children before their parent: one
 * walk of the tree (each directory listed once), so the cost is linear in the bag's entries
 * and nothing is kept in memory but the listings of the folders being walked.
 */
export async function syncTree(root: string, sync: Syncer): Promise<void> {
  for (const e of await readdir(root, { withFileTypes: true }))
    if (e.isDirectory()) await syncTree(join(root, e.name), sync);
  await sync.dir(root);
}

/**
 * Write a whole file and fsync it before closing it (`wx`: it must be new). One sync per file,
 * when it is complete, never one per write.
 */
export async function writeSynced(
  path: string,
  data: string | Uint8Array,
  sync: Syncer,
  flag: 'w' | 'wx' = 'w',
): Promise<void> {
  const fh = await open(path, flag);
  try {
    await fh.writeFile(data);
    // The file system's own: on the descriptor just written (no second open).
    if (sync === fsSyncer) await fh.sync();
  } finally {
    await fh.close();
  }
  if (sync !== fsSyncer) await sync.file(path);
}
