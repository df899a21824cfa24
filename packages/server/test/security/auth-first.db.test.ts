import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { PUBLIC_API_ROUTES } from '../../src/http/auth-first.js';
import type { App } from '../../src/http/types.js';
import { personaFor, personas, SAME_ORIGIN, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Audit "Hardening" 2: without a session a protected route answers 401 before its body is read
 * or validated, so an anonymous caller learns nothing of its schema from a 400.
 */
describe('security: authentication before validation', () => {
  let t: TestContext;
  let app: App;
  const registered = new Set<string>();
  const id = '00000000-0000-4000-8000-000000000000';
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = sameOrigin(
      await buildApp(t.ctx, {
        webDir: null,
        onRoute: (r) => {
          for (const m of [r.method].flat()) registered.add(`${m} ${r.url}`);
        },
      }),
    );
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  const bad = { nonsense: true, email: 'nope', roles: 'x', expectedVersion: 'x' };
  it.each([
    ['POST', '/api/v1/users/invite'],
    ['POST', `/api/v1/role-grants/${id}/confirm`],
    ['PUT', `/api/v1/users/${id}/roles`],
    ['PUT', '/api/v1/users/not-a-uuid/roles'],
    ['POST', '/api/v1/calls'],
    ['POST', '/api/v1/calls/off-channel'],
    ['POST', `/api/v1/calls/${id}/transitions`],
    ['POST', '/api/v1/calls/not-a-uuid/memcons'],
    ['PUT', `/api/v1/calls/${id}/schedule`],
    ['POST', `/api/v1/capture/items/${id}/classify`],
    ['POST', '/api/v1/capture/official-accounts'],
    ['POST', '/api/v1/capture/imports'],
    ['POST', '/api/v1/me/passkeys/options'],
    ['POST', '/api/v1/me/passkeys/verify'],
    ['POST', '/%61pi/v1/users/invite'],
  ] as const)('%s %s without a session and with an invalid body: 401, not 400', async (method, url) => {
    const res = await app.inject({ method, url, payload: bad });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('unauthenticated');
    expect(res.body).not.toMatch(/body\.|issues/);
  });

  it('answers 401 before reading a body that is not even JSON', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/calls',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).toBe(401);
  });

  it.each([
    ['GET', '/api/v1/calls?scope=nonsense'],
    ['GET', '/api/v1/users?officeId=not-a-uuid'],
    ['GET', '/api/v1/calls/not-a-uuid'],
  ] as const)('%s %s without a session and with an invalid query or id: 401', async (method, url) => {
    expect((await app.inject({ method, url })).statusCode).toBe(401);
  });

  it('refuses a tampered cookie before validation too', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users/invite',
      headers: { cookie: 'hotline_session=forged.value' },
      payload: bad,
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('invalid_session');
  });

  it('still validates the body once signed in', async () => {
    const cookie = await signInAs(app, personaFor(await personas(app), 'admin').userId);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users/invite',
      headers: { cookie },
      payload: bad,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('validation_failed');
  });

  it('keeps the sign-in routes public: they validate without a session', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      headers: SAME_ORIGIN,
      payload: bad,
    });
    expect(res.statusCode).toBe(400);
    expect((await app.inject('/api/v1/meta')).statusCode).toBe(200);
    expect((await app.inject('/api/v1/log/key')).statusCode).toBe(200);
  });

  it('lists only routes that exist as public', () => {
    for (const r of PUBLIC_API_ROUTES) expect(registered, r).toContain(r);
  });
});
