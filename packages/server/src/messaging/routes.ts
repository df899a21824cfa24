import {
  AcceptedCommitSchema,
  AcceptedMessageSchema,
  ClaimedKeyPackagesSchema,
  ClaimKeyPackagesBody,
  CreateGroupBody,
  GroupMessagesQuery,
  GroupMessagesSchema,
  GroupSchema,
  IdParams,
  PostCommitBody,
  PostMessageBody,
  PublishedKeyPackagesSchema,
  PublishKeyPackagesBody,
  PublishRecordsMemberBody,
  RecordsMemberSchema,
  RecordsMembersSchema,
  WelcomesSchema,
} from '@hotline/contract';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';

/** Messaging's delivery service (MLS): key packages, conversations, Commits, ciphertext, Welcomes. */
export function messagingRoutes(app: App, ctx: AppContext): void {
  const tags = ['messaging'];
  app.post(
    '/api/v1/messaging/key-packages',
    { schema: { tags, body: PublishKeyPackagesBody, response: { 201: PublishedKeyPackagesSchema } } },
    async (req, reply) => {
      const r = await ctx.messaging.publishKeyPackages(await requireActor(ctx, req), req.body.keyPackages);
      reply.code(201);
      return r;
    },
  );
  app.post(
    '/api/v1/messaging/key-packages/claim',
    { schema: { tags, body: ClaimKeyPackagesBody, response: { 200: ClaimedKeyPackagesSchema } } },
    async (req) => ctx.messaging.claimKeyPackages(await requireActor(ctx, req), req.body),
  );
  app.get(
    '/api/v1/messaging/records-members',
    { schema: { tags, response: { 200: RecordsMembersSchema } } },
    async (req) => {
      await requireActor(ctx, req);
      return ctx.messagingQueries.recordsMembers();
    },
  );
  app.post(
    '/api/v1/messaging/records-members',
    { schema: { tags, body: PublishRecordsMemberBody, response: { 201: RecordsMemberSchema } } },
    async (req, reply) => {
      const r = await ctx.messaging.publishRecordsMember(
        await requireActor(ctx, req),
        req.body.keyPackage,
        req.body.archivePublicKey,
      );
      reply.code(201);
      return r;
    },
  );
  app.post(
    '/api/v1/messaging/groups',
    { schema: { tags, body: CreateGroupBody, response: { 201: GroupSchema } } },
    async (req, reply) => {
      const g = await ctx.messaging.createGroup(await requireActor(ctx, req), req.body.creatorKeyPackage);
      reply.code(201);
      return { ...g, roster: g.roster.map(({ signatureKey: _k, ...l }) => l) };
    },
  );
  app.get(
    '/api/v1/messaging/groups/:id',
    { schema: { tags, params: IdParams, response: { 200: GroupSchema } } },
    async (req) => ctx.messagingQueries.group(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/messaging/groups/:id/commits',
    { schema: { tags, params: IdParams, body: PostCommitBody, response: { 201: AcceptedCommitSchema } } },
    async (req, reply) => {
      const r = await ctx.messaging.postCommit(await requireActor(ctx, req), req.params.id, req.body);
      reply.code(201);
      return r;
    },
  );
  app.post(
    '/api/v1/messaging/groups/:id/messages',
    { schema: { tags, params: IdParams, body: PostMessageBody, response: { 201: AcceptedMessageSchema } } },
    async (req, reply) => {
      const r = await ctx.messaging.postMessage(
        await requireActor(ctx, req),
        req.params.id,
        req.body.message,
      );
      reply.code(201);
      return r;
    },
  );
  app.get(
    '/api/v1/messaging/groups/:id/messages',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: GroupMessagesQuery,
        response: { 200: GroupMessagesSchema },
      },
    },
    async (req) =>
      ctx.messagingQueries.messages(
        await requireActor(ctx, req),
        req.params.id,
        req.query.after,
        req.query.limit,
      ),
  );
  app.get(
    '/api/v1/messaging/welcomes',
    { schema: { tags, response: { 200: WelcomesSchema } } },
    async (req) => ctx.messagingQueries.welcomes(await requireActor(ctx, req)),
  );
}
