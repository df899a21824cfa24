import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Logger } from '@hotline/common';

/** Files Hotline creates are private to its user whatever umask it was started with. */
export function restrictUmask(): void {
  process.umask(0o077);
}

/**
 * Make `dir` and everything under it private: directories 0700, files 0600. A looser mode is
 * tightened with a warning naming the path; a mode that cannot be fixed (another owner, a
 * read-only filesystem) stops start-up with a ConfigError. Symbolic links are not followed.
 * Returns the paths that were tightened.
 */
export function securePrivateTree(dir: string, logger?: Logger, variable = 'HOTLINE_DATA_DIR'): string[] {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  const fixed: string[] = [];
  const visit = (path: string) => {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    const mode = st.mode & 0o777;
    if (mode & 0o077) {
      try {
        chmodSync(path, mode & want);
      } catch (err) {
        throw new ConfigError(
          variable,
          `${path} is accessible to other users (mode ${mode.toString(8)}) and Hotline cannot change it (${(err as Error).message}); run "chmod -R go-rwx ${dir}" as its owner.`,
        );
      }
      fixed.push(path);
      logger?.warn(
        { path, mode: mode.toString(8), now: (mode & want).toString(8) },
        `${path} was accessible to other users (mode ${mode.toString(8)}); tightened it`,
      );
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  visit(dir);
  return fixed;
}
