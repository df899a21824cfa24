import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Syncer } from '../../src/transfer/durable.js';

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const listing = (dir: string) => readdirSync(dir).sort().join('\n');

/**
 * A Syncer that syncs nothing but remembers, for each path it was asked to sync, what was there
 * at that moment (a file's bytes, a folder's names). `undurable(root)` then names every file or
 * folder under `root` (root included) whose present state was never synced: written after its
 * last sync, or never synced. `onFile` sees each file as it is synced (for checks at that point).
 */
export function syncRecorder(onFile?: (path: string) => void) {
  const seen = new Map<string, string>();
  const sync: Syncer = {
    async file(p) {
      seen.set(p, sha(readFileSync(p)));
      onFile?.(p);
    },
    async dir(p) {
      seen.set(p, listing(p));
    },
  };
  /** `renamed`: a path that got its content by a rename of another (synced) path. */
  const undurable = (root: string, renamed: Record<string, string> = {}): string[] => {
    const out: string[] = [];
    const walk = (p: string) => {
      if (statSync(p).isDirectory()) {
        for (const n of readdirSync(p)) walk(join(p, n));
        if (seen.get(p) !== listing(p)) out.push(`${p}/`);
      } else if (seen.get(renamed[p] ?? p) !== sha(readFileSync(p))) out.push(p);
    };
    walk(root);
    return out;
  };
  return { sync, undurable, synced: (p: string) => seen.has(p) };
}
