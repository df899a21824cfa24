import {
  BriefingBody,
  BriefingVersionSchema,
  CallArtifactsSchema,
  CallDetailSchema,
  CallListQuery,
  CallLogBody,
  CallNotesBody,
  CallNotesSchema,
  CallSummarySchema,
  CallsDashboardSchema,
  CreateCallRequestBody,
  IdParams,
  LogOffChannelBody,
  MemconBody,
  ReadoutBody,
  ReadoutCorrectionBody,
  ReadoutDraftSchema,
  ReadoutVersionSchema,
  ReadoutWithdrawalBody,
  ReviewBody,
  SavedMemconSchema,
  ScheduleAnswerBody,
  ScheduleBody,
  TransitionBody,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';
import type { Actor } from '../policy/policy.js';

/**
 * The leader call lifecycle over HTTP. A read is one query; a write is one service call, and the
 * answer is read back through the queries (routes never touch the database).
 */
export function callRoutes(app: App, ctx: AppContext): void {
  const tags = ['calls'];
  const { queries, requests, scheduling, briefings, memcons, readouts, callLog, notes } = ctx.calls;
  const Detail = { 200: CallDetailSchema };

  /**
   * A step on one call (a transition, a review, an approval, publishing): act as the caller through
   * the service, then answer with the call as the caller now sees it.
   */
  function step<B extends z.ZodType>(
    path: string,
    body: B | undefined,
    act: (actor: Actor, callId: string, body: z.infer<B>) => Promise<unknown>,
  ): void {
    app.post(
      path,
      { schema: { tags, params: IdParams, ...(body ? { body } : {}), response: Detail } },
      async (req) => {
        const actor = await requireActor(ctx, req);
        await act(actor, req.params.id, req.body as z.infer<B>);
        return queries.get(actor, req.params.id);
      },
    );
  }

  app.get(
    '/api/v1/calls',
    { schema: { tags, querystring: CallListQuery, response: { 200: z.array(CallSummarySchema) } } },
    async (req) => queries.list(await requireActor(ctx, req), req.query.scope, req.query.state),
  );
  app.post(
    '/api/v1/calls',
    { schema: { tags, body: CreateCallRequestBody, response: { 201: CallDetailSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const id = await requests.request(actor, req.body);
      return reply.status(201).send(await queries.get(actor, id));
    },
  );
  app.post(
    '/api/v1/calls/off-channel',
    { schema: { tags, body: LogOffChannelBody, response: { 201: CallDetailSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const id = await requests.logOffChannel(actor, req.body);
      return reply.status(201).send(await queries.get(actor, id));
    },
  );
  app.get(
    '/api/v1/calls/dashboard',
    { schema: { tags, response: { 200: CallsDashboardSchema } } },
    async (req) => queries.dashboard(await requireActor(ctx, req)),
  );
  app.get('/api/v1/calls/:id', { schema: { tags, params: IdParams, response: Detail } }, async (req) =>
    queries.get(await requireActor(ctx, req), req.params.id),
  );
  app.get(
    '/api/v1/calls/:id/artifacts',
    { schema: { tags, params: IdParams, response: { 200: CallArtifactsSchema } } },
    async (req) => queries.artifacts(await requireActor(ctx, req), req.params.id),
  );
  step('/api/v1/calls/:id/transitions', TransitionBody, (actor, id, b) =>
    requests.transition(actor, id, b.action, b.reason, b.expectedVersion),
  );
  step('/api/v1/calls/:id/reviews', ReviewBody, (actor, id, b) => requests.review(actor, id, b));
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
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { warnings } = await scheduling.schedule(actor, req.params.id, req.body);
      return { ...(await queries.get(actor, req.params.id)), warnings };
    },
  );
  app.get(
    '/api/v1/calls/:id/notes',
    { schema: { tags, params: IdParams, response: { 200: CallNotesSchema } } },
    async (req) => notes.get(await requireActor(ctx, req), req.params.id),
  );
  app.put(
    '/api/v1/calls/:id/notes',
    { schema: { tags, params: IdParams, body: CallNotesBody, response: { 200: CallNotesSchema } } },
    async (req) => notes.save(await requireActor(ctx, req), req.params.id, req.body.body),
  );
  step('/api/v1/calls/:id/schedule/answer', ScheduleAnswerBody, (actor, id, b) =>
    scheduling.answer(actor, id, b),
  );
  app.post(
    '/api/v1/calls/:id/briefings',
    { schema: { tags, params: IdParams, body: BriefingBody, response: { 201: BriefingVersionSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const id = await briefings.saveBriefing(actor, req.params.id, req.body);
      return reply.status(201).send(await queries.briefing(actor, req.params.id, id));
    },
  );
  step('/api/v1/calls/:id/briefings/approve', undefined, (actor, id) => briefings.approveBriefing(actor, id));
  app.post(
    '/api/v1/calls/:id/memcons',
    { schema: { tags, params: IdParams, body: MemconBody, response: { 201: SavedMemconSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { id, correction } = await memcons.saveMemcon(actor, req.params.id, req.body);
      return reply.status(201).send({ ...(await queries.memcon(actor, req.params.id, id)), correction });
    },
  );
  step('/api/v1/calls/:id/memcons/finalize', undefined, (actor, id) => memcons.finalizeMemcon(actor, id));
  app.post(
    '/api/v1/calls/:id/readouts',
    { schema: { tags, params: IdParams, body: ReadoutBody, response: { 201: ReadoutVersionSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const id = await readouts.saveReadout(actor, req.params.id, req.body);
      return reply.status(201).send(await queries.readout(actor, req.params.id, id));
    },
  );
  app.get(
    '/api/v1/calls/:id/readouts/draft',
    { schema: { tags, params: IdParams, response: { 200: ReadoutDraftSchema } } },
    async (req) => readouts.readoutDraft(await requireActor(ctx, req), req.params.id),
  );
  step('/api/v1/calls/:id/readouts/approve', undefined, (actor, id) => readouts.approveReadout(actor, id));
  step('/api/v1/calls/:id/readouts/publish', undefined, (actor, id) => readouts.publishReadout(actor, id));
  step('/api/v1/calls/:id/readouts/correct', ReadoutCorrectionBody, (actor, id, b) =>
    readouts.correctReadout(actor, id, b),
  );
  step('/api/v1/calls/:id/readouts/withdraw', ReadoutWithdrawalBody, (actor, id, b) =>
    readouts.withdrawReadout(actor, id, b),
  );
  app.post(
    '/api/v1/calls/:id/call-log',
    { schema: { tags, params: IdParams, body: CallLogBody, response: { 201: CallDetailSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      await callLog.recordCallLog(actor, req.params.id, req.body);
      return reply.status(201).send(await queries.get(actor, req.params.id));
    },
  );
  app.get(
    '/api/v1/calls/:id/invite.ics',
    { schema: { tags, params: IdParams, querystring: z.object({ userId: z.uuid().optional() }) } },
    async (req, reply) => {
      const ics = await scheduling.invite(await requireActor(ctx, req), req.params.id, req.query.userId);
      return reply
        .type('text/calendar; charset=utf-8; method=' + ics.method)
        .header('content-disposition', `attachment; filename="hotline-call-${req.params.id.slice(0, 8)}.ics"`)
        .send(ics.text);
    },
  );
}
