import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Audit "Hardening" 3: tile indices, entry indices, proof and tree sizes past 2^53 (or past the
 * tree) are a 400 or 404 problem, never a 500 from a number that lost its precision.
 */
describe('security: log numbers past 2^53 or past the tree', () => {
  let t: TestContext;
  let app: App;
  beforeAll(async () => {
    t = await newTestContext({ publicRateLimit: '100000' });
    app = await buildApp(t.ctx, { webDir: null });
    await t.ctx.db.transaction().execute((tx) =>
      t.ctx.records.appendMany(
        tx,
        Array.from({ length: 300 }, (_, j) => ({ kind: 'test.entry', content: { j } })),
      ),
    );
    await t.ctx.log.integrateAll();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const problem = (res: { statusCode: number; headers: Record<string, unknown> }) => {
    expect([400, 404]).toContain(res.statusCode);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
  };

  it.each([
    '/log/tile/0/x999/x999/x999/x999/x999/x999/999',
    '/log/tile/0/x009/x007/x199/x254/x740/x992/000',
    '/log/tile/entries/x999/x999/x999/x999/x999/x999/999',
    '/log/tile/entries/x999/x999/x999/x999/x999/x999/999.p/17',
    '/log/tile/3/x999/x999/x999/x999/x999/999',
    '/log/tile/63/x001/000',
    '/log/tile/0/x999/x999/x999/x999/x999/x999/x999/x999/x999/x999/999',
  ])('answers %s with a 400 or 404 problem', async (url) => {
    const res = await app.inject(url);
    problem(res);
  });

  it('names the limit when a tile index is past 2^53', async () => {
    const res = await app.inject('/log/tile/0/x999/x999/x999/x999/x999/x999/999');
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/too large/i);
  });

  it('still serves the tiles and bundles that exist, and 404s the next ones', async () => {
    expect((await app.inject('/log/tile/0/000')).statusCode).toBe(200);
    expect((await app.inject('/log/tile/entries/001.p/44')).statusCode).toBe(200);
    expect((await app.inject('/log/tile/0/x001/000')).statusCode).toBe(404);
    expect((await app.inject('/log/tile/entries/002')).statusCode).toBe(404);
  });

  it.each([
    '/api/v1/log/proof?index=99999999999999999999',
    '/api/v1/log/proof?index=9007199254740993',
    '/api/v1/log/proof?index=9007199254740991',
    '/api/v1/log/proof?index=300',
    '/api/v1/log/proof?index=0&size=9007199254740991',
    '/api/v1/log/proof?index=0&size=99999999999999999999',
    '/api/v1/log/proof?index=0&size=301',
    '/api/v1/log/proof?index=1e300',
    '/api/v1/log/proof?index=0x10',
    '/api/v1/log/proof?index=-1',
    '/api/v1/log/consistency?from=0&to=99999999999999999999',
    '/api/v1/log/consistency?from=0&to=9007199254740991',
    '/api/v1/log/consistency?from=99999999999999999999&to=300',
    '/api/v1/log/consistency?from=12&to=301',
    '/api/v1/log/consistency?from=Infinity&to=300',
  ])('answers %s with a 400 or 404 problem', async (url) => {
    const res = await app.inject(url);
    problem(res);
  });

  it('still proves what is in the tree', async () => {
    const inc = await app.inject('/api/v1/log/proof?index=299');
    expect(inc.statusCode).toBe(200);
    expect(inc.json()).toMatchObject({ index: 299, size: 300 });
    const con = await app.inject('/api/v1/log/consistency?from=12&to=300');
    expect(con.statusCode).toBe(200);
  });
});
