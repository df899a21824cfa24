import {
  BriefingVersionSchema,
  CallArtifactsSchema,
  CallDetailSchema,
  CallSummarySchema,
  CallsDashboardSchema,
  DemoPersonaSchema,
  InviteCreatedSchema,
  InviteInfoSchema,
  LIVE_CLOSE,
  LiveServerMessageSchema,
  MeSchema,
  MetaSchema,
  OfficeSchema,
  OkSchema,
  OptionsResponse,
  PasskeySchema,
  ProblemSchema,
  ReadoutDraftSchema,
  ReadoutVersionSchema,
  SavedMemconSchema,
  SignedInSchema,
  UserSchema,
} from '@hotline/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import type { Actor } from '../../src/policy/policy.js';
import { isRole, ROLES, type Role } from '../../src/policy/roles.js';
import type { CallStateName } from '../../src/services/calls-lifecycle.js';
import { newActor, newInviteInput } from '../helpers/builders.js';
import { multipart, type Persona, personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';
import { SoftAuthenticator } from '../helpers/webauthn.js';

/**
 * Issue 2: every route the app registers × every role (the US office's demo personas) and no
 * session at all. The routes are collected from the app itself (an onRoute hook installed before
 * any plugin), so a route added without an entry here, or an entry whose route is gone, fails.
 *
 * Expected outcomes are written out from the rules (policy/policy.ts PERMISSIONS and
 * services/calls-lifecycle.ts ACTIONS), not derived from them, so a change that widens or
 * narrows access fails here. Allowed means: past authorization and 2xx with a valid body, on a
 * fixture in the right state (built through the services; one-shot steps get a fresh fixture
 * per allowed caller). Refused means 401 problem+json without a session, 403 problem+json for
 * a role that may not, and the call left exactly as it was.
 */

type Caller = Role | 'anonymous';
const CALLERS: readonly Caller[] = ['anonymous', ...ROLES];

/** 'everyone': no session needed; 'signed-in': any role; else exactly these roles. */
type Access = 'everyone' | 'signed-in' | readonly Role[];

interface Req {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  payload?: unknown;
  headers?: Record<string, string>;
}

/** State a case needs; `callId` is checked unchanged after every refusal. */
interface Fx {
  callId?: string;
  [k: string]: unknown;
}

interface Case {
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

type Route = Case[] | { websocket: true; note: string } | { static: string };

/** Readers of calls: calls.read in policy.ts (every role but admin). */
const CALL_READERS: Role[] = ROLES.filter((r) => r !== 'admin');

const json = (res: LightMyRequestResponse) => res.json() as Record<string, unknown>;
const detail = (schema: z.ZodType) => (res: LightMyRequestResponse) => {
  schema.parse(res.json());
};

describe('route × role matrix', () => {
  let t: TestContext;
  let app: App;
  let baseUrl: string;
  const registered = new Set<string>();
  const cookies = new Map<Role, string>();
  let list: Persona[];
  const offices = new Map<string, string>();
  let n = 0;
  const ids = {
    /** a US user whose roles the admin sets */
    roleTarget: '',
    /** a US user whose coverage the registry sets and who owns official accounts */
    staff: '',
    capturedItem: '',
    publishedReadout: '',
    treeSize: 0,
  };
  /** an invite nobody redeems (inspect, register options) */
  let openInvite = '';
  /** a registered software passkey and its user, for passkey sign-in */
  let passkey: SoftAuthenticator;
  let passkeyUser = '';

  const us = (role: Role, slug = 'us-potus'): Actor => {
    const p = personaFor(list, role, slug);
    return {
      userId: p.userId,
      officeId: offices.get(slug)!,
      roles: p.roles.filter(isRole),
      displayName: p.displayName,
    };
  };

  /** The states of the happy path a call can be brought to (not the ends that leave it). */
  type Stage = Exclude<CallStateName, 'declined' | 'withdrawn' | 'cancelled'>;

  const MEMCON = {
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
  const READOUT = {
    title: 'Readout of the President’s call with Prime Minister Carney',
    bodyMd: 'The President spoke with Prime Minister Carney of Canada about trade and the border.',
  };

  /**
   * A US call (requested by US staff, counterpart office Canada) brought to `stage` through the
   * services, as the US personas whose roles take each step.
   */
  async function callIn(
    stage: Stage,
    extra: {
      briefing?: boolean;
      readoutDraft?: boolean;
      readoutApproved?: boolean;
      secureLine?: boolean;
    } = {},
  ) {
    const calls = t.ctx.calls;
    const now = t.clock.now().getTime();
    const c = await calls.request(us('staff'), {
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
    const id = c.id;
    const fx = { callId: id };
    if (stage === 'requested') return fx;
    if (stage === 'under_review') {
      await calls.transition(us('reviewer'), id, 'begin_review');
      return fx;
    }
    await calls.review(us('reviewer'), id, {
      recommendation: 'approve',
      notes: 'In our interest.',
      risks: '',
    });
    if (stage === 'approved') return fx;
    await calls.schedule(us('secretariat'), id, {
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
      if (extra.briefing) await calls.saveBriefing(us('staff'), id, briefing);
      return fx;
    }
    await calls.saveBriefing(us('staff'), id, briefing);
    await calls.approveBriefing(us('reviewer'), id);
    if (stage === 'briefed') return fx;
    await calls.transition(us('secretariat'), id, 'connect');
    if (stage === 'in_progress') return fx;
    await calls.transition(us('secretariat'), id, 'end');
    if (stage === 'completed') return fx;
    await calls.saveMemcon(us('notetaker'), id, MEMCON);
    if (stage === 'memcon_draft') return fx;
    await calls.finalizeMemcon(us('secretariat'), id);
    if (stage === 'memcon_final') {
      if (extra.readoutDraft || extra.readoutApproved) await calls.saveReadout(us('press'), id, READOUT);
      if (extra.readoutApproved) await calls.approveReadout(us('press'), id);
      return fx;
    }
    if (stage === 'readout_waived') {
      await calls.transition(us('press'), id, 'waive_readout', 'Agreed with Ottawa: no public readout.');
      return fx;
    }
    await calls.saveReadout(us('press'), id, READOUT);
    await calls.approveReadout(us('press'), id);
    await calls.publishReadout(us('press'), id);
    if (stage === 'readout_published') return fx;
    await calls.transition(us('secretariat'), id, 'close');
    return fx;
  }

  const callDetail = (state: string) => (res: LightMyRequestResponse, fx: Fx) => {
    const d = CallDetailSchema.parse(res.json());
    expect(d.id).toBe(fx.callId);
    expect(d.state).toBe(state);
  };

  /** One lifecycle step over POST /transitions. */
  const step = (
    action: string,
    from: Stage,
    to: string,
    access: Role[],
    extra: Parameters<typeof callIn>[1] = {},
    reason?: string,
  ): Case => ({
    what: `${action} a ${from.replace(/_/g, ' ')} call`,
    access,
    oneShot: true,
    fixture: () => callIn(from, extra),
    request: (fx) => ({
      method: 'POST',
      url: `/api/v1/calls/${fx.callId}/transitions`,
      payload: { action, ...(reason ? { reason } : {}) },
    }),
    body: callDetail(to),
  });

  const hasText = (type: RegExp, text: RegExp) => (res: LightMyRequestResponse) => {
    expect(res.headers['content-type']).toMatch(type);
    expect(res.body).toMatch(text);
  };

  // ---------------------------------------------------------------- the matrix

  const MATRIX: Record<string, Route> = {
    // ---- health and the public site: everyone, no session
    'GET /healthz': [
      {
        what: 'liveness',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/healthz' }),
        body: (res) => expect(res.json()).toEqual({ status: 'ok' }),
      },
    ],
    'GET /readyz': [
      {
        what: 'readiness',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/readyz' }),
        body: (res) => expect(res.json()).toMatchObject({ status: 'ready' }),
      },
    ],
    'GET /readouts': [
      {
        what: 'the list of published readouts',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/readouts' }),
        body: hasText(/text\/html/, /<html/i),
      },
    ],
    'GET /readouts.atom': [
      {
        what: 'the Atom feed',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/readouts.atom' }),
        body: hasText(/application\/atom\+xml/, /<feed[\s\S]*<entry>/),
      },
    ],
    'GET /readouts/:id': [
      {
        what: 'one published readout',
        access: 'everyone',
        request: () => ({ method: 'GET', url: `/readouts/${ids.publishedReadout}` }),
        body: hasText(/text\/html/, /<article|<h1/i),
      },
    ],

    // ---- the records log (C2SP tlog-tiles) and its JSON proofs: everyone
    'GET /log/checkpoint': [
      {
        what: 'the signed checkpoint',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/log/checkpoint' }),
        body: (res) => {
          const [origin, size] = res.body.split('\n');
          expect(origin).toBe(t.ctx.log.origin);
          expect(Number(size)).toBe(ids.treeSize);
        },
      },
    ],
    'GET /log/tile/*': [
      {
        what: 'a hash tile',
        access: 'everyone',
        request: () => ({
          method: 'GET',
          url: `/log/tile/0/000${ids.treeSize >= 256 ? '' : `.p/${ids.treeSize}`}`,
        }),
        body: (res) => expect(res.rawPayload.length).toBe(32 * Math.min(256, ids.treeSize)),
      },
      {
        what: 'an entry bundle',
        access: 'everyone',
        request: () => ({
          method: 'GET',
          url: `/log/tile/entries/000${ids.treeSize >= 256 ? '' : `.p/${ids.treeSize}`}`,
        }),
        body: (res) => expect(res.rawPayload.length).toBeGreaterThan(0),
      },
    ],
    'GET /api/v1/log/key': [
      {
        what: 'the verifier key',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/v1/log/key' }),
        body: (res) =>
          expect(res.json()).toEqual({ origin: t.ctx.log.origin, verifierKey: t.ctx.log.verifierKey }),
      },
    ],
    'GET /api/v1/log/proof': [
      {
        what: 'an inclusion proof',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/v1/log/proof?index=0' }),
        body: (res) => expect(res.json()).toMatchObject({ index: 0, size: ids.treeSize }),
      },
    ],
    'GET /api/v1/log/consistency': [
      {
        what: 'a consistency proof',
        access: 'everyone',
        request: () => ({ method: 'GET', url: `/api/v1/log/consistency?from=1&to=${ids.treeSize}` }),
        body: (res) => expect(res.json()).toMatchObject({ from: 1, to: ids.treeSize }),
      },
    ],

    // ---- meta and the API documentation: everyone
    'GET /api/v1/meta': [
      {
        what: 'the server meta',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/v1/meta' }),
        body: detail(MetaSchema),
      },
    ],
    'GET /api/docs': [
      {
        what: 'the API docs page',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/docs' }),
        body: hasText(/text\/html/, /<div id="swagger-ui">/),
      },
      {
        what: 'the API docs page (trailing slash)',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/docs/' }),
        body: hasText(/text\/html/, /<div id="swagger-ui">/),
      },
    ],
    'GET /api/docs/static/index.html': [
      {
        what: 'the old address of the API docs page',
        access: 'everyone',
        status: 302,
        request: () => ({ method: 'GET', url: '/api/docs/static/index.html' }),
        body: (res) => expect(res.headers.location).toBe('/api/docs/'),
      },
    ],
    'GET /api/docs/static/swagger-initializer.js': [
      {
        what: 'the API docs initializer',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' }),
        body: hasText(/javascript/, /SwaggerUIBundle/),
      },
    ],
    'GET /api/docs/static/*': [
      {
        what: 'an API docs asset',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/docs/static/swagger-ui.css' }),
        body: hasText(/text\/css/, /swagger-ui/),
      },
    ],
    'GET /api/docs/json': [
      {
        what: 'the OpenAPI document',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/docs/json' }),
        body: (res) => expect(json(res).openapi).toBe('3.1.0'),
      },
    ],
    'GET /api/docs/yaml': [
      {
        what: 'the OpenAPI document as YAML',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/docs/yaml' }),
        body: hasText(/yaml/, /openapi: 3\.1\.0/),
      },
    ],

    // ---- sign-in: no session needed (a signed-in caller may use them too)
    'GET /api/v1/invites/:token': [
      {
        what: 'an unused invite',
        access: 'everyone',
        request: () => ({ method: 'GET', url: `/api/v1/invites/${openInvite}` }),
        body: (res) => expect(InviteInfoSchema.parse(res.json()).officeName).toMatch(/United States/),
      },
    ],
    'POST /api/v1/auth/register/options': [
      {
        what: 'passkey creation options for an invite',
        access: 'everyone',
        request: () => ({
          method: 'POST',
          url: '/api/v1/auth/register/options',
          payload: { inviteToken: openInvite },
        }),
        body: (res) => expect(OptionsResponse.parse(res.json()).options).toHaveProperty('challenge'),
      },
    ],
    'POST /api/v1/auth/register/verify': [
      {
        what: 'registering a passkey from a fresh invite',
        access: 'everyone',
        oneShot: true,
        fixture: async () => {
          const inv = await t.ctx.identity.invite(null, newInviteInput(offices.get('us-potus')!));
          return { token: inv.token, userId: inv.user.id };
        },
        request: async (fx) => {
          const o = await app.inject({
            method: 'POST',
            url: '/api/v1/auth/register/options',
            payload: { inviteToken: fx.token },
          });
          const { challengeId, options } = OptionsResponse.parse(o.json());
          const key = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId);
          return {
            method: 'POST',
            url: '/api/v1/auth/register/verify',
            payload: {
              challengeId,
              inviteToken: fx.token,
              response: key.register(options),
              passkeyName: 'Laptop',
            },
          };
        },
        body: (res, fx) => {
          expect(SignedInSchema.parse(res.json()).user).toMatchObject({ id: fx.userId, status: 'active' });
          expect(res.cookies.some((c) => c.name === 'hotline_session')).toBe(true);
        },
      },
    ],
    'POST /api/v1/auth/login/options': [
      {
        what: 'passkey request options',
        access: 'everyone',
        request: () => ({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} }),
        body: (res) => expect(OptionsResponse.parse(res.json()).options).toHaveProperty('challenge'),
      },
    ],
    'POST /api/v1/auth/login/verify': [
      {
        what: 'signing in with a registered passkey',
        access: 'everyone',
        request: async () => {
          const o = await app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} });
          const { challengeId, options } = OptionsResponse.parse(o.json());
          return {
            method: 'POST',
            url: '/api/v1/auth/login/verify',
            payload: { challengeId, response: passkey.authenticate(options) },
          };
        },
        body: (res) => {
          expect(SignedInSchema.parse(res.json()).user.id).toBe(passkeyUser);
          expect(res.cookies.some((c) => c.name === 'hotline_session')).toBe(true);
        },
      },
    ],
    'GET /api/v1/demo/personas': [
      {
        what: 'the demo personas',
        access: 'everyone',
        request: () => ({ method: 'GET', url: '/api/v1/demo/personas' }),
        body: (res) => {
          const all = z.array(DemoPersonaSchema).parse(res.json());
          expect(all.filter((p) => p.officeName.includes('United States')).length).toBeGreaterThanOrEqual(9);
        },
      },
    ],
    'POST /api/v1/demo/sign-in': [
      {
        what: 'one-click demo sign-in',
        access: 'everyone',
        request: () => ({
          method: 'POST',
          url: '/api/v1/demo/sign-in',
          payload: { userId: personaFor(list, 'press').userId },
        }),
        body: (res) =>
          expect(SignedInSchema.parse(res.json()).user.id).toBe(personaFor(list, 'press').userId),
      },
    ],

    // ---- the signed-in person's own things: any role
    'POST /api/v1/auth/sign-out': [
      {
        what: 'signing out of a fresh session',
        access: 'signed-in',
        // Its own session, so the caller's matrix cookie stays valid.
        request: async (_fx, caller): Promise<Req> => ({
          method: 'POST',
          url: '/api/v1/auth/sign-out',
          headers:
            caller === 'anonymous' ? {} : { cookie: await signInAs(app, personaFor(list, caller).userId) },
        }),
        body: (res) => {
          OkSchema.parse(res.json());
          expect(res.cookies.find((c) => c.name === 'hotline_session')?.value).toBe('');
        },
      },
    ],
    'GET /api/v1/me': [
      {
        what: 'who am I',
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/me' }),
        body: (res, _fx, caller) => {
          const me = MeSchema.parse(res.json());
          expect(me.user.id).toBe(personaFor(list, caller).userId);
        },
      },
    ],
    'GET /api/v1/me/passkeys': [
      {
        what: 'my passkeys',
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/me/passkeys' }),
        body: detail(z.array(PasskeySchema)),
      },
    ],
    'POST /api/v1/me/passkeys/options': [
      {
        what: 'options to add a passkey',
        access: 'signed-in',
        request: () => ({ method: 'POST', url: '/api/v1/me/passkeys/options', payload: {} }),
        body: (res) => expect(OptionsResponse.parse(res.json()).options).toHaveProperty('challenge'),
      },
    ],
    'POST /api/v1/me/passkeys/verify': [
      {
        what: 'adding a passkey',
        access: 'signed-in',
        request: async (_fx, caller) => {
          // The options belong to the caller's own session (anonymous: to the staff persona's).
          const who = caller === 'anonymous' ? 'staff' : caller;
          const o = await app.inject({
            method: 'POST',
            url: '/api/v1/me/passkeys/options',
            headers: { cookie: cookies.get(who)! },
            payload: {},
          });
          const { challengeId, options } = OptionsResponse.parse(o.json());
          const key = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId);
          return {
            method: 'POST',
            url: '/api/v1/me/passkeys/verify',
            payload: {
              challengeId,
              response: key.register(options),
              passkeyName: 'Phone',
            },
          };
        },
        status: 200,
        body: (res) => expect(PasskeySchema.parse(res.json()).name).toBe('Phone'),
      },
    ],

    // ---- the directory (directory.read: every role) and administration (admin, own office)
    'GET /api/v1/offices': [
      {
        what: 'the offices',
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/offices' }),
        body: (res) => expect(z.array(OfficeSchema).parse(res.json()).length).toBeGreaterThanOrEqual(4),
      },
    ],
    'GET /api/v1/users': [
      {
        what: 'the directory',
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/users' }),
        body: (res) => expect(z.array(UserSchema).parse(res.json()).length).toBeGreaterThan(9),
      },
    ],
    'POST /api/v1/offices': [
      {
        what: 'creating an office',
        access: ['admin'],
        request: () => {
          n += 1;
          return {
            method: 'POST',
            url: '/api/v1/offices',
            payload: {
              slug: `matrix-${n}`,
              name: `Office of the Federal Chancellor ${n}`,
              country: 'DE',
              leaderTitle: 'Chancellor',
              leaderName: 'Friedrich Merz',
              timeZone: 'Europe/Berlin',
            },
          };
        },
        status: 201,
        body: (res) => expect(OfficeSchema.parse(res.json()).slug).toMatch(/^matrix-/),
      },
    ],
    'POST /api/v1/users/invite': [
      {
        what: 'inviting someone into the office',
        access: ['admin'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/users/invite',
          payload: newInviteInput(offices.get('us-potus')!),
        }),
        status: 201,
        body: (res) => {
          const r = InviteCreatedSchema.parse(res.json());
          expect(r.user.status).toBe('invited');
          expect(r.inviteUrl).toMatch(/\/app\/invite\//);
        },
      },
    ],
    'PUT /api/v1/users/:id/roles': [
      {
        what: "setting an office member's roles",
        access: ['admin'],
        request: () => ({
          method: 'PUT',
          url: `/api/v1/users/${ids.roleTarget}/roles`,
          payload: { roles: ['staff', 'reviewer'] },
        }),
        body: (res) => expect(UserSchema.parse(res.json()).roles).toEqual(['staff', 'reviewer']),
      },
    ],

    // ---- calls: reads (calls.read), requests, off-channel, the dashboard
    'GET /api/v1/calls': [
      {
        what: 'the calls of my office',
        access: CALL_READERS,
        fixture: () => callIn('requested'),
        request: () => ({ method: 'GET', url: '/api/v1/calls' }),
        body: (res, fx) =>
          expect(
            z
              .array(CallSummarySchema)
              .parse(res.json())
              .map((c) => c.id),
          ).toContain(fx.callId),
      },
    ],
    'GET /api/v1/calls/:id': [
      {
        what: 'one call',
        access: CALL_READERS,
        fixture: () => callIn('requested'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}` }),
        body: callDetail('requested'),
      },
    ],
    'GET /api/v1/calls/:id/artifacts': [
      {
        what: "a call's briefings, memcons and readouts",
        access: CALL_READERS,
        fixture: () => callIn('memcon_final', { readoutDraft: true }),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/artifacts` }),
        body: (res) => {
          const a = CallArtifactsSchema.parse(res.json());
          expect([a.briefings.length, a.memcons.length, a.readouts.length]).toEqual([1, 2, 1]);
        },
      },
    ],
    'GET /api/v1/calls/dashboard': [
      {
        what: 'the overdue dashboard',
        access: ['staff', 'secretariat', 'press', 'records'],
        request: () => ({ method: 'GET', url: '/api/v1/calls/dashboard' }),
        body: (res) => {
          CallsDashboardSchema.parse(res.json());
        },
      },
    ],
    'POST /api/v1/calls': [
      {
        what: 'requesting a call (calls.request; lifecycle request)',
        access: ['staff', 'liaison'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/calls',
          payload: {
            ownerOfficeId: offices.get('us-potus')!,
            counterpartLeader: 'President Claudia Sheinbaum Pardo of Mexico',
            counterpartCountry: 'MX',
            purpose: 'Coordinate on the border and on security.',
            topics: ['Security'],
            urgency: 'routine',
            language: 'Spanish (interpreted)',
            requesterZone: 'America/New_York',
            proposedWindows: [{ start: '2026-03-10T09:00', end: '2026-03-10T10:00' }],
          },
        }),
        status: 201,
        body: (res) => expect(CallDetailSchema.parse(res.json()).state).toBe('requested'),
      },
    ],
    'POST /api/v1/calls/off-channel': [
      {
        what: 'logging off-channel contact (calls.logOffChannel; own office)',
        access: ['staff', 'secretariat'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/calls/off-channel',
          payload: {
            ownerOfficeId: offices.get('us-potus')!,
            counterpartLeader: 'President Emmanuel Macron of France',
            counterpartCountry: 'FR',
            start: '2026-03-01T10:00:00Z',
            end: '2026-03-01T10:10:00Z',
            participants: ['The President'],
            summary: 'A short call on the cell phone about the summit.',
          },
        }),
        status: 201,
        body: (res) => {
          const d = CallDetailSchema.parse(res.json());
          expect([d.state, d.channel]).toEqual(['completed', 'off_channel']);
        },
      },
    ],
    'GET /api/v1/calls/:id/invite.ics': [
      {
        what: "my invitation to a scheduled call (participants; the secretariat's own too)",
        access: ['principal', 'secretariat', 'notetaker'],
        fixture: () => callIn('scheduled'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/invite.ics` }),
        body: hasText(
          /text\/calendar; charset=utf-8; method=REQUEST/,
          /BEGIN:VCALENDAR[\s\S]*METHOD:REQUEST/,
        ),
      },
    ],

    // ---- calls: each lifecycle step (who: calls-lifecycle.ts ACTIONS; office: the host, US)
    'POST /api/v1/calls/:id/transitions': [
      step('begin_review', 'requested', 'under_review', ['reviewer', 'secretariat']),
      step('decline', 'under_review', 'declined', ['reviewer'], {}, 'Not now.'),
      step('withdraw', 'requested', 'withdrawn', ['staff', 'liaison']),
      step('cancel', 'scheduled', 'cancelled', ['secretariat'], {}, 'The President travels.'),
      step('connect', 'scheduled', 'in_progress', ['secretariat']),
      step('brief', 'scheduled', 'briefed', ['reviewer', 'secretariat'], { briefing: true }),
      step('end', 'in_progress', 'completed', ['secretariat', 'principal']),
      step('finalize_memcon', 'memcon_draft', 'memcon_final', ['secretariat']),
      step('approve_readout', 'memcon_final', 'memcon_final', ['press'], { readoutDraft: true }),
      step('publish_readout', 'memcon_final', 'readout_published', ['press'], { readoutApproved: true }),
      step('waive_readout', 'memcon_final', 'readout_waived', ['press', 'secretariat'], {}, 'Agreed: none.'),
      step('close', 'readout_published', 'closed', ['secretariat']),
      step('close', 'readout_waived', 'closed', ['secretariat']),
    ],
    'POST /api/v1/calls/:id/reviews': [
      {
        what: 'an approving review of a call under review (recommend, approve)',
        access: ['reviewer'],
        oneShot: true,
        fixture: () => callIn('under_review'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/reviews`,
          payload: { recommendation: 'approve', notes: 'Timely and in our interest.' },
        }),
        body: callDetail('approved'),
      },
      {
        // begin_review is also the secretariat's, but recommend is the reviewer's alone.
        what: 'a declining review of a requested call (begin_review, recommend, decline)',
        access: ['reviewer'],
        oneShot: true,
        fixture: () => callIn('requested'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/reviews`,
          payload: { recommendation: 'decline', notes: 'Not the right moment.' },
        }),
        body: callDetail('declined'),
      },
    ],
    'PUT /api/v1/calls/:id/schedule': [
      {
        what: 'scheduling an approved call',
        access: ['secretariat'],
        oneShot: true,
        fixture: () => callIn('approved'),
        request: (fx) => schedule(fx),
        body: callDetail('scheduled'),
      },
      {
        what: 'rescheduling a scheduled call',
        access: ['secretariat'],
        fixture: () => callIn('scheduled'),
        request: (fx) => schedule(fx),
        body: callDetail('scheduled'),
      },
    ],
    'POST /api/v1/calls/:id/briefings': [
      {
        what: 'writing the briefing of an approved call',
        access: ['staff', 'reviewer'],
        fixture: () => callIn('approved'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/briefings`,
          payload: { backgroundMd: 'Background.', objectivesMd: 'Objectives.', talkingPointsMd: 'Points.' },
        }),
        status: 201,
        body: (res, fx) => expect(BriefingVersionSchema.parse(res.json()).callId).toBe(fx.callId),
      },
    ],
    'POST /api/v1/calls/:id/briefings/approve': [
      {
        what: 'approving the briefing of a scheduled call',
        access: ['reviewer', 'secretariat'],
        oneShot: true,
        fixture: () => callIn('scheduled', { briefing: true }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/briefings/approve` }),
        body: callDetail('briefed'),
      },
    ],
    'POST /api/v1/calls/:id/memcons': [
      {
        what: 'drafting the memcon of a completed call',
        access: ['notetaker'],
        oneShot: true,
        fixture: () => callIn('completed'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/memcons`, payload: MEMCON }),
        status: 201,
        body: (res) =>
          expect(SavedMemconSchema.parse(res.json())).toMatchObject({
            version: 1,
            final: false,
            correction: false,
          }),
      },
      {
        what: 'editing the memcon draft',
        access: ['notetaker'],
        fixture: () => callIn('memcon_draft'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/memcons`, payload: MEMCON }),
        status: 201,
        body: (res) =>
          expect(SavedMemconSchema.parse(res.json())).toMatchObject({ final: false, correction: false }),
      },
      {
        what: 'correcting the final memcon',
        access: ['notetaker', 'secretariat'],
        fixture: () => callIn('memcon_final'),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/memcons`,
          payload: { ...MEMCON, correctionReason: 'The date was wrong.' },
        }),
        status: 201,
        body: (res) =>
          expect(SavedMemconSchema.parse(res.json())).toMatchObject({ final: true, correction: true }),
      },
    ],
    'POST /api/v1/calls/:id/memcons/finalize': [
      {
        what: 'finalizing the memcon draft',
        access: ['secretariat'],
        oneShot: true,
        fixture: () => callIn('memcon_draft'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/memcons/finalize` }),
        body: callDetail('memcon_final'),
      },
    ],
    'POST /api/v1/calls/:id/readouts': [
      {
        what: 'drafting the readout',
        access: ['press'],
        fixture: () => callIn('memcon_final'),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/readouts`, payload: READOUT }),
        status: 201,
        body: (res, fx) =>
          expect(ReadoutVersionSchema.parse(res.json())).toMatchObject({
            callId: fx.callId,
            status: 'draft',
          }),
      },
    ],
    'GET /api/v1/calls/:id/readouts/draft': [
      {
        what: 'a readout drafted from the final memcon',
        access: ['press'],
        fixture: () => callIn('memcon_final'),
        request: (fx) => ({ method: 'GET', url: `/api/v1/calls/${fx.callId}/readouts/draft` }),
        body: (res) => {
          // Only the memcon's unclassified paragraphs make it into a public draft.
          const draft = ReadoutDraftSchema.parse(res.json());
          expect(draft.bodyMd).toMatch(/Thanked the Prime Minister for the call/);
          expect(draft.bodyMd).not.toMatch(/Raised the steel tariffs/);
        },
      },
    ],
    'POST /api/v1/calls/:id/readouts/approve': [
      {
        what: 'approving the latest readout version',
        access: ['press'],
        oneShot: true,
        fixture: () => callIn('memcon_final', { readoutDraft: true }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/readouts/approve` }),
        body: callDetail('memcon_final'),
      },
    ],
    'POST /api/v1/calls/:id/call-log': [
      {
        what: 'recording who was on a secure-line call',
        access: ['secretariat'],
        fixture: () => callIn('in_progress', { secureLine: true }),
        request: (fx) => ({
          method: 'POST',
          url: `/api/v1/calls/${fx.callId}/call-log`,
          payload: { entries: [{ name: 'Prime Minister Mark Carney', kind: 'joined' }] },
        }),
        status: 201,
        body: (res) =>
          expect(CallDetailSchema.parse(res.json()).callLog.entries.map((e) => e.name)).toContain(
            'Prime Minister Mark Carney',
          ),
      },
    ],
    'POST /api/v1/calls/:id/readouts/publish': [
      {
        what: 'publishing the approved readout',
        access: ['press'],
        oneShot: true,
        fixture: () => callIn('memcon_final', { readoutApproved: true }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/calls/${fx.callId}/readouts/publish` }),
        body: callDetail('readout_published'),
      },
    ],

    // ---- in-app calls: any session may open the socket; joining is for the call's participants
    'GET /api/v1/live': {
      websocket: true,
      note: 'anonymous is refused (4401); principal and note-taker (a listener) join; others are not on the call',
    },

    // ---- personal-account capture (capture.* in policy.ts; records officers of the office)
    'GET /api/v1/capture/queue': [
      {
        what: 'the classification queue',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/capture/queue' }),
        body: (res) =>
          expect(z.array(z.object({ id: z.string() })).parse(res.json()).length).toBeGreaterThan(0),
      },
    ],
    'POST /api/v1/capture/items/:id/classify': [
      {
        what: 'classifying a captured item',
        access: ['records'],
        request: () => ({
          method: 'POST',
          url: `/api/v1/capture/items/${ids.capturedItem}/classify`,
          payload: { category: 'presidential', reason: 'Official business on a personal account.' },
        }),
        body: (res) =>
          expect(res.json()).toMatchObject({
            itemId: ids.capturedItem,
            category: 'presidential',
            recordSeq: expect.any(Number),
          }),
      },
    ],
    'POST /api/v1/capture/imports': [
      {
        what: 'uploading a personal-account export',
        access: ['records', 'admin'],
        request: async () => {
          n += 1;
          const eml = `From: potus.private@personal.example.com\r\nTo: aide@personal.example.com\r\nSubject: Matrix ${n}\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <matrix-${n}@personal.example.com>\r\n\r\nHello\r\n`;
          const mp = await multipart(
            { kind: 'eml', account: 'potus.private@personal.example.com', owner: 'potus@us.example.gov' },
            { name: 'message.eml', content: eml },
          );
          return { method: 'POST', url: '/api/v1/capture/imports', headers: mp.headers, payload: mp.payload };
        },
        status: 201,
        body: (res) => expect(res.json()).toMatchObject({ added: 1, skipped: 0 }),
      },
    ],
    'GET /api/v1/capture/compliance': [
      {
        what: 'the 20-day compliance summary',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/capture/compliance' }),
        body: (res) => expect(res.json()).toHaveProperty('byStatus'),
      },
    ],
    'GET /api/v1/capture/compliance.csv': [
      {
        what: 'the 20-day compliance table as CSV',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/capture/compliance.csv' }),
        body: hasText(
          /text\/csv/,
          /^item_id,kind,owner,account,occurred_at,subject,category,status,detail\r\n.+/,
        ),
      },
    ],
    'GET /api/v1/capture/sources': [
      {
        what: 'the device-source analysis',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/capture/sources' }),
        body: (res) => expect(res.json()).toBeTypeOf('object'),
      },
    ],
    'GET /api/v1/capture/location-leaks': [
      {
        what: 'the location leaks',
        access: ['records'],
        request: () => ({ method: 'GET', url: '/api/v1/capture/location-leaks' }),
        body: (res) => expect(res.json()).toBeTypeOf('object'),
      },
    ],
    'GET /api/v1/capture/registry': [
      {
        what: 'the records registry',
        access: ['records', 'admin'],
        request: () => ({ method: 'GET', url: '/api/v1/capture/registry' }),
        body: (res) =>
          expect(
            z.object({ accounts: z.array(z.unknown()), people: z.array(z.unknown()) }).parse(res.json())
              .people.length,
          ).toBeGreaterThan(0),
      },
    ],
    'PUT /api/v1/capture/covered/:id': [
      {
        what: 'setting who is covered',
        access: ['records', 'admin'],
        request: () => ({
          method: 'PUT',
          url: `/api/v1/capture/covered/${ids.staff}`,
          payload: { covered: 'covered_employee' },
        }),
        body: (res) => expect(res.json()).toEqual({ userId: ids.staff, covered: 'covered_employee' }),
      },
    ],
    'POST /api/v1/capture/official-accounts': [
      {
        what: 'registering an official account',
        access: ['records', 'admin'],
        request: () => {
          n += 1;
          return {
            method: 'POST',
            url: '/api/v1/capture/official-accounts',
            payload: { kind: 'email', identifier: `official-${n}@us.example.gov`, ownerId: ids.staff },
          };
        },
        status: 201,
        body: (res) =>
          expect(res.json()).toMatchObject({
            kind: 'email',
            identifier: expect.stringMatching(/^official-/),
          }),
      },
    ],

    // ---- the web app's own files: no data behind them, served to everyone (checked below)
    'GET /': { static: 'redirects to /readouts' },
    'GET /app/*': { static: 'the staff app (503 until the web app is built)' },
    'GET /public/site.css': { static: 'the public site stylesheet' },
    'GET /public/verify.js': { static: 'the browser verifier (503 until built)' },
  };

  function schedule(fx: Fx): Req {
    return {
      method: 'PUT',
      url: `/api/v1/calls/${fx.callId}/schedule`,
      payload: {
        start: new Date(t.clock.now().getTime() + 60 * 60_000).toISOString(),
        durationMin: 30,
        channel: 'hotline',
        principalId: us('principal').userId,
        listenerIds: [us('notetaker').userId],
      },
    };
  }

  beforeAll(async () => {
    t = await newTestContext({ demo: '1', authRateLimit: '100000', publicRateLimit: '100000' });
    await t.ctx.prepare();
    app = sameOrigin(
      await buildApp(t.ctx, {
        webDir: null,
        onRoute: (r) => {
          for (const m of [r.method].flat()) registered.add(`${m} ${r.url}`);
        },
      }),
    );
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    list = await personas(app);
    for (const role of ROLES) cookies.set(role, await signInAs(app, personaFor(list, role).userId));
    for (const o of await t.ctx.db.selectFrom('offices').select(['id', 'slug']).execute())
      offices.set(o.slug, o.id);
    ids.roleTarget = (await newActor(t.ctx, offices.get('us-potus')!, ['staff'])).userId;
    ids.staff = personaFor(list, 'staff').userId;
    const item = await t.ctx.db
      .selectFrom('captured_items')
      .innerJoin('capture_accounts', 'capture_accounts.id', 'captured_items.account_id')
      .innerJoin('users', 'users.id', 'capture_accounts.owner_id')
      .select('captured_items.id')
      .where('users.office_id', '=', offices.get('us-potus')!)
      .where('capture_accounts.official', '=', false)
      .executeTakeFirstOrThrow();
    ids.capturedItem = item.id;
    const readout = await t.ctx.db
      .selectFrom('readouts')
      .select('id')
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    ids.publishedReadout = readout.id;
    openInvite = (await t.ctx.identity.invite(null, newInviteInput(offices.get('us-potus')!))).token;
    // A person who registered a passkey from an invite, to sign in with it.
    const inv = await t.ctx.identity.invite(null, newInviteInput(offices.get('us-potus')!));
    passkeyUser = inv.user.id;
    passkey = new SoftAuthenticator(t.cfg.publicUrl, t.cfg.rpId);
    const reg = await t.ctx.auth.registrationOptions(inv.token);
    await t.ctx.auth.verifyRegistration(reg.challengeId, inv.token, passkey.register({ ...reg.options }));
    await t.ctx.log.integrateAll();
    ids.treeSize = (await t.ctx.log.latestCheckpoint())!.size;
    // The demo seed is most of this; on a loaded shared machine it has taken over the default minute.
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await t?.close();
  });

  // ---------------------------------------------------------------- the route list

  /**
   * Routes as "METHOD /path". HEAD is Fastify's automatic twin of each GET (for a plugin's "/"
   * route it is named with the prefix's trailing slash, the GET without).
   */
  const routeKeys = () =>
    [...registered]
      .filter((k) => !(k.startsWith('HEAD ') && registered.has(`GET ${k.slice(5).replace(/(.)\/$/, '$1')}`)))
      .sort();

  it('has an entry for every route the app registers', () => {
    expect(registered.size).toBeGreaterThan(40);
    const missing = routeKeys().filter((k) => !(k in MATRIX));
    expect(missing, `routes without a matrix entry: ${missing.join(', ')}`).toEqual([]);
  });

  it('has no entry for a route the app does not register', () => {
    const keys = new Set(routeKeys());
    const stale = Object.keys(MATRIX).filter((k) => !keys.has(k));
    expect(stale, `matrix entries for routes that do not exist: ${stale.join(', ')}`).toEqual([]);
  });

  // ---------------------------------------------------------------- route × caller

  const allows = (access: Access, caller: Caller) =>
    access === 'everyone' || (caller !== 'anonymous' && (access === 'signed-in' || access.includes(caller)));

  async function callState(callId: string) {
    return t.ctx.db
      .selectFrom('calls')
      .select(['state', 'version'])
      .where('id', '=', callId)
      .executeTakeFirstOrThrow();
  }

  function expectProblem(res: LightMyRequestResponse, status: number) {
    expect(res.statusCode, res.body).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const p = ProblemSchema.parse(res.json());
    expect(p.status).toBe(status);
    expect(p.detail.length).toBeGreaterThan(10);
  }

  for (const [route, entry] of Object.entries(MATRIX)) {
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
              ...(caller === 'anonymous' ? {} : { cookie: cookies.get(caller)! }),
              ...req.headers,
            };
            const before = fx.callId ? await callState(fx.callId) : null;
            const res = await app.inject({ ...req, headers, payload: req.payload as string } as never);
            if (allowed) {
              expect(res.statusCode, res.body).toBe(c.status ?? 200);
              await c.body(res, fx, caller);
            } else {
              expectProblem(res, caller === 'anonymous' ? 401 : 403);
              if (fx.callId) expect(await callState(fx.callId)).toEqual(before);
            }
          });
        }
      }
    });
  }

  // ---------------------------------------------------------------- office scoping

  /**
   * The same roles in another office. Canada is the counterpart office of the fixture calls, so
   * its people can see them (policy.ts canSeeCall) but take no host-office step; France is no
   * party at all, so the calls do not exist for it (404, not a hint that they exist).
   */
  describe('office scoping', () => {
    const otherCookies = new Map<string, string>();
    const as = async (role: Role, slug: string) => {
      const k = `${role}@${slug}`;
      if (!otherCookies.has(k)) otherCookies.set(k, await signInAs(app, personaFor(list, role, slug).userId));
      return otherCookies.get(k)!;
    };
    const send = async (role: Role, slug: string, req: Req) =>
      app.inject({
        ...req,
        headers: { cookie: await as(role, slug), ...req.headers },
        payload: req.payload as string,
      } as never);
    const refusedOnCall = async (
      res: LightMyRequestResponse,
      status: number,
      callId: string,
      before: unknown,
      why?: RegExp,
    ) => {
      expectProblem(res, status);
      if (why) expect(res.json().detail).toMatch(why);
      expect(await callState(callId)).toEqual(before);
    };
    const HOST_ONLY = /only the office whose leader takes the call may/;

    const hostSteps: [string, Role, Stage, Parameters<typeof callIn>[1], (id: string) => Req][] = [
      [
        'begins review of',
        'reviewer',
        'requested',
        {},
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/transitions`,
          payload: { action: 'begin_review' },
        }),
      ],
      [
        'reviews',
        'reviewer',
        'under_review',
        {},
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/reviews`,
          payload: { recommendation: 'approve', notes: 'Fine by us.' },
        }),
      ],
      ['schedules', 'secretariat', 'approved', {}, (id) => schedule({ callId: id })],
      [
        'writes the briefing of',
        'staff',
        'approved',
        {},
        (id) => ({
          method: 'POST',
          url: `/api/v1/calls/${id}/briefings`,
          payload: { backgroundMd: 'B', objectivesMd: 'O', talkingPointsMd: 'T' },
        }),
      ],
      [
        'connects',
        'secretariat',
        'scheduled',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/transitions`, payload: { action: 'connect' } }),
      ],
      [
        'ends',
        'principal',
        'in_progress',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/transitions`, payload: { action: 'end' } }),
      ],
      [
        'drafts the memcon of',
        'notetaker',
        'completed',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/memcons`, payload: MEMCON }),
      ],
      [
        'finalizes the memcon of',
        'secretariat',
        'memcon_draft',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/memcons/finalize` }),
      ],
      [
        'publishes the readout of',
        'press',
        'memcon_final',
        { readoutDraft: true },
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/readouts/publish` }),
      ],
      [
        'closes',
        'secretariat',
        'readout_published',
        {},
        (id) => ({ method: 'POST', url: `/api/v1/calls/${id}/transitions`, payload: { action: 'close' } }),
      ],
    ];
    for (const [verb, role, stage, extra, req] of hostSteps) {
      it(`a ${role} of Canada (the counterpart) ${verb} a US call: refused (403)`, async () => {
        const { callId } = await callIn(stage, extra);
        const before = await callState(callId);
        await refusedOnCall(await send(role, 'ca-pmo', req(callId)), 403, callId, before, HOST_ONLY);
      });
      it(`a ${role} of France (no party) ${verb} a US call: not found (404)`, async () => {
        const { callId } = await callIn(stage, extra);
        const before = await callState(callId);
        await refusedOnCall(await send(role, 'fr-elysee', req(callId)), 404, callId, before);
      });
    }

    it('a reviewer of France cannot read a US call, nor find it in its lists', async () => {
      const { callId } = await callIn('requested');
      expectProblem(
        await send('reviewer', 'fr-elysee', { method: 'GET', url: `/api/v1/calls/${callId}` }),
        404,
      );
      expectProblem(
        await send('reviewer', 'fr-elysee', { method: 'GET', url: `/api/v1/calls/${callId}/artifacts` }),
        404,
      );
      const listed = await send('reviewer', 'fr-elysee', { method: 'GET', url: '/api/v1/calls' });
      expect(listed.json().map((c: { id: string }) => c.id)).not.toContain(callId);
      // The counterpart office does see it.
      const ca = await send('reviewer', 'ca-pmo', { method: 'GET', url: `/api/v1/calls/${callId}` });
      expect(CallDetailSchema.parse(ca.json()).allowedActions).toEqual([]);
    });

    it("the counterpart's principal downloads an invitation; a principal of no party gets 404", async () => {
      const { callId } = await callIn('scheduled');
      const ca = await send('principal', 'ca-pmo', {
        method: 'GET',
        url: `/api/v1/calls/${callId}/invite.ics`,
      });
      expect(ca.statusCode, ca.body).toBe(200);
      expect(ca.body).toMatch(/BEGIN:VCALENDAR/);
      expectProblem(
        await send('principal', 'fr-elysee', { method: 'GET', url: `/api/v1/calls/${callId}/invite.ics` }),
        404,
      );
    });

    it("invitations for others: the host secretariat gets anyone's on the call; the counterpart's only its own office's; nobody gets one for a person not on the call", async () => {
      const { callId } = await callIn('scheduled');
      const ics = (who: Role, slug: string, userId: string) =>
        send(who, slug, { method: 'GET', url: `/api/v1/calls/${callId}/invite.ics?userId=${userId}` });
      const usPrincipal = us('principal').userId;
      const caPrincipal = us('principal', 'ca-pmo').userId;
      // The host office's secretariat sends every invitation, the counterpart principal's too.
      const host = await ics('secretariat', 'us-potus', caPrincipal);
      expect(host.statusCode, host.body).toBe(200);
      expect(host.body).toMatch(/BEGIN:VCALENDAR/);
      // Canada's secretariat: its own Prime Minister's invitation, not the President's (his address).
      const own = await ics('secretariat', 'ca-pmo', caPrincipal);
      expect(own.statusCode, own.body).toBe(200);
      const theirs = await ics('secretariat', 'ca-pmo', usPrincipal);
      expectProblem(theirs, 403);
      expect(theirs.body).not.toContain('potus@');
      // The press secretary is not on the call: no invitation for her, even from the host secretariat.
      expectProblem(await ics('secretariat', 'us-potus', us('press').userId), 403);
      // Someone not on the call and not the secretariat: none of their own either.
      expectProblem(
        await send('press', 'us-potus', { method: 'GET', url: `/api/v1/calls/${callId}/invite.ics` }),
        403,
      );
    });

    it('withdrawing is for the requesting office: a Canadian liaison asks for a call with the President, US staff may not withdraw it, the liaison may', async () => {
      const r = await send('liaison', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/calls',
        payload: {
          ownerOfficeId: offices.get('us-potus')!,
          counterpartOfficeId: offices.get('ca-pmo')!,
          counterpartLeader: 'Prime Minister Mark Carney of Canada',
          counterpartCountry: 'CA',
          purpose: 'The Prime Minister asks to discuss the tariffs.',
          topics: ['Trade'],
          urgency: 'priority',
          language: 'English',
          requesterZone: 'America/Toronto',
          proposedWindows: [{ start: '2026-03-10T09:00', end: '2026-03-10T10:00' }],
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      const callId = CallDetailSchema.parse(r.json()).id;
      const before = await callState(callId);
      const withdraw: Req = {
        method: 'POST',
        url: `/api/v1/calls/${callId}/transitions`,
        payload: { action: 'withdraw' },
      };
      const byUsStaff = await app.inject({
        ...withdraw,
        headers: { cookie: cookies.get('staff')! },
      } as never);
      await refusedOnCall(byUsStaff, 403, callId, before, /only the office that requested the call may/);
      const ok = await send('liaison', 'ca-pmo', withdraw);
      expect(ok.statusCode, ok.body).toBe(200);
      expect(CallDetailSchema.parse(ok.json()).state).toBe('withdrawn');
    });

    it('staff of Canada cannot withdraw a call the US office requested: refused (403)', async () => {
      const { callId } = await callIn('requested');
      const before = await callState(callId);
      await refusedOnCall(
        await send('staff', 'ca-pmo', {
          method: 'POST',
          url: `/api/v1/calls/${callId}/transitions`,
          payload: { action: 'withdraw' },
        }),
        403,
        callId,
        before,
        /only the office that requested the call may/,
      );
    });

    it('the secretariat of Canada cannot log off-channel contact for the US office: refused (403)', async () => {
      const res = await send('secretariat', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/calls/off-channel',
        payload: {
          ownerOfficeId: offices.get('us-potus')!,
          counterpartLeader: 'President Emmanuel Macron of France',
          counterpartCountry: 'FR',
          start: '2026-03-01T10:00:00Z',
          end: '2026-03-01T10:10:00Z',
          participants: ['The President'],
          summary: 'A call the US office did not log.',
        },
      });
      expectProblem(res, 403);
      expect(res.json().detail).toMatch(/only the office whose leader takes the call may/);
    });

    it("the admin of Canada cannot invite into the US office nor change a US person's roles: refused (403)", async () => {
      const inv = await send('admin', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/users/invite',
        payload: newInviteInput(offices.get('us-potus')!),
      });
      expectProblem(inv, 403);
      expect(inv.json().detail).toMatch(/for another office/);
      const roles = await send('admin', 'ca-pmo', {
        method: 'PUT',
        url: `/api/v1/users/${ids.roleTarget}/roles`,
        payload: { roles: ['admin'] },
      });
      expectProblem(roles, 403);
      const target = await t.ctx.db
        .selectFrom('users')
        .select('roles')
        .where('id', '=', ids.roleTarget)
        .executeTakeFirstOrThrow();
      expect(target.roles).not.toContain('admin');
    });

    it("the records officer of Canada cannot classify a US item, set a US person's coverage or register a US official account (404)", async () => {
      const item = await t.ctx.db
        .selectFrom('captured_items')
        .select('category')
        .where('id', '=', ids.capturedItem)
        .executeTakeFirstOrThrow();
      expectProblem(
        await send('records', 'ca-pmo', {
          method: 'POST',
          url: `/api/v1/capture/items/${ids.capturedItem}/classify`,
          payload: { category: 'personal', reason: 'Not ours to say, but trying.' },
        }),
        404,
      );
      expect(
        (
          await t.ctx.db
            .selectFrom('captured_items')
            .select('category')
            .where('id', '=', ids.capturedItem)
            .executeTakeFirstOrThrow()
        ).category,
      ).toBe(item.category);
      expectProblem(
        await send('records', 'ca-pmo', {
          method: 'PUT',
          url: `/api/v1/capture/covered/${ids.staff}`,
          payload: { covered: 'not_covered' },
        }),
        404,
      );
      expectProblem(
        await send('records', 'ca-pmo', {
          method: 'POST',
          url: '/api/v1/capture/official-accounts',
          payload: { kind: 'email', identifier: 'ca-tries@us.example.gov', ownerId: ids.staff },
        }),
        404,
      );
    });

    /** importFile finds the owner only in the importer's own office, like every other capture write. */
    it("the records officer of Canada may not import into a US person's account (404, nothing kept)", async () => {
      n += 1;
      const mp = await multipart(
        { kind: 'eml', account: 'potus.private@personal.example.com', owner: 'potus@us.example.gov' },
        {
          name: 'message.eml',
          content: `From: a@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: From Ottawa\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <ca-${n}@personal.example.com>\r\n\r\nHi\r\n`,
        },
      );
      const before = await t.ctx.db
        .selectFrom('captured_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const res = await send('records', 'ca-pmo', {
        method: 'POST',
        url: '/api/v1/capture/imports',
        headers: mp.headers,
        payload: mp.payload,
      });
      expectProblem(res, 404);
      const after = await t.ctx.db
        .selectFrom('captured_items')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it("the records officer of Canada sees none of the US office's captured items", async () => {
      const q = await send('records', 'ca-pmo', { method: 'GET', url: '/api/v1/capture/queue' });
      expect(q.statusCode).toBe(200);
      expect(q.json().map((i: { id: string }) => i.id)).not.toContain(ids.capturedItem);
    });
  });

  describe('web app files', () => {
    for (const [route, entry] of Object.entries(MATRIX)) {
      if (!('static' in entry)) continue;
      it(`${route} (${entry.static}) answers anonymous callers as it answers a session`, async () => {
        const url = route.slice(4).replace('*', 'calls');
        const anon = await app.inject({ method: 'GET', url });
        const signedIn = await app.inject({ method: 'GET', url, headers: { cookie: cookies.get('staff')! } });
        expect([401, 403]).not.toContain(anon.statusCode);
        expect(anon.statusCode).toBe(signedIn.statusCode);
      });
    }
  });

  // ---------------------------------------------------------------- the WebSocket

  describe('GET /api/v1/live (WebSocket)', () => {
    let callId = '';
    beforeAll(async () => {
      // Scheduled 10 minutes from now on the hotline channel: the join window is open.
      callId = (await callIn('scheduled')).callId!;
    });

    async function open(cookie?: string) {
      const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/api/v1/live`, {
        headers: { origin: t.cfg.publicUrl, ...(cookie ? { cookie } : {}) },
      });
      const inbox: z.infer<typeof LiveServerMessageSchema>[] = [];
      let closed: number | null = null;
      ws.on('message', (d) => inbox.push(LiveServerMessageSchema.parse(JSON.parse(d.toString()))));
      const closing = new Promise<number>((res) =>
        ws.on('close', (code) => {
          closed = code;
          res(code);
        }),
      );
      await new Promise((res, rej) => {
        ws.once('open', res);
        ws.once('error', rej);
      });
      const next = async (...types: string[]) => {
        for (let i = 0; i < 200; i++) {
          const m = inbox.find((x) => types.includes(x.type));
          if (m) return m;
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`no ${types.join('/')} message; got ${JSON.stringify(inbox)} (closed: ${closed})`);
      };
      return { ws, next, closing, send: (m: unknown) => ws.send(JSON.stringify(m)) };
    }

    it('anonymous: refused (unauthenticated, closed with 4401)', async () => {
      const c = await open();
      c.send({ type: 'join', callId });
      expect(await c.next('error', 'joined')).toMatchObject({
        type: 'error',
        code: 'unauthenticated',
        fatal: true,
      });
      expect(await c.closing).toBe(LIVE_CLOSE.unauthenticated);
    });

    const ON_CALL: Partial<Record<Role, 'principal' | 'listener'>> = {
      principal: 'principal',
      notetaker: 'listener',
    };
    for (const role of ROLES) {
      const grant = ON_CALL[role];
      it(`${role}: ${grant ? `joins as ${grant}` : 'connects, but may not join a call it is not on'}`, async () => {
        const c = await open(cookies.get(role)!);
        c.send({ type: 'join', callId });
        const m = await c.next('error', 'joined');
        if (grant) {
          expect(m).toMatchObject({
            type: 'joined',
            callId,
            you: { role: grant, canSend: grant !== 'listener' },
          });
          c.send({ type: 'leave' });
        } else {
          expect(m).toMatchObject({ type: 'error', code: 'forbidden' });
          if (m.type === 'error') expect(m.detail).toMatch(/not a participant of this call/);
        }
        c.ws.close();
        await c.closing;
      });
    }
  });
});
