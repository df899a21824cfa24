import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@hotline/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config/config.js';
import { AppContext } from '../src/context.js';
import { embeddedDatabaseDir, startEmbeddedDatabase } from '../src/db/embedded.js';
import { createArchiveKeyFile, createLogKeyFile } from '../src/records/keys.js';
import { serve } from '../src/serve.js';
import { newOfficeInput } from './helpers/builders.js';

/**
 * `serve` makes its context and builds its routes while the embedded database is still opening
 * on its thread (issue 14: the restart; `fromConfig(…, { whileOpening: true })`). What needed the
 * database open before still holds: the demo guard refuses a database with real offices before
 * anything is migrated or served, a database that cannot be opened is reported and makes no
 * key, and either way the folder is left unlocked. (Demo mode through `serve` itself starts the
 * demo witness from the built CLI, which a fresh clone's unit tests run before: the demo cases
 * go through the context as `serve` makes it; e2e/witness-verify runs `hotline serve` whole.)
 */
describe('serve while the embedded database opens', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-while-opening-'));
  });
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });
  const config = (env: Record<string, string> = {}) =>
    envToConfig({ dataDir, demo: '1', host: '127.0.0.1', port: '0', logLevel: 'silent', ...env });
  /** The context as `serve` makes it: the database thread still opening. */
  const whileOpening = (cfg: ReturnType<typeof config>) =>
    AppContext.fromConfig(cfg, {
      pgliteThread: startEmbeddedDatabase(cfg)!,
      whileOpening: true,
      logger: silentLogger(),
    });
  const locked = (cfg: ReturnType<typeof config>) =>
    existsSync(join(embeddedDatabaseDir(cfg), 'hotline.pid'));

  it('still refuses demo mode on a database with real offices, before migrating or serving, and unlocks the folder', async () => {
    // A folder that held the demo, to which someone then added a real office.
    const forced = config({ demoForce: '1' });
    const first = await whileOpening(forced);
    await first.prepare();
    await first.identity.createOffice({ operator: 'test operator' }, newOfficeInput({ slug: 'real-office' }));
    await first.close();

    const ctx = await whileOpening(config());
    await expect(ctx.prepare()).rejects.toThrow(
      /real offices \(real-office\).*HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA=1/,
    );
    await ctx.close();
    expect(locked(config())).toBe(false);

    // The refusal was the guard's, not a failed open: the same folder, out of demo mode, is
    // served by `serve` itself, its routes built while the database opened.
    const s = await serve(config({ demo: '0' }));
    try {
      const ready = await fetch(`${s.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', database: 'pglite' });
    } finally {
      await s.close();
    }
    expect(locked(config())).toBe(false);
  }, 120_000);

  it('reports a database that cannot be opened, makes no demo key, and unlocks the folder', async () => {
    const cfg = config();
    const dir = embeddedDatabaseDir(cfg);
    mkdirSync(dir, { recursive: true });
    // A data folder of a PostgreSQL version PGlite is not.
    writeFileSync(join(dir, 'PG_VERSION'), '9\n');
    // Demo mode would make the missing keys, but only once it has looked into the database.
    await expect(whileOpening(cfg)).rejects.toThrow();
    expect(locked(cfg)).toBe(false);
    expect(existsSync(cfg.archiveKeyFile)).toBe(false);
    expect(existsSync(cfg.logKeyFile)).toBe(false);

    // `serve` out of demo mode, its keys there: the failed open is reported from the first query.
    const real = config({ demo: '0' });
    mkdirSync(join(dataDir, 'keys'), { recursive: true, mode: 0o700 });
    createArchiveKeyFile(real.archiveKeyFile);
    createLogKeyFile(real.logKeyFile, real.logOrigin);
    await expect(serve(real)).rejects.toThrow();
    expect(locked(real)).toBe(false);
  }, 60_000);
});
