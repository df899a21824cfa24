import { ProblemSchema } from '@hotline/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildApp } from '../../../src/app.js';
import type { CallStateName } from '../../../src/calls/lifecycle.js';
import type { App } from '../../../src/http/types.js';
import type { Actor } from '../../../src/policy/policy.js';
import { isRole, ROLES, type Role } from '../../../src/policy/roles.js';
import { newActor, newInviteInput } from '../../helpers/builders.js';
import { type Persona, personaFor, personas, sameOrigin, signInAs } from '../../helpers/http.js';
import { newTestContext, type TestContext } from '../../helpers/test-context.js';
import { SoftAuthenticator } from '../../helpers/webauthn.js';

/**
 * Issue 2: every route the app registers × every role (the US office's demo personas) and no
 * session at all. The routes are collected from the app itself (an onRoute hook installed before
 * any plugin), so a route added without an entry in a domain's table (matrix/*.ts, composed in
 * matrix/all-routes.ts), or an entry whose route is gone, fails (route-matrix-public.db.test.ts).
 *
 * Expected outcomes are written out from the rules (policy/policy.ts PERMISSIONS and
 * services/calls-lifecycle.ts ACTIONS), not derived from them, so a change that widens or
 * narrows access fails here. Allowed means: past authorization and 2xx with a valid body, on a
 * fixture in the right state (built through the services; one-shot steps get a fresh fixture
 * per allowed caller). Refused means 401 problem+json without a session, 403 problem+json for
 * a role that may not, and the call left exactly as it was.
 *
 * The tables are split by domain, one test file each (route-matrix-*.db.test.ts), so the files
 * run in parallel. Each file seeds its own demo database: an in-memory PGlite (or a PostgreSQL
 * schema) lives in one worker, so the seed cannot be shared between files.
 */

export type Caller = Role | 'anonymous';
export const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

/** 'everyone': no session needed; 'signed-in': any role; else exactly these roles. */
export type Access = 'everyone' | 'signed-in' | readonly Role[];

export interface Req {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** State a case needs; `callId` is checked unchanged after every refusal. */
export interface Fx {
  callId?: string;
  [k: string]: unknown;
}

export interface Case {
  what: string;
  access: Access;
  /** Builds the state. Shared by the refusals and repeatable requests; fresh per allowed caller when oneShot. */
  fixture?(): Promise<Fx>;
  oneShot?: boolean;
  request(fx: Fx, caller: Caller): Req | Promise<Req>;
  /** Success status (default 200). */
  status?: number;
  /** Checks an allowed answer. */
  body(res: LightMyRequestResponse, fx: Fx, caller: Caller): void | Promise<void>;
}

export type Route = Case[] | { websocket: true; note: string } | { static: string };
export type RouteTable = Record<string, Route>;

/** Readers of calls: calls.read in policy.ts (every role but admin). */
export const CALL_READERS: Role[] = ROLES.filter((r) => r !== 'admin');

export const json = (res: LightMyRequestResponse) => res.json() as Record<string, unknown>;
export const detail = (schema: z.ZodType) => (res: LightMyRequestResponse) => {
  schema.parse(res.json());
};
export const hasText = (type: RegExp, text: RegExp) => (res: LightMyRequestResponse) => {
  expect(res.headers['content-type']).toMatch(type);
  expect(res.body).toMatch(text);
};

/** The states of the happy path a call can be brought to (not the ends that leave it). */
export type Stage = Exclude<CallStateName, 'declined' | 'withdrawn' | 'cancelled'>;

/** What a fixture call carries besides its state. */
export interface CallExtras {
  briefing?: boolean;
  readoutDraft?: boolean;
  readoutApproved?: boolean;
  secureLine?: boolean;
}

export const MEMCON = {
  classification: 'SECRET',
  subject: 'Telephone Conversation with Prime Minister Mark Carney of Canada',
  participants: ['The President', 'Prime Minister Mark Carney'],
  notetakers: ['James Whitaker'],
  dateTimePlace: '2 March 2026, 9:10 a.m. EST, the Oval Office',
  paragraphs: [
    { speaker: 'The President', marking: '(U)', text: 'Thanked the Prime Minister for the call.' },
    { speaker: 'Prime Minister Carney', marking: '(S)', text: 'Raised the steel tariffs.' },
  ],
  distribution: ['National Security Advisor'],
  classifiedBy: 'Executive Secretary',
  derivedFrom: 'Multiple sources',
  declassifyOn: '20510101',
};
export const READOUT = {
  title: 'Readout of the President’s call with Prime Minister Carney',
  bodyMd: 'The President spoke with Prime Minister Carney of Canada about trade and the border.',
};

/**
 * The seeded app a matrix file runs against. Built by setupMatrix() inside a describe: the
 * fields are filled in its beforeAll, so tables read them only when a test runs.
 */
export class MatrixWorld {
  t!: TestContext;
  app!: App;
  baseUrl = '';
  /** Every "METHOD /path" the app registered. */
  readonly registered = new Set<string>();
  /** The US office's personas, signed in. */
  readonly cookies = new Map<Role, string>();
  list: Persona[] = [];
  /** Office ids by slug. */
  readonly offices = new Map<string, string>();
  readonly ids = {
    /** a US user whose roles the admin sets */
    roleTarget: '',
    /** a US user whose coverage the registry sets and who owns official accounts */
    staff: '',
    capturedItem: '',
    publishedReadout: '',
    treeSize: 0,
  };
  /** an invite nobody redeems (inspect, register options) */
  openInvite = '';
  /** a registered software passkey and its user, for passkey sign-in */
  passkey!: SoftAuthenticator;
  passkeyUser = '';
  private n = 0;
  private readonly otherCookies = new Map<string, string>();

