import { HOUR } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import { personaFor, personas, sameOrigin, signInAs } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

describe('HTTP: sessions, problems and demo mode (demo on)', () => {
  let t: TestContext;
  let app: App;
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '1000' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('serves health, readiness and the OpenAPI document', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json().status).toBe('ready');
    const doc = (await app.inject('/api/docs/json')).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/users/invite');
    expect(doc.paths['/api/v1/users/invite'].post.requestBody).toBeDefined();
  });

  it('sets a strict CSP and security headers', async () => {
    const res = await app.inject('/api/v1/meta');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('signs in a demo persona with an httpOnly SameSite=Strict cookie and signs out', async () => {
    const list = await personas(app);
    expect(new Set(list.map((p) => p.officeSlug))).toEqual(
      new Set(['us-potus', 'ca-pmo', 'fr-elysee', 'mx-presidencia']),
    );
    // Nine roles per office, and each office's second reviewer (so a flash request can be approved).
    expect(list).toHaveLength(40);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/demo/sign-in',
      payload: { userId: list[0]!.userId },
    });
    const c = res.cookies.find((x) => x.name === 'hotline_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
    const cookie = `hotline_session=${c.value}`;
    const me = await app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json().session.method).toBe('demo');
    const out = await app.inject({ method: 'POST', url: '/api/v1/auth/sign-out', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    const after = await app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('session_revoked');
    const kinds = (await t.ctx.db.selectFrom('records').select('kind').execute()).map((r) => r.kind);
    expect(kinds).toContain('audit.auth.signed_in');
    expect(kinds).toContain('audit.auth.signed_out');
  });

  it('expires sessions', async () => {
    const cookie = await signInAs(app, personaFor(await personas(app), 'staff').userId);
    expect((await app.inject({ url: '/api/v1/me', headers: { cookie } })).statusCode).toBe(200);
    t.clock.advance(13 * HOUR);
    const res = await app.inject({ url: '/api/v1/me', headers: { cookie } });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({
      code: 'session_expired',
      detail: 'Your session has expired. Sign in again.',
    });
  });

  it('refuses a forged or unsigned session cookie', async () => {
    const forged = await app.inject({
      url: '/api/v1/me',
      headers: { cookie: 'hotline_session=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG.fakesig' },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().code).toBe('invalid_session');
    const cookie = await signInAs(app, personaFor(await personas(app), 'press').userId);
    const token = cookie.split('=')[1]!.split('.')[0]!;
    const unsigned = await app.inject({ url: '/api/v1/me', headers: { cookie: `hotline_session=${token}` } });
    expect(unsigned.statusCode).toBe(401);
    const tampered = await app.inject({ url: '/api/v1/me', headers: { cookie: `${cookie.slice(0, -2)}xx` } });
    expect(tampered.statusCode).toBe(401);
  });

  it('refuses an unknown passkey with a clear reason', async () => {
    const opts = await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} });
    const { challengeId } = opts.json();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      payload: {
        challengeId,
        response: {
          id: 'bm90LWEta25vd24ta2V5',
          rawId: 'bm90LWEta25vd24ta2V5',
          type: 'public-key',
          response: {},
        },
      },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unknown_passkey' });
    expect(res.json().detail).toMatch(/not registered with Hotline/);
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/verify',
      payload: { challengeId, response: { id: 'x' } },
    });
    expect(replay.statusCode).toBe(400);
    expect(replay.json().detail).toMatch(/already used/);
  });

  it('answers bad input with problem+json naming the fields', async () => {
    const cookie = await signInAs(app, personaFor(await personas(app), 'admin').userId);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/users/invite',
      headers: { cookie },
      payload: { email: 'nope', roles: [] },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['body.email', 'body.roles', 'body.officeId']),
    );
    expect(body.detail).toMatch(/body\.email: must be an email address/);
  });

  it('refuses cross-origin writes', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login/options',
      headers: { origin: 'https://evil.example' },
      payload: {},
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/evil\.example/);
  });

  it('answers unknown paths with problem+json', async () => {
    const res = await app.inject('/api/v1/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('HTTP with demo mode off', () => {
  let t: TestContext;
  let app: App;
  beforeAll(async () => {
    t = await newTestContext({ demo: '0', authRateLimit: '5' });
    await t.ctx.prepare();
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('has no demo sign-in path at all', async () => {
    expect((await app.inject('/api/v1/demo/personas')).statusCode).toBe(404);
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/demo/sign-in',
      payload: { userId: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a' },
    });
    expect(res.statusCode).toBe(404);
    const doc = (await app.inject('/api/docs/json')).json();
    expect(Object.keys(doc.paths).some((p) => p.includes('demo'))).toBe(false);
    expect((await app.inject('/api/v1/meta')).json().demo).toBe(false);
    expect(await t.ctx.db.selectFrom('users').select('id').execute()).toHaveLength(0);
  });

  it('rate-limits the auth endpoints', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++) {
      codes.push(
        (await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} })).statusCode,
      );
    }
    expect(codes.slice(0, 5).every((c) => c === 200)).toBe(true);
    expect(codes.at(-1)).toBe(429);
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toMatch(/limit is 5/);
  });
});
