import { newId } from '@hotline/common';
import type { Role } from '@hotline/contract';
import {
  DemoPersonaSchema,
  InviteCreatedSchema,
  InviteInfoSchema,
  MeSchema,
  OfficeSchema,
  OkSchema,
  OptionsResponse,
  PasskeyRevokedSchema,
  PasskeySchema,
  PendingInviteSchema,
  RoleGrantSchema,
  SessionSchema,
  SignedInSchema,
  UserSchema,
} from '@hotline/contract';
import { expect } from 'vitest';
import { z } from 'zod';
import { hashToken } from '../../../src/identity/identity-service.js';
import { newActor, newInviteInput } from '../../helpers/builders.js';
import { personaFor, signInAs } from '../../helpers/http.js';
import { SoftAuthenticator } from '../../helpers/webauthn.js';
import { detail, type MatrixWorld, type Req, type RouteTable } from './harness.js';

/** Sign-in, the signed-in person's own things, the directory and administration. */
export const identityRoutes = (w: MatrixWorld): RouteTable => {
  /** A new session of a persona (not the matrix's own cookie), by id. */
  async function freshSession(role: Role): Promise<string> {
    const cookie = await signInAs(w.app, personaFor(w.list, role).userId);
    const signed = decodeURIComponent(cookie.slice('hotline_session='.length));
    const token = signed.slice(0, signed.lastIndexOf('.'));
    const row = await w.t.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirstOrThrow();
    return row.id;
  }
  return {
    // ---- sign-in: no session needed (a signed-in caller may use them too)
    'GET /api/v1/invites/:token': [
      {
        what: 'an unused invite',
        access: 'everyone',
        request: () => ({ method: 'GET', url: `/api/v1/invites/${w.openInvite}` }),
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
          payload: { inviteToken: w.openInvite },
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
          const inv = await w.t.ctx.identity.invite(null, newInviteInput(w.offices.get('us-potus')!));
          return { token: inv.token, userId: inv.user.id };
        },
        request: async (fx) => {
          const o = await w.app.inject({
            method: 'POST',
            url: '/api/v1/auth/register/options',
            payload: { inviteToken: fx.token },
          });
          const { challengeId, options } = OptionsResponse.parse(o.json());
          const key = new SoftAuthenticator(w.t.cfg.publicUrl, w.t.cfg.rpId);
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
          const o = await w.app.inject({ method: 'POST', url: '/api/v1/auth/login/options', payload: {} });
          const { challengeId, options } = OptionsResponse.parse(o.json());
          return {
            method: 'POST',
            url: '/api/v1/auth/login/verify',
            payload: { challengeId, response: w.passkey.authenticate(options) },
          };
        },
        body: (res) => {
          expect(SignedInSchema.parse(res.json()).user.id).toBe(w.passkeyUser);
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
          payload: { userId: personaFor(w.list, 'press').userId },
        }),
        body: (res) =>
          expect(SignedInSchema.parse(res.json()).user.id).toBe(personaFor(w.list, 'press').userId),
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
            caller === 'anonymous'
              ? {}
              : { cookie: await signInAs(w.app, personaFor(w.list, caller).userId) },
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
          expect(me.user.id).toBe(personaFor(w.list, caller).userId);
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
          const o = await w.app.inject({
            method: 'POST',
            url: '/api/v1/me/passkeys/options',
            headers: { cookie: w.cookies.get(who)! },
            payload: {},
          });
          const { challengeId, options } = OptionsResponse.parse(o.json());
          const key = new SoftAuthenticator(w.t.cfg.publicUrl, w.t.cfg.rpId);
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
    'POST /api/v1/users/invite': [
      {
        what: 'inviting someone into the office',
        access: ['admin'],
        request: () => ({
          method: 'POST',
          url: '/api/v1/users/invite',
          payload: newInviteInput(w.offices.get('us-potus')!),
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
          url: `/api/v1/users/${w.ids.roleTarget}/roles`,
          payload: { roles: ['staff', 'reviewer'] },
        }),
        body: (res) => expect(UserSchema.parse(res.json()).roles).toEqual(['staff', 'reviewer']),
      },
    ],
    'PUT /api/v1/users/:id/interpreter': [
      {
        what: 'marking an office member as an interpreter',
        access: ['admin'],
        request: () => ({
          method: 'PUT',
          url: `/api/v1/users/${w.ids.roleTarget}/interpreter`,
          payload: { interpreter: true },
        }),
        body: (res) => expect(UserSchema.parse(res.json()).interpreter).toBe(true),
      },
    ],
    // ---- role grants waiting for a second administrator (issue "Trust between offices", point 4)
    'GET /api/v1/role-grants/pending': [
      {
        what: 'role grants of my office waiting for a second administrator',
        access: ['admin'],
        request: () => ({ method: 'GET', url: '/api/v1/role-grants/pending' }),
        body: detail(z.array(RoleGrantSchema)),
      },
    ],
    'POST /api/v1/role-grants/:id/confirm': [
      {
        what: "confirming another administrator's reviewer grant",
        access: ['admin'],
        oneShot: true,
        // The matrix runs in demo mode (no confirmation), so the pending grant is written as
        // IdentityService.setRoles writes one when HOTLINE_ROLE_GRANT_CONFIRMATION is on.
        fixture: async () => {
          const us = w.offices.get('us-potus')!;
          const granter = await newActor(w.t.ctx, us, ['admin']);
          const person = await newActor(w.t.ctx, us, ['staff']);
          const grantId = newId(w.t.clock.now().getTime());
          await w.t.ctx.db
            .insertInto('role_grants')
            .values({
              id: grantId,
              user_id: person.userId,
              office_id: us,
              role: 'reviewer',
              granted_by: granter.userId,
              granted_at: w.t.clock.now(),
              confirmed_by: null,
              confirmed_at: null,
              revoked_at: null,
              revoked_by: null,
            })
            .execute();
          return { grantId };
        },
        request: (fx) => ({ method: 'POST', url: `/api/v1/role-grants/${fx.grantId}/confirm` }),
        body: (res) => expect(RoleGrantSchema.parse(res.json()).confirmedAt).not.toBeNull(),
      },
    ],
    // ---- sessions, deactivation, pending invitations (issue "Hardening", item 7)
    'GET /api/v1/me/sessions': [
      {
        what: 'my sessions',
        access: 'signed-in',
        request: () => ({ method: 'GET', url: '/api/v1/me/sessions' }),
        body: (res) =>
          expect(
            z
              .array(SessionSchema)
              .parse(res.json())
              .some((s) => s.current),
          ).toBe(true),
      },
    ],
    'DELETE /api/v1/me/sessions/:id': [
      {
        what: 'ending another session of mine',
        access: 'signed-in',
        // A fresh session of the caller's own (anonymous: the staff persona's), so matrix cookies stay valid.
        request: async (_fx, caller) => ({
          method: 'DELETE',
          url: `/api/v1/me/sessions/${await freshSession(caller === 'anonymous' ? 'staff' : caller)}`,
        }),
        body: detail(OkSchema),
      },
    ],
    'GET /api/v1/users/:id/sessions': [
      {
        what: "an office member's sessions",
        access: ['admin'],
        request: () => ({ method: 'GET', url: `/api/v1/users/${w.ids.roleTarget}/sessions` }),
        body: detail(z.array(SessionSchema)),
      },
    ],
    'DELETE /api/v1/users/:id/sessions/:sessionId': [
      {
        what: "ending an office member's session",
        access: ['admin'],
        oneShot: true,
        fixture: async () => ({ sessionId: await freshSession('notetaker') }),
        request: (fx) => ({
          method: 'DELETE',
          url: `/api/v1/users/${personaFor(w.list, 'notetaker').userId}/sessions/${fx.sessionId}`,
        }),
        body: detail(OkSchema),
      },
    ],
    // ---- an office member's passkeys (issue "Trust between offices", point 5)
    'GET /api/v1/users/:id/passkeys': [
      {
        what: "an office member's passkeys with their device flags",
        access: ['admin'],
        request: () => ({ method: 'GET', url: `/api/v1/users/${w.passkeyUser}/passkeys` }),
        body: (res) => {
          const [p] = z.array(PasskeySchema).parse(res.json());
          expect(p).toMatchObject({ backupEligible: false, userVerified: true, allowed: true });
        },
      },
    ],
    'DELETE /api/v1/users/:id/passkeys/:passkeyId': [
      {
        what: "revoking an office member's only passkey",
        access: ['admin'],
        oneShot: true,
        fixture: async () => {
          const inv = await w.t.ctx.identity.invite(null, newInviteInput(w.offices.get('us-potus')!));
          const reg = await w.t.ctx.auth.registrationOptions(inv.token);
          const key = new SoftAuthenticator(w.t.cfg.publicUrl, w.t.cfg.rpId);
          await w.t.ctx.auth.verifyRegistration(reg.challengeId, inv.token, key.register({ ...reg.options }));
          return { userId: inv.user.id, passkeyId: key.credentials[0]!.id };
        },
        request: (fx) => ({
          method: 'DELETE',
          url: `/api/v1/users/${fx.userId}/passkeys/${fx.passkeyId}`,
        }),
        body: (res) => {
          const r = PasskeyRevokedSchema.parse(res.json());
          expect(r.remaining).toBe(0);
          expect(r.warning).toMatch(/no passkey left/);
        },
      },
    ],
    'POST /api/v1/users/:id/deactivate': [
      {
        what: 'deactivating an office member',
        access: ['admin'],
        oneShot: true,
        fixture: async () => ({
          userId: (await newActor(w.t.ctx, w.offices.get('us-potus')!, ['staff'])).userId,
        }),
        request: (fx) => ({ method: 'POST', url: `/api/v1/users/${fx.userId}/deactivate`, payload: {} }),
        body: (res) => expect(UserSchema.parse(res.json()).status).toBe('disabled'),
      },
    ],
    'GET /api/v1/invites': [
      {
        what: 'pending invitations of my office',
        access: ['admin'],
        request: () => ({ method: 'GET', url: '/api/v1/invites' }),
        body: (res) => expect(z.array(PendingInviteSchema).parse(res.json()).length).toBeGreaterThan(0),
      },
    ],
    'DELETE /api/v1/invites/:id': [
      {
        what: 'withdrawing a pending invitation',
        access: ['admin'],
        oneShot: true,
        fixture: async () => {
          const inv = await w.t.ctx.identity.invite(null, newInviteInput(w.offices.get('us-potus')!));
          const row = await w.t.ctx.db
            .selectFrom('invites')
            .select('id')
            .where('user_id', '=', inv.user.id)
            .executeTakeFirstOrThrow();
          return { inviteId: row.id };
        },
        request: (fx) => ({ method: 'DELETE', url: `/api/v1/invites/${fx.inviteId}` }),
        body: detail(OkSchema),
      },
    ],
  };
};