  /** A number not used before in this file, for unique slugs, subjects and identifiers. */
  next = () => ++this.n;

  us = (role: Role, slug = 'us-potus'): Actor => {
    const p = personaFor(this.list, role, slug);
    return {
      userId: p.userId,
      officeId: this.offices.get(slug)!,
      roles: p.roles.filter(isRole),
      displayName: p.displayName,
    };
  };

  /**
   * A US call (requested by US staff, counterpart office Canada) brought to `stage` through the
   * services, as the US personas whose roles take each step.
   */
  callIn = async (stage: Stage, extra: CallExtras = {}): Promise<Fx & { callId: string }> => {
    const { us, offices } = this;
    const { requests, scheduling, briefings, memcons, readouts } = this.t.ctx.calls;
    const now = this.t.clock.now().getTime();
    const id = await requests.request(us('staff'), {
      ownerOfficeId: offices.get('us-potus')!,
      counterpartOfficeId: offices.get('ca-pmo')!,
      counterpartLeader: 'Prime Minister Mark Carney of Canada',
      counterpartCountry: 'CA',
      purpose: 'Discuss the steel tariffs and the northern border.',
      topics: ['Trade'],
      urgency: 'routine',
      language: 'English',
      requesterZone: 'America/New_York',
      proposedWindows: [{ start: '2026-03-09T09:00', end: '2026-03-09T11:00' }],
    });
    const fx = { callId: id };
    if (stage === 'requested') return fx;
    if (stage === 'under_review') {
      await requests.transition(us('reviewer'), id, 'begin_review');
      return fx;
    }
    await requests.review(us('reviewer'), id, {
      recommendation: 'approve',
      notes: 'In our interest.',
      risks: '',
    });
    if (stage === 'approved') return fx;
    await scheduling.schedule(us('secretariat'), id, {
      start: new Date(now + 10 * 60_000).toISOString(),
      durationMin: 30,
      channel: extra.secureLine ? 'secure_line' : 'hotline',
      principalId: us('principal').userId,
      counterpartPrincipalId: us('principal', 'ca-pmo').userId,
      interpreterIds: [],
      listenerIds: [us('notetaker').userId],
    });
    const briefing = {
      backgroundMd: 'Background.',
      objectivesMd: '- Progress',
      talkingPointsMd: '1. Thanks',
    };
    if (stage === 'scheduled') {
      if (extra.briefing) await briefings.saveBriefing(us('staff'), id, briefing);
      return fx;
    }
    await briefings.saveBriefing(us('staff'), id, briefing);
    await briefings.approveBriefing(us('reviewer'), id);
    if (stage === 'briefed') return fx;
    await requests.transition(us('secretariat'), id, 'connect');
    if (stage === 'in_progress') return fx;
    await requests.transition(us('secretariat'), id, 'end');
    if (stage === 'completed') return fx;
    await memcons.saveMemcon(us('notetaker'), id, MEMCON);
    if (stage === 'memcon_draft') return fx;
    await memcons.finalizeMemcon(us('secretariat'), id);
    if (stage === 'memcon_final') {
      if (extra.readoutDraft || extra.readoutApproved) await readouts.saveReadout(us('press'), id, READOUT);
      if (extra.readoutApproved) await readouts.approveReadout(us('press'), id);
      return fx;
    }
    if (stage === 'readout_waived') {
      await requests.transition(us('press'), id, 'waive_readout', 'Agreed with Ottawa: no public readout.');
      return fx;
    }
    await readouts.saveReadout(us('press'), id, READOUT);
    await readouts.approveReadout(us('press'), id);
    await readouts.publishReadout(us('press'), id);
    if (stage === 'readout_published') return fx;
    await requests.transition(us('secretariat'), id, 'close');
    return fx;
  };

