import { ValidationError } from '@hotline/common';
import {
  AcceptedCommitSchema,
  AcceptedMessageSchema,
  AuthoritySchema,
  BlobParams,
  ClaimedKeyPackagesSchema,
  ClaimKeyPackagesBody,
  ConversationsSchema,
  CreateGroupBody,
  CredentialSchema,
  CredentialsQuery,
  CredentialsSchema,
  DeviceParams,
  GroupMessagesQuery,
  GroupMessagesSchema,
  GroupSchema,
  GroupSettingsBody,
  GroupSettingsSchema,
  IdParams,
  IssueCredentialBody,
  MessagingDirectorySchema,
  PostCommitBody,
  PostMessageBody,
  PublishedKeyPackagesSchema,
  PublishKeyPackagesBody,
  PublishRecordsMemberBody,
  ReadBody,
  ReadSchema,
  RecordsMemberSchema,
  RecordsMembersSchema,
  RevokedDeviceSchema,
  StoredBlobSchema,
  WelcomesSchema,
} from '@hotline/contract';
import type { AppContext } from '../context.js';
import { requireActor, requireSession } from '../http/session.js';
import type { App } from '../http/types.js';
import { MAX_BLOB_BYTES } from './messaging-service.js';

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
    '/api/v1/messaging/authority',
    { schema: { tags, response: { 200: AuthoritySchema } } },
    async (req) => {
      await requireActor(ctx, req);
      return ctx.messagingCredentials.authorityKey();
    },
  );
  app.post(
    '/api/v1/messaging/credentials',
    { schema: { tags, body: IssueCredentialBody, response: { 201: CredentialSchema } } },
    async (req, reply) => {
      const s = await requireSession(ctx, req);
      const c = await ctx.messagingCredentials.issue(s.actor, s.method, req.body);
      reply.code(201);
      return c;
    },
  );
  app.get(
    '/api/v1/messaging/credentials',
    { schema: { tags, querystring: CredentialsQuery, response: { 200: CredentialsSchema } } },
    async (req) => {
      await requireActor(ctx, req);
      return ctx.messagingCredentials.of(req.query.personId);
    },
  );
  app.delete(
    '/api/v1/messaging/credentials/:deviceId',
    { schema: { tags, params: DeviceParams, response: { 200: RevokedDeviceSchema } } },
    async (req) => ctx.messagingCredentials.revoke(await requireActor(ctx, req), req.params.deviceId),
  );
  app.get(
    '/api/v1/messaging/directory',
    { schema: { tags, response: { 200: MessagingDirectorySchema } } },
    async (req) => ctx.messagingQueries.directory(await requireActor(ctx, req)),
  );
  app.get(
    '/api/v1/messaging/conversations',
    { schema: { tags, response: { 200: ConversationsSchema } } },
    async (req) => ctx.messagingQueries.conversations(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/messaging/groups/:id/read',
    { schema: { tags, params: IdParams, body: ReadBody, response: { 200: ReadSchema } } },
    async (req) => ctx.messaging.markRead(await requireActor(ctx, req), req.params.id, req.body.seq),
  );
  app.put(
    '/api/v1/messaging/groups/:id/settings',
    { schema: { tags, params: IdParams, body: GroupSettingsBody, response: { 200: GroupSettingsSchema } } },
    async (req) =>
      ctx.messaging.setSettings(await requireActor(ctx, req), req.params.id, req.body.disappearAfterSeconds),
  );
  // Encrypted files: the body is the ciphertext (application/octet-stream), up to 25 MB.
  void app.register((blobs: App, _opts, done) => {
    blobs.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: MAX_BLOB_BYTES },
      (_req, body, done) => done(null, body),
    );
    blobs.post(
      '/api/v1/messaging/groups/:id/blobs',
      { bodyLimit: MAX_BLOB_BYTES, schema: { tags, params: IdParams, response: { 201: StoredBlobSchema } } },
      async (req, reply) => {
        const actor = await requireActor(ctx, req);
        if (!Buffer.isBuffer(req.body))
          throw new ValidationError(
            'Send the encrypted file as the body, Content-Type: application/octet-stream.',
            {
              field: 'body',
            },
          );
        const r = await ctx.messaging.uploadBlob(actor, req.params.id, new Uint8Array(req.body));
        reply.code(201);
        return r;
      },
    );
    done();
  });
  app.get(
    '/api/v1/messaging/groups/:id/blobs/:blobId',
    { schema: { tags, params: BlobParams } },
    async (req, reply) => {
      const b = await ctx.messagingQueries.blob(
        await requireActor(ctx, req),
        req.params.id,
        req.params.blobId,
      );
      reply.header('cache-control', 'private, no-store').header('x-content-sha256', b.sha256);
      return reply.type('application/octet-stream').send(Buffer.from(b.data));
    },
  );
  app.get(
    '/api/v1/messaging/welcomes',
    { schema: { tags, response: { 200: WelcomesSchema } } },
    async (req) => ctx.messagingQueries.welcomes(await requireActor(ctx, req)),
  );
}
