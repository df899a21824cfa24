import {
  DeactivateUserBody,
  IdParams,
  OkSchema,
  PasskeyParams,
  PasskeyRevokedSchema,
  PasskeySchema,
  PendingInviteSchema,
  SessionParams,
  SessionSchema,
  UserSchema,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireSession } from '../http/session.js';
import type { App } from '../http/types.js';

/** Sessions (one's own and an office member's), an office member's passkeys, deactivation, pending invitations. */
export function sessionRoutes(app: App, ctx: AppContext): void {
  const tags = ['identity'];

  app.get(
    '/api/v1/me/sessions',
    { schema: { tags, response: { 200: z.array(SessionSchema) } } },
    async (req) => ctx.sessions.listOwn(await requireSession(ctx, req)),
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    { schema: { tags, params: IdParams, response: { 200: OkSchema } } },
    async (req) => {
      await ctx.sessions.revokeOwn(await requireSession(ctx, req), req.params.id);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/users/:id/sessions',
    { schema: { tags, params: IdParams, response: { 200: z.array(SessionSchema) } } },
    async (req) => {
      const s = await requireSession(ctx, req);
      return ctx.sessions.listForUser(s.actor, req.params.id, s.sessionId);
    },
  );

  app.delete(
    '/api/v1/users/:id/sessions/:sessionId',
    { schema: { tags, params: SessionParams, response: { 200: OkSchema } } },
    async (req) => {
      const s = await requireSession(ctx, req);
      await ctx.sessions.revokeForUser(s.actor, req.params.id, req.params.sessionId);
      return { ok: true as const };
    },
  );

  app.get(
    '/api/v1/users/:id/passkeys',
    { schema: { tags, params: IdParams, response: { 200: z.array(PasskeySchema) } } },
    async (req) => ctx.identityQueries.userPasskeys((await requireSession(ctx, req)).actor, req.params.id),
  );

  app.delete(
    '/api/v1/users/:id/passkeys/:passkeyId',
    { schema: { tags, params: PasskeyParams, response: { 200: PasskeyRevokedSchema } } },
    async (req) =>
      ctx.sessions.revokePasskey((await requireSession(ctx, req)).actor, req.params.id, req.params.passkeyId),
  );

  app.post(
    '/api/v1/users/:id/deactivate',
    { schema: { tags, params: IdParams, body: DeactivateUserBody, response: { 200: UserSchema } } },
    async (req) =>
      ctx.sessions.deactivate((await requireSession(ctx, req)).actor, req.params.id, req.body.reason),
  );

  app.get(
    '/api/v1/invites',
    { schema: { tags, response: { 200: z.array(PendingInviteSchema) } } },
    async (req) => ctx.sessions.listPendingInvites((await requireSession(ctx, req)).actor),
  );

  app.delete(
    '/api/v1/invites/:id',
    { schema: { tags, params: IdParams, response: { 200: OkSchema } } },
    async (req) => {
      await ctx.sessions.revokeInvite((await requireSession(ctx, req)).actor, req.params.id);
      return { ok: true as const };
    },
  );
}