  /** Scheduling the fixture call an hour from now. */
  schedule = (fx: Fx): Req => ({
    method: 'PUT',
    url: `/api/v1/calls/${fx.callId}/schedule`,
    payload: {
      start: new Date(this.t.clock.now().getTime() + 60 * 60_000).toISOString(),
      durationMin: 30,
      channel: 'hotline',
      principalId: this.us('principal').userId,
      listenerIds: [this.us('notetaker').userId],
    },
  });

  callState = (callId: string) =>
    this.t.ctx.db
      .selectFrom('calls')
      .select(['state', 'version'])
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();

  /** The session cookie of a persona of any office (signed in once per file). */
  cookieFor = async (role: Role, slug: string) => {
    const k = `${role}@${slug}`;
    if (!this.otherCookies.has(k))
      this.otherCookies.set(k, await signInAs(this.app, personaFor(this.list, role, slug).userId));
    return this.otherCookies.get(k)!;
  };

  /** A request as a persona of any office (signed in once per file). */
  send = async (role: Role, slug: string, req: Req) => {
    const cookie = await this.cookieFor(role, slug);
    return this.app.inject({
      ...req,
      headers: { cookie, ...req.headers },
      payload: req.payload as string,
    } as never);
  };

  /** A refusal that left the call exactly as it was. */
  refusedOnCall = async (
    res: LightMyRequestResponse,
    status: number,
    callId: string,
    before: unknown,
    why?: RegExp,
  ) => {
    expectProblem(res, status);
    if (why) expect(res.json().detail).toMatch(why);
    expect(await this.callState(callId)).toEqual(before);
  };
}

/** Seeds the demo, builds and starts the app, signs in the US personas (call inside a describe). */
export function setupMatrix(): MatrixWorld {
  const w = new MatrixWorld();
  beforeAll(async () => {
    const t = await newTestContext({
      demo: '1',
      authRateLimit: '100000',
      publicRateLimit: '100000',
      // Disposal's waiting period (60 days by default) is checked in disposal.db.test.ts.
      disposalWaitingDays: '0',
    });
    w.t = t;
    await t.ctx.prepare();
    w.app = sameOrigin(
      await buildApp(t.ctx, {
        webDir: null,
        onRoute: (r) => {
          for (const m of [r.method].flat()) w.registered.add(`${m} ${r.url}`);
        },
      }),
    );
    w.baseUrl = await w.app.listen({ host: '127.0.0.1', port: 0 });
    w.list = await personas(w.app);
    for (const role of ROLES) w.cookies.set(role, await signInAs(w.app, personaFor(w.list, role).userId));
    for (const o of await t.ctx.db.selectFrom('offices').select(['id', 'slug']).execute())
      w.offices.set(o.slug, o.id);
    const usOffice = w.offices.get('us-potus')!;
    w.ids.roleTarget = (await newActor(t.ctx, usOffice, ['staff'])).userId;
    w.ids.staff = personaFor(w.list, 'staff').userId;
    const item = await t.ctx.db
      .selectFrom('captured_items')
      .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
      .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
      .select('captured_items.id')
      .where('users.office_id', '=', usOffice)
      .where('capture_accounts.official', '=', false)
      .executeTakeFirstOrThrow();
    w.ids.capturedItem = item.id;
    const readout = await t.ctx.db
      .selectFrom('readouts')
      .select('id')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    w.ids.publishedReadout = readout.id;
    w.openInvite = (await t.ctx.identity.invite(null, newInviteInput(usOffice))).token;
    // A person who registered a passkey from an invite, to sign in with it.
    const inv = await t.ctx.identity.invite(null, newInviteInput(usOffice));
    w.passkeyUser = inv.user.id;
    w.passkey = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId);
    const reg = await t.ctx.auth.registrationOptions(inv.token);
    await t.ctx.auth.verifyRegistration(reg.challengeId, inv.token, w.passkey.register({ ...reg.options }));
    await t.ctx.log.integrateAll();
    w.ids.treeSize = (await t.ctx.log.latestCheckpoint())!.size;
    // The demo seed is most of this; on a loaded shared machine it has taken over the default minute.
  }, 180_000);
  afterAll(async () => {
    await w.app?.close();
    await w.t?.close();
  });
  return w;
}

