import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { App } from '../src/http/types.js';
import { ROLES, type Role } from '../src/policy/roles.js';
import { type Persona, personaFor, personas, sameOrigin, signInAs } from './helpers/http.js';
import { newTestContext, type TestContext } from './helpers/test-context.js';

/**
 * Every route × every role, including the refusals. Expectations are written out here, not
 * derived from the policy module, so a policy change that widens access fails this test.
 */
interface RouteCase {
  name: string;
  allowed: readonly Role[] | 'all';
  /** public routes answer anonymous callers too */
  public?: boolean;
  request(ids: Ids): { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: unknown };
}
interface Ids {
  usOffice: string;
  usStaffId: string;
  usCallId: string;
  n: number;
}

const CALL_READERS: Role[] = [
  'principal',
  'staff',
  'reviewer',
  'secretariat',
  'notetaker',
  'press',
  'records',
  'liaison',
];

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
  {
    name: 'GET /api/v1/meta',
    allowed: 'all',
    public: true,
    request: () => ({ method: 'GET', url: '/api/v1/meta' }),
  },
  {
    name: 'GET /api/v1/log/key',
    allowed: 'all',
    public: true,
    request: () => ({ method: 'GET', url: '/api/v1/log/key' }),
  },
  {
    name: 'GET /api/v1/calls',
    allowed: CALL_READERS,
    request: () => ({ method: 'GET', url: '/api/v1/calls' }),
  },
  {
    name: 'GET /api/v1/calls/:id',
    allowed: CALL_READERS,
    request: (ids) => ({ method: 'GET', url: `/api/v1/calls/${ids.usCallId}` }),
  },
  {
    name: 'GET /api/v1/calls/:id/artifacts',
    allowed: CALL_READERS,
    request: (ids) => ({ method: 'GET', url: `/api/v1/calls/${ids.usCallId}/artifacts` }),
  },
  {
    name: 'GET /api/v1/calls/dashboard',
    allowed: ['staff', 'secretariat', 'press', 'records'],
    request: () => ({ method: 'GET', url: '/api/v1/calls/dashboard' }),
  },
  {
    name: 'GET /api/v1/capture/queue',
    allowed: ['records'],
    request: () => ({ method: 'GET', url: '/api/v1/capture/queue' }),
  },
  {
    name: 'GET /api/v1/capture/compliance',
    allowed: ['records'],
    request: () => ({ method: 'GET', url: '/api/v1/capture/compliance' }),
  },
  {
    name: 'GET /api/v1/capture/compliance.csv',
    allowed: ['records'],
    request: () => ({ method: 'GET', url: '/api/v1/capture/compliance.csv' }),
  },
  {
    name: 'GET /api/v1/capture/sources',
    allowed: ['records'],
    request: () => ({ method: 'GET', url: '/api/v1/capture/sources' }),
  },
  {
    name: 'GET /api/v1/capture/location-leaks',
    allowed: ['records'],
    request: () => ({ method: 'GET', url: '/api/v1/capture/location-leaks' }),
  },
  {
    name: 'GET /api/v1/capture/registry',
    allowed: ['records', 'admin'],
    request: () => ({ method: 'GET', url: '/api/v1/capture/registry' }),
  },
  {
    name: 'PUT /api/v1/capture/covered/:id',
    allowed: ['records', 'admin'],
    request: (ids) => ({
      method: 'PUT',
      url: `/api/v1/capture/covered/${ids.usStaffId}`,
      payload: { covered: 'covered_employee' },
    }),
  },
  {
    name: 'POST /api/v1/calls',
    allowed: ['staff', 'liaison'],
    request: (ids) => ({
      method: 'POST',
      url: '/api/v1/calls',
      payload: {
        ownerOfficeId: ids.usOffice,
        counterpartLeader: 'Prime Minister Mark Carney of Canada',
        counterpartCountry: 'CA',
        purpose: 'A matrix test request for a call.',
        topics: ['Testing'],
        urgency: 'routine',
        language: 'English',
        requesterZone: 'America/New_York',
        proposedWindows: [{ start: '2026-04-01T09:00', end: '2026-04-01T10:00' }],
      },
    }),
  },
  {
    name: 'POST /api/v1/calls/off-channel',
    allowed: ['staff', 'secretariat'],
    request: (ids) => ({
      method: 'POST',
      url: '/api/v1/calls/off-channel',
      payload: {
        ownerOfficeId: ids.usOffice,
        counterpartLeader: 'President Emmanuel Macron of France',
        counterpartCountry: 'FR',
        start: '2026-03-01T10:00:00Z',
        end: '2026-03-01T10:10:00Z',
        participants: ['The President'],
        summary: 'A matrix test of off-channel logging.',
      },
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
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    list = await personas(app);
    for (const role of ROLES) cookies.set(role, await signInAs(app, personaFor(list, role).userId));
    const office = await t.ctx.db
      .selectFrom('offices')
      .select('id')
      .where('slug', '=', 'us-potus')
      .executeTakeFirstOrThrow();
    const staff = personaFor(list, 'staff');
    const callId = await t.ctx.calls.requests.request(
      { userId: staff.userId, officeId: office.id, roles: ['staff'], displayName: staff.displayName },
      {
        ownerOfficeId: office.id,
        counterpartLeader: 'President Claudia Sheinbaum Pardo of Mexico',
        counterpartCountry: 'MX',
        purpose: 'A call to read in the matrix.',
        topics: ['Testing'],
        urgency: 'routine',
        language: 'Spanish',
        requesterZone: 'America/New_York',
        proposedWindows: [{ start: '2026-04-02T09:00', end: '2026-04-02T10:00' }],
      },
    );
    ids = { usOffice: office.id, usStaffId: staff.userId, usCallId: callId, n: 0 };
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  for (const route of ROUTES) {
    it(`${route.name}: ${route.public ? 'answers anonymous callers' : 'refuses anonymous callers with 401'}`, async () => {
      ids.n += 1;
      const res = await app.inject(route.request(ids) as never);
      expect(res.statusCode).toBe(route.public ? 200 : 401);
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
