import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The embedded database's baseline: a data folder with every migration applied, made once by
 * `npm run build` (scripts/build.mjs) and saved beside the bundle as a gzipped tar. A first start
 * on a new data folder loads it instead of running PostgreSQL's initdb and every migration
 * (about half of a first start). Migrations newer than the baseline are applied after it as on
 * any existing data folder; without the file (tests, a bundle built elsewhere), initdb runs.
 */
export const BASELINE_NAME = 'pgdata-baseline.tar.gz';

/** The baseline beside this module (the bundle's folder), if it was built. */
export function findBaseline(): string | null {
  const file = join(dirname(fileURLToPath(import.meta.url)), BASELINE_NAME);
  return existsSync(file) ? file : null;
}
