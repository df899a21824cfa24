import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { personaFor, personas } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Audit "Hardening" 1: every state-changing request, on every path however it is spelled, must
 * come from this server's own origin (Origin header, or Sec-Fetch-Site: same-origin); API answers
 * are never cached, whatever the spelling of the path. Uses the bare app, so no header is added.
 */
describe('security: origin check on every state-changing request', () => {
  let t: TestContext;
  let app: App;
  let cookie: string;
  let officeId: string;
  const ours = 'http://localhost:8080';
  const evil = 'https://evil.example';
  let n = 0;
  const invite = () => ({
    officeId,
    email: `invitee${++n}@example.gov`,
    displayName: 'Pat Invitee',
    title: 'Desk officer',
    timeZone: 'America/New_York',
    roles: ['staff'],
  });

  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = await buildApp(t.ctx, { webDir: null });
    const admin = personaFor(await personas(app), 'admin');
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/demo/sign-in',
      headers: { origin: ours },
      payload: { userId: admin.userId },
    });
    expect(res.statusCode).toBe(200);
    cookie = `hotline_session=${res.cookies.find((c) => c.name === 'hotline_session')!.value}`;
    const me = await app.inject({ url: '/api/v1/me', headers: { cookie } });
    officeId = me.json().office.id;
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const invitesNamed = async (email: string) =>
    (await t.ctx.db.selectFrom('users').select('id').where('email', '=', email).execute()).length;

  it.each([
    ['/%61pi/v1/users/invite', { origin: evil }],
    ['/%61%70%69/v1/users/invite', { origin: evil }],
    ['/api/v1/users/%69nvite', { origin: evil }],
    ['/api/v1/users/invite', { origin: evil }],
    ['/api/v1/users/invite', {}],
    ['/%61pi/v1/users/invite', {}],
    ['/api/v1/users/invite', { origin: 'null' }],
    ['/api/v1/users/invite', { origin: `${ours}.evil.example` }],
    ['/api/v1/users/invite', { 'sec-fetch-site': 'cross-site' }],
    ['/api/v1/users/invite', { 'sec-fetch-site': 'same-site' }],
    ['/api/v1/users/invite', { origin: evil, 'sec-fetch-site': 'same-origin' }],
  ])('refuses POST %s with %j: 403 problem, nothing created', async (url, headers) => {
    const body = invite();
    const res = await app.inject({ method: 'POST', url, headers: { cookie, ...headers }, payload: body });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 403, code: 'cross_origin_request' });
    expect(res.json().detail).toContain(ours);
    expect(await invitesNamed(body.email)).toBe(0);
  });

  it('says what was refused and what to do', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users/invite',
      headers: { cookie },
      payload: invite(),
    });
    expect(res.json().detail).toMatch(/no Origin/i);
    expect(res.json().detail).toMatch(/Sec-Fetch-Site: same-origin/);
    const foreign = await app.inject({
      method: 'POST',
      url: '/%61pi/v1/users/invite',
      headers: { cookie, origin: evil },
      payload: invite(),
    });
    expect(foreign.json().detail).toContain(evil);
  });

  it.each(['PUT', 'PATCH', 'DELETE', 'POST'] as const)(
    'refuses a foreign %s anywhere, even where nothing is routed',
    async (method) => {
      for (const url of ['/api/v1/nothing', '/log/checkpoint', '/readouts', '/x/../api/v1/offices']) {
        const res = await app.inject({ method, url, headers: { cookie, origin: evil }, payload: {} });
        expect(res.statusCode, `${method} ${url}`).toBe(403);
      }
    },
  );

  it('accepts our Origin, or Sec-Fetch-Site: same-origin without one', async () => {
    const a = invite();
    const byOrigin = await app.inject({
      method: 'POST',
      url: '/api/v1/users/invite',
      headers: { cookie, origin: ours },
      payload: a,
    });
    expect(byOrigin.statusCode).toBe(201);
    const b = invite();
    const byFetchSite = await app.inject({
      method: 'POST',
      url: '/api/v1/users/invite',
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
      payload: b,
    });
    expect(byFetchSite.statusCode).toBe(201);
    expect(await invitesNamed(a.email)).toBe(1);
    expect(await invitesNamed(b.email)).toBe(1);
  });

  it('refuses a sign-in from no or another origin (login CSRF)', async () => {
    const admin = personaFor(await personas(app), 'admin');
    for (const headers of [{}, { origin: evil }]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/demo/sign-in',
        headers,
        payload: { userId: admin.userId },
      });
      expect(res.statusCode).toBe(403);
      expect(res.cookies).toHaveLength(0);
    }
  });

  it('lets reads through without an Origin (GET, HEAD)', async () => {
    expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'HEAD', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/v1/log/key' })).statusCode).toBe(200);
  });

  it.each([
    '/api/v1/me',
    '/%61pi/v1/me',
    '/api/v1/./me',
    '/api/v1/nothing',
    '/%61pi/v1/nothing',
    '/api/docs/json',
  ])('answers GET %s with Cache-Control: no-store', async (url) => {
    const res = await app.inject({ url, headers: { cookie } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a refused write with Cache-Control: no-store', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/%61pi/v1/users/invite',
      headers: { origin: evil },
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
