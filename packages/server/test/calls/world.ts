import type { CreateCallRequestInput } from '@hotline/contract';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import type { Actor } from '../../src/policy/policy.js';
import type { Role } from '../../src/policy/roles.js';
import { newInviteInput, newOfficeInput } from '../helpers/builders.js';
import { sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * A small world for call tests, independent of the demo seed: a host office in Ottawa, a
 * counterpart office in Paris, one person per role in each (flagged as demo personas, so the
 * HTTP tests can sign in with one click), and no seeded calls.
 */
export interface CallWorld {
  t: TestContext;
  host: { id: string; people: Record<string, Actor> };
  other: { id: string; people: Record<string, Actor> };
  /** A second reviewer and a second press officer of the host office. */
  reviewer2: Actor;
  reviewer3: Actor;
  press2: Actor;
  app?: App;
  cookies: Map<string, string>;
  close(): Promise<void>;
}

const ROLES: Role[] = ['principal', 'staff', 'reviewer', 'secretariat', 'notetaker', 'press', 'liaison'];

async function person(t: TestContext, officeId: string, roles: Role[], name: string, zone: string) {
  const input = newInviteInput(officeId, { roles, displayName: name, timeZone: zone });
  const id = await t.ctx.db
    .transaction()
    .execute((tx) => t.ctx.identity.createActiveUser(tx, { ...input, roles, demoPersona: true }));
  return { userId: id, officeId, roles, displayName: name };
}

export async function newCallWorld(env: Record<string, string> = {}, withApp = false): Promise<CallWorld> {
  const t = await newTestContext({ demo: '1', authRateLimit: '10000', sessionTtlHours: '720', ...env });
  const hostOffice = await t.ctx.identity.createOffice(
    { operator: 'test operator' },
    newOfficeInput({
      name: 'Office of the Prime Minister of Canada',
      country: 'CA',
      leaderTitle: 'Prime Minister',
      leaderName: 'Mark Carney',
      timeZone: 'America/Toronto',
    }),
  );
  const otherOffice = await t.ctx.identity.createOffice(
    { operator: 'test operator' },
    newOfficeInput({
      name: 'Presidency of the French Republic',
      country: 'FR',
      leaderTitle: 'President',
      leaderName: 'Emmanuel Macron',
      timeZone: 'Europe/Paris',
    }),
  );
  const host: CallWorld['host'] = { id: hostOffice.id, people: {} };
  const other: CallWorld['other'] = { id: otherOffice.id, people: {} };
  for (const role of ROLES) {
    host.people[role] = await person(t, host.id, [role], `CA ${role}`, 'America/Toronto');
    other.people[role] = await person(t, other.id, [role], `FR ${role}`, 'Europe/Paris');
  }
  const reviewer2 = await person(t, host.id, ['reviewer'], 'CA reviewer two', 'America/Toronto');
  const reviewer3 = await person(t, host.id, ['reviewer'], 'CA reviewer three', 'America/Toronto');
  const press2 = await person(t, host.id, ['press'], 'CA press two', 'America/Toronto');
  const world: CallWorld = {
    t,
    host,
    other,
    reviewer2,
    reviewer3,
    press2,
    cookies: new Map(),
    async close() {
      await world.app?.close();
      await t.close();
    },
  };
  if (withApp) world.app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
  return world;
}

/** A call request from the host's staff to its own leader, with the French President as counterpart. */
export function requestInput(
  w: CallWorld,
  over: Partial<CreateCallRequestInput> = {},
): CreateCallRequestInput {
  return {
    ownerOfficeId: w.host.id,
    counterpartOfficeId: w.other.id,
    counterpartLeader: 'President Emmanuel Macron',
    counterpartCountry: 'FR',
    purpose: 'Coordinate positions before the G7 leaders meet in Evian.',
    topics: ['G7 agenda', 'Ukraine'],
    urgency: 'routine',
    language: 'French (interpreted)',
    requesterZone: 'America/Toronto',
    proposedWindows: [{ start: '2026-10-27T09:00', end: '2026-10-27T11:00' }],
    ...over,
  };
}

/**
 * HTTP through app.inject as one of the world's people. The sign-in is kept, and made again when
 * the test's clock has moved past the session's lifetime.
 */
export async function http(
  w: CallWorld,
  who: Actor,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
) {
  const app = w.app;
  if (!app) throw new Error('this world was made without an app');
  const send = (cookie: string) =>
    app.inject({
      method,
      url,
      headers: { cookie },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  let cookie = w.cookies.get(who.userId);
  if (cookie) {
    const res = await send(cookie);
    if (res.statusCode !== 401) return res;
  }
  cookie = await signInAs(app, who.userId);
  w.cookies.set(who.userId, cookie);
  return send(cookie);
}

export const MEMCON = {
  classification: 'SECRET',
  subject: 'Telephone Conversation with President Emmanuel Macron of France',
  participants: ['Prime Minister Mark Carney', 'President Emmanuel Macron'],
  notetakers: ['CA notetaker'],
  dateTimePlace: 'October 27, 2026, 9:00–9:30 a.m. EDT, Office of the Prime Minister',
  paragraphs: [
    { speaker: 'Prime Minister Carney', marking: '(U)', text: 'Thanked the President for the call.' },
    { speaker: 'President Macron', marking: '(S/NF)', text: 'Shared a secret assessment of the talks.' },
    { speaker: 'Prime Minister Carney', marking: '(C)', text: 'Named the confidential red lines.' },
    {
      speaker: 'Prime Minister Carney',
      marking: '(U)',
      text: 'Agreed to stay in close touch before the G7.',
    },
  ],
  distribution: ['National Security and Intelligence Advisor'],
  classifiedBy: 'Clerk of the Privy Council',
  derivedFrom: 'Multiple sources',
  declassifyOn: '20510101',
};

/**
 * A call taken through the services to the given point: requested by the host's staff, approved,
 * scheduled (on a secure line unless told) on 27 Oct 2026 at 13:00 UTC (9:00 in Ottawa), connected, ended,
 * and (for memcon_final) its memcon drafted from MEMCON and finalized. Leaves the clock after it.
 */
export async function callThrough(
  w: CallWorld,
  until: 'scheduled' | 'in_progress' | 'completed' | 'memcon_final',
  over: Partial<CreateCallRequestInput> = {},
  channel: 'secure_line' | 'hotline' = 'secure_line',
): Promise<string> {
  const { requests, scheduling, memcons } = w.t.ctx.calls;
  const { staff, reviewer, secretariat, principal, notetaker } = w.host.people;
  w.t.clock.set('2026-10-01T12:00:00Z');
  const c = { id: await requests.request(staff!, requestInput(w, over)) };
  await requests.review(reviewer!, c.id, { recommendation: 'approve', notes: 'Fine by the desk.' });
  await scheduling.schedule(secretariat!, c.id, {
    start: '2026-10-27T13:00:00Z',
    durationMin: 30,
    channel,
    principalId: principal!.userId,
    counterpartPrincipalId: w.other.people.principal!.userId,
    interpreterIds: [],
    listenerIds: [notetaker!.userId],
  });
  if (until === 'scheduled') return c.id;
  w.t.clock.set('2026-10-27T12:59:00Z');
  await requests.transition(secretariat!, c.id, 'connect');
  if (until === 'in_progress') return c.id;
  w.t.clock.set('2026-10-27T13:31:00Z');
  await requests.transition(secretariat!, c.id, 'end');
  if (until === 'completed') return c.id;
  w.t.clock.set('2026-10-27T16:00:00Z');
  await memcons.saveMemcon(notetaker!, c.id, MEMCON);
  w.t.clock.set('2026-10-28T10:00:00Z');
  await memcons.finalizeMemcon(secretariat!, c.id);
  return c.id;
}
