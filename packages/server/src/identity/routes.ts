import {
  DirectoryQuery,
  IdParams,
  InviteCreatedSchema,
  InviteUserBody,
  MeSchema,
  MetaSchema,
  OfficeSchema,
  RoleGrantSchema,
  SetInterpreterBody,
  SetRolesBody,
  UserSchema,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor, requireSession } from '../http/session.js';
import type { App } from '../http/types.js';
import { permissionsOf } from '../policy/policy.js';

export function identityRoutes(app: App, ctx: AppContext): void {
  const tags = ['identity'];

  app.get('/api/v1/meta', { schema: { tags: ['meta'], response: { 200: MetaSchema } } }, () => ({
    name: 'Hotline' as const,
    version: '0.1.0',
    demo: ctx.cfg.demo,
    rpId: ctx.cfg.rpId,
  }));

  app.get('/api/v1/me', { schema: { tags, response: { 200: MeSchema } } }, async (req) => {
    const s = await requireSession(ctx, req);
    return {
      ...(await ctx.identityQueries.me(s.actor)),
      permissions: permissionsOf(s.actor),
      session: { expiresAt: s.expiresAt.toISOString(), method: s.method },
    };
  });

  app.get('/api/v1/offices', { schema: { tags, response: { 200: z.array(OfficeSchema) } } }, async (req) =>
    ctx.identityQueries.listOffices(await requireActor(ctx, req)),
  );

  // No route creates or changes an office: that is the operator's act at the host
  // (hotline offices add / update), so no office administrator can pose as another government.

  app.get(
    '/api/v1/users',
    { schema: { tags, querystring: DirectoryQuery, response: { 200: z.array(UserSchema) } } },
    async (req) =>
      ctx.identityQueries.directory(
        await requireActor(ctx, req),
        req.query.officeId,
        req.query.include === 'deactivated',
      ),
  );

  app.post(
    '/api/v1/users/invite',
    { schema: { tags, body: InviteUserBody, response: { 201: InviteCreatedSchema } } },
    async (req, reply) => {
      const r = await ctx.identity.invite(await requireActor(ctx, req), req.body);
      return reply.status(201).send({
        user: r.user,
        inviteUrl: `${ctx.cfg.publicUrl}/app/invite/${r.token}`,
        expiresAt: r.expiresAt.toISOString(),
      });
    },
  );

  app.put(
    '/api/v1/users/:id/roles',
    { schema: { tags, params: IdParams, body: SetRolesBody, response: { 200: UserSchema } } },
    async (req) => ctx.identity.setRoles(await requireActor(ctx, req), req.params.id, req.body.roles),
  );

  app.put(
    '/api/v1/users/:id/interpreter',
    { schema: { tags, params: IdParams, body: SetInterpreterBody, response: { 200: UserSchema } } },
    async (req) =>
      ctx.identity.setInterpreter(await requireActor(ctx, req), req.params.id, req.body.interpreter),
  );

  app.get(
    '/api/v1/role-grants/pending',
    { schema: { tags, response: { 200: z.array(RoleGrantSchema) } } },
    async (req) => ctx.identityQueries.pendingGrants(await requireActor(ctx, req)),
  );

  app.post(
    '/api/v1/role-grants/:id/confirm',
    { schema: { tags, params: IdParams, response: { 200: RoleGrantSchema } } },
    async (req) => ctx.identity.confirmGrant(await requireActor(ctx, req), req.params.id),
  );
}
