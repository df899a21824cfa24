import { AuthenticationError, ForbiddenError } from '@hotline/common';
import { IdParams } from '@hotline/contract';
import {
  parseRecordsAuthorization,
  RECORDS_AUTH_SCHEME,
  RECORDS_AUTH_WINDOW_MS,
  verifyRecordsRequest,
} from '@hotline/e2ee';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { SESSION_COOKIE } from '../http/session.js';
import type { App } from '../http/types.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/**
 * Which office's records member signed this request (records-auth.ts in packages/e2ee): its
 * signature key must be the one its office published. A person's session is not enough.
 */
export async function requireRecordsMember(
  ctx: AppContext,
  req: FastifyRequest,
  body: Uint8Array,
): Promise<string> {
  const header = req.headers.authorization;
  if (!header?.startsWith(`${RECORDS_AUTH_SCHEME} `)) {
    if (req.cookies[SESSION_COOKIE])
      throw new ForbiddenError(
        "Only an office's records member (the `hotline records-member` process) uses this route; it signs each request with its key.",
      );
    throw new AuthenticationError(
      `This route is for an office's records member: sign the request (Authorization: ${RECORDS_AUTH_SCHEME} office=…, at=…, sig=…).`,
    );
  }
  const auth = parseRecordsAuthorization(header);
  if (!auth)
    throw new AuthenticationError(
      `The ${RECORDS_AUTH_SCHEME} authorization is malformed.`,
      'invalid_records_auth',
    );
  const now = ctx.clock.now().getTime();
  if (Math.abs(now - auth.at) > RECORDS_AUTH_WINDOW_MS)
    throw new AuthenticationError(
      `The request was signed at ${new Date(auth.at).toISOString()}, more than two minutes from the server's clock (${new Date(now).toISOString()}); check the clocks and sign again.`,
      'records_auth_stale',
    );
  const key = await ctx.messagingQueries.recordsKey(auth.officeId);
  if (!key)
    throw new AuthenticationError(
      `Office ${auth.officeId} has not published a records member; a records officer publishes its key package first (POST /api/v1/messaging/records-members).`,
      'records_member_unknown',
    );
  const ok = await verifyRecordsRequest(
    new Uint8Array(key.signature_key),
    auth.signature,
    req.method,
    req.url,
    auth.at,
    body,
  );
  if (!ok)
    throw new AuthenticationError(
      "The request's signature does not verify with the office's published records-member key.",
      'invalid_records_auth',
    );
  return auth.officeId;
}

const empty = new Uint8Array(0);
const AfterQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
const ArchivedParams = z.object({ id: z.uuid(), seq: z.coerce.number().int().min(1) });

/**
 * The records member's side of the delivery service: its office, Welcomes, conversations and
 * their messages, and where it hands in each message sealed to the office's archive key.
 */
export function recordsMemberRoutes(app: App, ctx: AppContext): void {
  const tags = ['messaging'];
  app.get('/api/v1/messaging/records/self', { schema: { tags } }, async (req) => {
    const office = await requireRecordsMember(ctx, req, empty);
    const k = (await ctx.messagingQueries.recordsKey(office))!;
    return {
      officeId: office,
      signatureKey: Buffer.from(k.signature_key).toString('hex'),
      archivePublicKey: b64(k.archive_public_key),
    };
  });
  app.get('/api/v1/messaging/records/directory', { schema: { tags } }, async (req) => {
    await requireRecordsMember(ctx, req, empty);
    return { items: await ctx.messagingQueries.recordsMembers() };
  });
  app.get('/api/v1/messaging/records/welcomes', { schema: { tags } }, async (req) => {
    const office = await requireRecordsMember(ctx, req, empty);
    const rows = await ctx.messagingQueries.welcomesForRecords(office);
    return {
      welcomes: rows.map((w) => ({ id: w.id, groupId: w.groupId, epoch: w.epoch, data: b64(w.data) })),
    };
  });
  app.get('/api/v1/messaging/records/groups', { schema: { tags } }, async (req) => {
    const office = await requireRecordsMember(ctx, req, empty);
    return { items: await ctx.messagingQueries.groupsForRecords(office) };
  });
  app.get(
    '/api/v1/messaging/records/groups/:id/messages',
    { schema: { tags, params: IdParams, querystring: AfterQuery } },
    async (req) => {
      const office = await requireRecordsMember(ctx, req, empty);
      const rows = await ctx.messagingQueries.messagesForRecords(
        office,
        req.params.id,
        req.query.after,
        req.query.limit,
      );
      return { messages: rows.map((m) => ({ seq: m.seq, epoch: m.epoch, kind: m.kind, data: b64(m.data) })) };
    },
  );
  // The sealed record is the body (application/octet-stream), so the signature covers its bytes.
  void app.register((scoped: App, _opts, done) => {
    scoped.addContentTypeParser(
      'application/octet-stream',
      { parseAs: 'buffer', bodyLimit: 2_100_000 },
      (_req, body, next) => next(null, body),
    );
    scoped.post(
      '/api/v1/messaging/records/groups/:id/archived/:seq',
      { bodyLimit: 2_100_000, schema: { tags, params: ArchivedParams } },
      async (req, reply) => {
        const body = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : empty;
        const office = await requireRecordsMember(ctx, req, body);
        const r = await ctx.recordsArchive.archive(office, {
          groupId: req.params.id,
          seq: req.params.seq,
          sealed: body,
        });
        reply.code(201);
        return r;
      },
    );
    done();
  });
}