export function expectProblem(res: LightMyRequestResponse, status: number) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const p = ProblemSchema.parse(res.json());
  expect(p.status).toBe(status);
  expect(p.detail.length).toBeGreaterThan(10);
}

const allows = (access: Access, caller: Caller) =>
  access === 'everyone' || (caller !== 'anonymous' && (access === 'signed-in' || access.includes(caller)));

/** One describe per route of `table` with cases, one test per case × caller. */
export function runMatrix(w: MatrixWorld, table: RouteTable) {
  for (const [route, entry] of Object.entries(table)) {
    if (!Array.isArray(entry)) continue;
    describe(route, () => {
      for (const c of entry) {
        let shared: Promise<Fx> | null = null;
        const sharedFx = () => {
          shared ??= c.fixture ? c.fixture() : Promise.resolve({});
          return shared;
        };
        for (const caller of CALLERS) {
          const allowed = allows(c.access, caller);
          const outcome = allowed ? 'allowed' : caller === 'anonymous' ? 'refused (401)' : 'refused (403)';
          it(`${c.what}: ${caller} ${outcome}`, async () => {
            const fx = allowed && c.oneShot ? await c.fixture!() : await sharedFx();
            const req = await c.request(fx, caller);
            const headers = {
              ...(caller === 'anonymous' ? {} : { cookie: w.cookies.get(caller)! }),
              ...req.headers,
            };
            const before = fx.callId ? await w.callState(fx.callId) : null;
            const res = await w.app.inject({ ...req, headers, payload: req.payload as string } as never);
            if (allowed) {
              expect(res.statusCode, res.body).toBe(c.status ?? 200);
              await c.body(res, fx, caller);
            } else {
              expectProblem(res, caller === 'anonymous' ? 401 : 403);
              if (fx.callId) expect(await w.callState(fx.callId)).toEqual(before);
            }
          });
        }
      }
    });
  }
}
