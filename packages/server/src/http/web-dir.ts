import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the built web app is: the configured folder (HOTLINE_WEB_DIR, checked by envToConfig),
 * or packages/web/dist found upward from here or from the working directory.
 */
export function findWebDir(configured?: string): string | null {
  if (configured) return resolve(configured);
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      const candidate = join(dir, 'packages', 'web', 'dist');
      if (existsSync(join(candidate, 'index.html'))) return candidate;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return null;
}
