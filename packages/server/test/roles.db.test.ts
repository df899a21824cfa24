import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import { ROLES, type Role } from '../src/policy/roles.js';
import { type Persona, personaFor, personas, signInAs } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

/**
 * Every route × every role, including the refusals. Expectations are written out here, not
 * derived from the policy module, so a policy change that widens access fails this test.
 */
interface RouteCase {
  name: string;
  allowed: readonly Role[] | 'all';
  request(ids: Ids): { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: unknown };
}
interface Ids {
  usOffice: string;
  usStaffId: string;
  n: number;
}

const ROUTES: RouteCase[] = [
  { name: 'GET /api/v1/me', allowed: 'all', request: () => ({ method: 'GET', url: '/api/v1/me' }) },
  {
    name: 'GET /api/v1/me/passkeys',
    allowed: 'all',
    request: () => ({ method: 'GET', url: '/api/v1/me/passkeys' }),
  },
  {
    name: 'POST /api/v1/me/passkeys/options',
    allowed: 'all',
    request: () => ({ method: 'POST', url: '/api/v1/me/passkeys/options', payload: {} }),
  },
  { name: 'GET /api/v1/offices', allowed: 'all', request: () => ({ method: 'GET', url: '/api/v1/offices' }) },
  { name: 'GET /api/v1/users', allowed: 'all', request: () => ({ method: 'GET', url: '/api/v1/users' }) },
  {
    name: 'POST /api/v1/offices',
    allowed: ['admin'],
    request: (ids) => ({
      method: 'POST',
      url: '/api/v1/offices',
      payload: {
        slug: `matrix-${ids.n}`,
        name: `Matrix Office ${ids.n}`,
        country: 'DE',
        leaderTitle: 'Chancellor',
        leaderName: 'Friedrich Merz',
        timeZone: 'Europe/Berlin',
      },
    }),
  },
  {
    name: 'POST /api/v1/users/invite',
    allowed: ['admin'],
    request: (ids) => ({
      method: 'POST',
      url: '/api/v1/users/invite',
      payload: {
        officeId: ids.usOffice,
        email: `matrix${ids.n}@us.example.gov`,
        displayName: 'Matrix Person',
        title: 'Analyst',
        timeZone: 'America/New_York',
        roles: ['staff'],
      },
    }),
  },
  {
    name: 'PUT /api/v1/users/:id/roles',
    allowed: ['admin'],
    request: (ids) => ({
      method: 'PUT',
      url: `/api/v1/users/${ids.usStaffId}/roles`,
      payload: { roles: ['staff'] },
    }),
  },
];

describe('route × role authorization', () => {
  let t: TestContext;
  let app: App;
  let list: Persona[];
  const cookies = new Map<Role, string>();
  let ids: Ids;
  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '10000' });
    await t.ctx.prepare();
    app = await buildApp(t.ctx, { webDir: null });
    list = await personas(app);
    for (const role of ROLES) cookies.set(role, await signInAs(app, personaFor(list, role).userId));
    const office = await t.ctx.db
      .selectFrom('offices')
      .select('id')
      .where('slug', '=', 'us-potus')
      .executeTakeFirstOrThrow();
    ids = { usOffice: office.id, usStaffId: personaFor(list, 'staff').userId, n: 0 };
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  for (const route of ROUTES) {
    it(`${route.name}: refuses anonymous callers with 401`, async () => {
      ids.n += 1;
      const res = await app.inject(route.request(ids) as never);
      expect(res.statusCode).toBe(401);
    });
    for (const role of ROLES) {
      const allowed = route.allowed === 'all' || route.allowed.includes(role);
      it(`${route.name} as ${role}: ${allowed ? 'allowed' : 'refused with 403'}`, async () => {
        ids.n += 1;
        const res = await app.inject({
          ...(route.request(ids) as object),
          headers: { cookie: cookies.get(role)! },
        } as never);
        if (allowed) {
          expect(res.statusCode, res.body).toBeLessThan(300);
        } else {
          expect(res.statusCode, res.body).toBe(403);
          expect(res.json().detail).toMatch(/needs one of these roles/);
        }
      });
    }
  }
});
