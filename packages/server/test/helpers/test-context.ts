import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, silentLogger } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { envToConfig, type ServerConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { type DatabaseHandle, openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Actor } from '../../src/policy/policy.js';
import { ArchiveCipher } from '../../src/records/archive-key.js';
import { newActor, officeIdBySlug } from './builders.js';

/**
 * A database for one test file: in-memory PGlite, or (HOTLINE_TEST_DB=postgres) its own schema in
 * the PostgreSQL at TEST_DATABASE_URL, dropped afterwards.
 */
export async function openTestDatabase(): Promise<DatabaseHandle & { drop(): Promise<void> }> {
  if (process.env.HOTLINE_TEST_DB === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('HOTLINE_TEST_DB=postgres needs TEST_DATABASE_URL');
    const schema = `t_${Math.random().toString(36).slice(2, 10)}`;
    const h = await openDatabase({ url, schema, poolSize: 4 });
    return {
      ...h,
      async drop() {
        const admin = await openDatabase({ url, poolSize: 1 });
        await h.close();
        await admin.db.schema.dropSchema(schema).ifExists().cascade().execute();
        await admin.close();
      },
    };
  }
  const h = await openDatabase({});
  return { ...h, drop: () => h.close() };
}

export interface TestContext {
  ctx: AppContext;
  clock: ManualClock;
  cfg: ServerConfig;
  dataDir: string;
  close(): Promise<void>;
}

export async function newTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-test-'));
  const cfg = envToConfig({ dataDir, demo: env.demo ?? '0', logLevel: 'silent', ...env });
  const db = await openTestDatabase();
  const clock = new ManualClock('2026-03-02T14:00:00Z');
  const ctx = await AppContext.fromConfig(cfg, {
    db,
    clock,
    logger: silentLogger(),
    cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
    logSigner: parseSignerKey(generateSignerKey(cfg.logOrigin).signer),
  });
  await migrateToLatest(ctx.db);
  return {
    ctx,
    clock,
    cfg,
    dataDir,
    async close() {
      await ctx.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The demo world, prepared, on a new test context (`env` is added to demo '1'), and a new records
 * officer of us-potus. The demo seed, on a shared machine under load, can take longer than the
 * default minute: give the hook that calls this more.
 */
export async function demoWithRecordsOfficer(
  env: Record<string, string> = {},
): Promise<{ t: TestContext; us: Actor }> {
  const t = await newTestContext({ demo: '1', ...env });
  await t.ctx.prepare();
  const us = await newActor(t.ctx, await officeIdBySlug(t.ctx, 'us-potus'), ['records']);
  return { t, us };
}
