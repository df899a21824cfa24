import {
  AccessNoticeBody,
  AccessNoticeSchema,
  AccessRequestFiledSchema,
  AccessRequestQueueSchema,
  ArchiveAccessSchema,
  ArchiveRecordSchema,
  ArchiveRefSchema,
  ArchiveResultsSchema,
  ArchiveSearchBody,
  DisposalRequestBody,
  DisposalRequestedSchema,
  DisposalRequestsSchema,
  DisposalWithdrawnSchema,
  DisposeBody,
  DisposedSchema,
  ExtendedNoticeSchema,
  ExtendNoticeBody,
  FileAccessRequestBody,
  IdParams,
  LegalHoldsSchema,
  PlaceHoldBody,
  RedactBody,
  RedactedCopiesSchema,
  RedactedCopySchema,
  ReleaseHoldBody,
  TransferJobSchema,
  TransferStartBody,
  WithdrawDisposalBody,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';
import { authorize } from '../policy/policy.js';
import { parseShare } from '../records/key-shares.js';

const Placed = z.object({ id: z.string(), items: z.number().int(), recordSeq: z.number().int() });
const Released = z.object({ id: z.string(), recordSeq: z.number().int() });

/** The archive at work (records officers of the office): search, records, access, legal holds. */
export function archiveRoutes(app: App, ctx: AppContext): void {
  const tags = ['archive'];
  // A search is a POST: it is recorded in the records log (a state change), and filters nest.
  app.post(
    '/api/v1/archive/search',
    { schema: { tags, body: ArchiveSearchBody, response: { 200: ArchiveResultsSchema } } },
    async (req) => {
      const { page, pageSize, ...search } = req.body;
      return ctx.archive.search(await requireActor(ctx, req), search, page, pageSize);
    },
  );
  app.get(
    '/api/v1/archive/records/:refKind/:refId',
    { schema: { tags, params: ArchiveRefSchema, response: { 200: ArchiveRecordSchema } } },
    async (req) => ctx.archive.view(await requireActor(ctx, req), req.params),
  );
  app.get(
    '/api/v1/archive/records/:refKind/:refId/access',
    { schema: { tags, params: ArchiveRefSchema, response: { 200: ArchiveAccessSchema } } },
    async (req) =>
      ctx.archiveQueries.accessHistory(await requireActor(ctx, req), req.params.refKind, req.params.refId),
  );
  app.get('/api/v1/archive/holds', { schema: { tags, response: { 200: LegalHoldsSchema } } }, async (req) =>
    ctx.archiveQueries.holds(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/archive/holds',
    { schema: { tags, body: PlaceHoldBody, response: { 201: Placed } } },
    async (req, reply) => {
      reply.code(201);
      return ctx.archive.placeHold(await requireActor(ctx, req), req.body);
    },
  );
  app.post(
    '/api/v1/archive/holds/:id/release',
    { schema: { tags, params: IdParams, body: ReleaseHoldBody, response: { 200: Released } } },
    async (req) => ctx.archive.releaseHold(await requireActor(ctx, req), req.params.id, req.body.reason),
  );
  app.post(
    '/api/v1/archive/captured-items/:id/dispose',
    { schema: { tags, params: IdParams, body: DisposeBody, response: { 200: DisposedSchema } } },
    async (req) => ctx.disposals.dispose(await requireActor(ctx, req), req.params.id, req.body.reason),
  );
  app.get(
    '/api/v1/archive/disposal-requests',
    { schema: { tags, response: { 200: DisposalRequestsSchema } } },
    async (req) => ctx.disposals.list(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/archive/disposal-requests',
    { schema: { tags, body: DisposalRequestBody, response: { 201: DisposalRequestedSchema } } },
    async (req, reply) => {
      reply.code(201);
      return ctx.disposals.request(await requireActor(ctx, req), req.body);
    },
  );
  app.post(
    '/api/v1/archive/disposal-requests/:id/withdraw',
    {
      schema: {
        tags,
        params: IdParams,
        body: WithdrawDisposalBody,
        response: { 200: DisposalWithdrawnSchema },
      },
    },
    async (req) => ctx.disposals.withdraw(await requireActor(ctx, req), req.params.id, req.body.reason),
  );
  // Access requests (44 U.S.C. 2205, FOIA) and the notices of 2208.
  app.get(
    '/api/v1/archive/requests',
    { schema: { tags, response: { 200: AccessRequestQueueSchema } } },
    async (req) => ctx.accessRequests.queue(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/archive/requests',
    { schema: { tags, body: FileAccessRequestBody, response: { 201: AccessRequestFiledSchema } } },
    async (req, reply) => {
      reply.code(201);
      return ctx.accessRequests.file(await requireActor(ctx, req), req.body);
    },
  );
  app.post(
    '/api/v1/archive/requests/:id/notices',
    { schema: { tags, params: IdParams, body: AccessNoticeBody, response: { 200: AccessNoticeSchema } } },
    async (req) =>
      ctx.accessRequests.recordNotice(
        await requireActor(ctx, req),
        req.params.id,
        req.body.party,
        req.body.notifiedOn,
      ),
  );
  app.post(
    '/api/v1/archive/requests/:id/extension',
    { schema: { tags, params: IdParams, body: ExtendNoticeBody, response: { 200: ExtendedNoticeSchema } } },
    async (req) =>
      ctx.accessRequests.extendNotice(
        await requireActor(ctx, req),
        req.params.id,
        req.body.workingDays,
        req.body.reason,
      ),
  );
  // Redacted copies (derived versions, the originals untouched) and the export answering a request.
  app.post(
    '/api/v1/archive/records/:refKind/:refId/redactions',
    { schema: { tags, params: ArchiveRefSchema, body: RedactBody, response: { 201: RedactedCopySchema } } },
    async (req, reply) => {
      reply.code(201);
      return ctx.redactions.redact(
        await requireActor(ctx, req),
        req.params,
        req.body.redactions,
        req.body.requestId,
      );
    },
  );
  app.get(
    '/api/v1/archive/records/:refKind/:refId/redactions',
    { schema: { tags, params: ArchiveRefSchema, response: { 200: RedactedCopiesSchema } } },
    async (req) => ctx.redactions.copiesOf(await requireActor(ctx, req), req.params),
  );
  app.post(
    '/api/v1/archive/requests/:id/export',
    {
      schema: {
        tags,
        params: IdParams,
        response: {
          201: {
            description:
              'The answer to the access request: a zip of the redacted copies made under it (text and PDF) and a redaction report',
            content: { 'application/zip': { schema: z.string().describe('a zip archive (binary)') } },
          },
        },
      },
    },
    async (req, reply) => {
      const r = await ctx.redactions.exportAnswer(await requireActor(ctx, req), req.params.id);
      return (
        reply
          .code(201)
          .type('application/zip')
          .header('content-disposition', `attachment; filename="access-request-${r.requestId}.zip"`)
          .header('x-hotline-export', r.id)
          .header('x-hotline-record-seq', String(r.recordSeq))
          // Bytes, sent as they are (Fastify does not serialize a Buffer); the schema types it a string.
          .send(Buffer.from(r.zip) as unknown as string)
      );
    },
  );
  // Transfer to the national archive from the records screen: runs in the background into the
  // server's data folder; the screen polls the job for its progress and result.
  app.post(
    '/api/v1/archive/transfers',
    { schema: { tags, body: TransferStartBody, response: { 202: TransferJobSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      authorize(actor, 'archive.search', 'transfer records to the national archive');
      const job = ctx.transferJobs.start(
        actor,
        req.body.search,
        req.body.bagBytes,
        req.body.shares?.map((text, i) => parseShare(text, `share file ${i + 1}`)),
      );
      return reply.code(202).send(job);
    },
  );
  app.get(
    '/api/v1/archive/transfers/:id',
    { schema: { tags, params: IdParams, response: { 200: TransferJobSchema } } },
    async (req) => ctx.transferJobs.get(await requireActor(ctx, req), req.params.id),
  );
  // After the Archivist has the bags: seal what a finished transfer of this server wrote (its
  // folder's bags verified first); the screen polls the job for the seal's progress.
  app.post(
    '/api/v1/archive/transfers/:id/seal',
    { schema: { tags, params: IdParams, response: { 202: TransferJobSchema } } },
    async (req, reply) =>
      reply.code(202).send(ctx.transferJobs.seal(await requireActor(ctx, req), req.params.id)),
  );
}
