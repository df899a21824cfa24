import {
  BriefingBody,
  BriefingVersionSchema,
  CallArtifactsSchema,
  CallDetailSchema,
  CallListQuery,
  CallLogBody,
  CallSummarySchema,
  CallsDashboardSchema,
  CreateCallRequestBody,
  IdParams,
  LogOffChannelBody,
  MemconBody,
  ReadoutBody,
  ReadoutDraftSchema,
  ReadoutVersionSchema,
  ReviewBody,
  SavedMemconSchema,
  ScheduleBody,
  TransitionBody,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';

/** The leader call lifecycle over HTTP. Each handler is one service call. */
export function callRoutes(app: App, ctx: AppContext): void {
  const tags = ['calls'];
  const calls = ctx.calls;
  const Detail = { 200: CallDetailSchema };

  app.get(
    '/api/v1/calls',
    { schema: { tags, querystring: CallListQuery, response: { 200: z.array(CallSummarySchema) } } },
    async (req) => calls.list(await requireActor(ctx, req), req.query.scope, req.query.state),
  );
  app.post(
    '/api/v1/calls',
    { schema: { tags, body: CreateCallRequestBody, response: { 201: CallDetailSchema } } },
    async (req, reply) => reply.status(201).send(await calls.request(await requireActor(ctx, req), req.body)),
  );
  app.post(
    '/api/v1/calls/off-channel',
    { schema: { tags, body: LogOffChannelBody, response: { 201: CallDetailSchema } } },
    async (req, reply) =>
      reply.status(201).send(await calls.logOffChannel(await requireActor(ctx, req), req.body)),
  );
  app.get(
    '/api/v1/calls/dashboard',
    { schema: { tags, response: { 200: CallsDashboardSchema } } },
    async (req) => calls.dashboard(await requireActor(ctx, req)),
  );
  app.get('/api/v1/calls/:id', { schema: { tags, params: IdParams, response: Detail } }, async (req) =>
    calls.get(await requireActor(ctx, req), req.params.id),
  );
  app.get(
    '/api/v1/calls/:id/artifacts',
    { schema: { tags, params: IdParams, response: { 200: CallArtifactsSchema } } },
    async (req) => calls.artifacts(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/calls/:id/transitions',
    { schema: { tags, params: IdParams, body: TransitionBody, response: Detail } },
    async (req) =>
      calls.transition(
        await requireActor(ctx, req),
        req.params.id,
        req.body.action,
        req.body.reason,
        req.body.expectedVersion,
      ),
  );
  app.post(
    '/api/v1/calls/:id/reviews',
    { schema: { tags, params: IdParams, body: ReviewBody, response: Detail } },
    async (req) => calls.review(await requireActor(ctx, req), req.params.id, req.body),
  );
  app.put(
    '/api/v1/calls/:id/schedule',
    {
      schema: {
        tags,
        params: IdParams,
        body: ScheduleBody,
        response: { 200: CallDetailSchema.extend({ warnings: z.array(z.string()) }) },
      },
    },
    async (req) => calls.schedule(await requireActor(ctx, req), req.params.id, req.body),
  );
  app.post(
    '/api/v1/calls/:id/briefings',
    { schema: { tags, params: IdParams, body: BriefingBody, response: { 201: BriefingVersionSchema } } },
    async (req, reply) =>
      reply.status(201).send(await calls.saveBriefing(await requireActor(ctx, req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/calls/:id/briefings/approve',
    { schema: { tags, params: IdParams, response: Detail } },
    async (req) => calls.approveBriefing(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/calls/:id/memcons',
    { schema: { tags, params: IdParams, body: MemconBody, response: { 201: SavedMemconSchema } } },
    async (req, reply) =>
      reply.status(201).send(await calls.saveMemcon(await requireActor(ctx, req), req.params.id, req.body)),
  );
  app.post(
    '/api/v1/calls/:id/memcons/finalize',
    { schema: { tags, params: IdParams, response: Detail } },
    async (req) => calls.finalizeMemcon(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/calls/:id/readouts',
    { schema: { tags, params: IdParams, body: ReadoutBody, response: { 201: ReadoutVersionSchema } } },
    async (req, reply) =>
      reply.status(201).send(await calls.saveReadout(await requireActor(ctx, req), req.params.id, req.body)),
  );
  app.get(
    '/api/v1/calls/:id/readouts/draft',
    { schema: { tags, params: IdParams, response: { 200: ReadoutDraftSchema } } },
    async (req) => calls.readoutDraft(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/calls/:id/readouts/approve',
    { schema: { tags, params: IdParams, response: Detail } },
    async (req) => calls.approveReadout(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/calls/:id/readouts/publish',
    { schema: { tags, params: IdParams, response: Detail } },
    async (req) => calls.publishReadout(await requireActor(ctx, req), req.params.id),
  );
  app.post(
    '/api/v1/calls/:id/call-log',
    { schema: { tags, params: IdParams, body: CallLogBody, response: { 201: CallDetailSchema } } },
    async (req, reply) =>
      reply
        .status(201)
        .send(await calls.recordCallLog(await requireActor(ctx, req), req.params.id, req.body)),
  );
  app.get(
    '/api/v1/calls/:id/invite.ics',
    { schema: { tags, params: IdParams, querystring: z.object({ userId: z.uuid().optional() }) } },
    async (req, reply) => {
      const ics = await calls.invite(await requireActor(ctx, req), req.params.id, req.query.userId);
      return reply
        .type('text/calendar; charset=utf-8; method=' + ics.method)
        .header('content-disposition', `attachment; filename="hotline-call-${req.params.id.slice(0, 8)}.ics"`)
        .send(ics.text);
    },
  );
}
