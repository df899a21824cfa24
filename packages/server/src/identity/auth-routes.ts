import {
  AddPasskeyOptionsBody,
  AddPasskeyVerifyBody,
  DemoPersonaSchema,
  DemoSignInBody,
  InviteInfoSchema,
  LoginOptionsBody,
  LoginVerifyBody,
  OkSchema,
  OptionsResponse,
  PasskeySchema,
  RegisterOptionsBody,
  RegisterVerifyBody,
  SignedInSchema,
} from '@hotline/contract';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { clearSessionCookie, requireActor, requireSession, setSessionCookie } from '../http/session.js';
import type { App } from '../http/types.js';
import type { ClientInfo } from './auth-service.js';

export function authRoutes(app: App, ctx: AppContext): void {
  const limited = { config: { rateLimit: { max: ctx.cfg.authRateLimitPerMinute, timeWindow: '1 minute' } } };
  const tags = ['auth'];

  app.get(
    '/api/v1/invites/:token',
    {
      ...limited,
      schema: { tags, params: z.object({ token: z.string().max(200) }), response: { 200: InviteInfoSchema } },
    },
    async (req) => {
      const inv = await ctx.auth.inspectInvite(req.params.token);
      return {
        displayName: inv.display_name,
        email: inv.email,
        officeName: inv.officeName,
        expiresAt: new Date(inv.expires_at).toISOString(),
      };
    },
  );

  app.post(
    '/api/v1/auth/register/options',
    { ...limited, schema: { tags, body: RegisterOptionsBody, response: { 200: OptionsResponse } } },
    (req) => ctx.auth.registrationOptions(req.body.inviteToken).then(asJson),
  );

  app.post(
    '/api/v1/auth/register/verify',
    { ...limited, schema: { tags, body: RegisterVerifyBody, response: { 200: SignedInSchema } } },
    async (req, reply) => {
      const s = await ctx.auth.verifyRegistration(
        req.body.challengeId,
        req.body.inviteToken,
        req.body.response,
        req.body.passkeyName,
        clientOf(req),
      );
      setSessionCookie(ctx, reply, s);
      return { user: s.user };
    },
  );

  app.post(
    '/api/v1/auth/login/options',
    { ...limited, schema: { tags, body: LoginOptionsBody, response: { 200: OptionsResponse } } },
    () => ctx.auth.authenticationOptions().then(asJson),
  );

  app.post(
    '/api/v1/auth/login/verify',
    { ...limited, schema: { tags, body: LoginVerifyBody, response: { 200: SignedInSchema } } },
    async (req, reply) => {
      const s = await ctx.auth.verifyAuthentication(req.body.challengeId, req.body.response, clientOf(req));
      setSessionCookie(ctx, reply, s);
      return { user: s.user };
    },
  );

  app.post(
    '/api/v1/auth/sign-out',
    { ...limited, schema: { tags, response: { 200: OkSchema } } },
    async (req, reply) => {
      const s = await requireSession(ctx, req);
      await ctx.auth.signOut(s);
      clearSessionCookie(reply);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/me/passkeys',
    { schema: { tags, response: { 200: z.array(PasskeySchema) } } },
    async (req) => ctx.identityQueries.passkeys(await requireActor(ctx, req)),
  );

  app.post(
    '/api/v1/me/passkeys/options',
    { ...limited, schema: { tags, body: AddPasskeyOptionsBody, response: { 200: OptionsResponse } } },
    async (req) => asJson(await ctx.auth.addPasskeyOptions(await requireActor(ctx, req))),
  );

  app.post(
    '/api/v1/me/passkeys/verify',
    { ...limited, schema: { tags, body: AddPasskeyVerifyBody, response: { 200: PasskeySchema } } },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const id = await ctx.auth.verifyAddPasskey(
        actor,
        req.body.challengeId,
        req.body.response,
        req.body.passkeyName,
      );
      return ctx.identityQueries.passkey(actor, id);
    },
  );

  // Demo sign-in exists only in demo mode: without it these routes are not registered at all.
  if (ctx.cfg.demo) {
    app.get(
      '/api/v1/demo/personas',
      { schema: { tags: ['demo'], response: { 200: z.array(DemoPersonaSchema) } } },
      () => ctx.identityQueries.demoPersonas(),
    );
    app.post(
      '/api/v1/demo/sign-in',
      { ...limited, schema: { tags: ['demo'], body: DemoSignInBody, response: { 200: SignedInSchema } } },
      async (req, reply) => {
        const s = await ctx.auth.demoSignIn(req.body.userId, clientOf(req));
        setSessionCookie(ctx, reply, s);
        return { user: s.user };
      },
    );
  }
}

/** The caller's address (as Fastify's trustProxy setting resolves it) and device, for refusal counts and session lists. */
function clientOf(req: FastifyRequest): ClientInfo {
  const ua = req.headers['user-agent'];
  return { address: req.ip, ...(typeof ua === 'string' && ua ? { userAgent: ua } : {}) };
}

/** WebAuthn option objects are plain JSON; the contract types them as an open record. */
function asJson(r: { challengeId: string; options: object }): z.infer<typeof OptionsResponse> {
  return { challengeId: r.challengeId, options: r.options as Record<string, unknown> };
}
