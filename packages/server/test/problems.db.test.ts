import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { isUuid, ManualClock } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { envToConfig } from '../src/config/config.js';
import { AppContext } from '../src/context.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations/index.js';
import type { App } from '../src/http/types.js';
import { ArchiveCipher } from '../src/records/archive-key.js';
import { sameOrigin } from './helpers/http.js';
import { openTestDatabase } from './helpers/test-context.js';

/** A context on a database that is NOT migrated yet, with its log lines kept for the test. */
async function unmigratedApp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'hotline-problems-'));
  const cfg = envToConfig({ dataDir, demo: '0', logLevel: 'silent' });
  const db = await openTestDatabase();
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  const ctx = await AppContext.fromConfig(cfg, {
    db,
    clock: new ManualClock('2026-03-02T14:00:00Z'),
    logger: pino({ level: 'warn' }, sink),
    cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
    logSigner: parseSignerKey(generateSignerKey(cfg.logOrigin).signer),
  });
  const app = sameOrigin(await buildApp(ctx, { webDir: null }));
  let dropped = false;
  return {
    ctx,
    app,
    lines,
    async dropDatabase() {
      dropped = true;
      await db.drop();
    },
    async close() {
      await app.close();
      await ctx.close();
      if (!dropped) await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('errors a person sees, and readiness', () => {
  let t: Awaited<ReturnType<typeof unmigratedApp>>;
  let app: App;
  beforeAll(async () => {
    t = await unmigratedApp();
    app = t.app;
    // Test-only routes that fail the way real bugs do: a thrown Error whose message carries
    // internals, and a query against a table that does not exist. Outside /api/v1/, so they need
    // no session (src/http/auth-first.ts).
    app.get('/test/throws', async () => {
      throw new Error(
        'invariant broken: select token_hash from sessions where user_id = 42 (/srv/hotline/x.ts)',
      );
    });
    app.get('/test/bad-sql', async () => {
      await sql`select secret_column from no_such_table_for_test`.execute(t.ctx.db);
      return { ok: true };
    });
  });
  afterAll(() => t.close());

  it('reports pending migrations as 503 problem+json naming them and the command to run', async () => {
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const body = res.json();
    expect(body).toMatchObject({ status: 503, code: 'not_migrated', title: 'Not ready' });
    for (const name of Object.keys(migrations)) expect(body.detail).toContain(name);
    expect(body.detail).toMatch(/Run "hotline migrate"/);
  });

  it('is ready once migrated', async () => {
    await migrateToLatest(t.ctx.db);
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: t.ctx.database.kind });
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('answers an unexpected error with 500 problem+json carrying an error id and no internals', async () => {
    for (const url of ['/test/throws', '/test/bad-sql']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['code', 'detail', 'errorId', 'status', 'title', 'type']);
      expect(body).toMatchObject({ status: 500, code: 'internal_error' });
      expect(isUuid(body.errorId)).toBe(true);
      expect(body.detail).toContain(body.errorId);
      for (const leak of [
        /select/i,
        /no_such_table/,
        /token_hash/,
        /secret/,
        /\/srv\//,
        /\bat .*\(/,
        /Error:/,
      ]) {
        expect(res.body).not.toMatch(leak);
      }
      // The log has the real error under the same id, so support can find it.
      const logged = t.lines.find((l) => l.errorId === body.errorId);
      expect(logged).toBeDefined();
      expect(JSON.stringify(logged)).toMatch(
        url.endsWith('throws') ? /invariant broken/ : /no_such_table_for_test/,
      );
    }
  });

  it('reports a database that is gone as 503 problem+json without its error', async () => {
    await t.dropDatabase();
    const res = await app.inject('/readyz');
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      status: 503,
      code: 'database_unreachable',
      detail: 'The database is not reachable.',
    });
    expect(res.body).not.toMatch(/destroyed|closed|pglite|pool/i);
  });
});
