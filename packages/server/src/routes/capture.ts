import { IdParams } from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';

/** Personal-account capture for records officers: review queue, classification, 20-day compliance. */
export function captureRoutes(app: App, ctx: AppContext): void {
  const tags = ['capture'];
  app.get('/api/v1/capture/queue', { schema: { tags, response: { 200: z.unknown() } } }, async (req) =>
    ctx.capture.queue(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/capture/items/:id/classify',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          category: z.enum(['presidential', 'personal']),
          reason: z.string().trim().min(3, 'say why, for the record').max(2000),
        }),
        response: { 200: z.object({ itemId: z.string(), category: z.string(), recordSeq: z.number() }) },
      },
    },
    async (req) =>
      ctx.capture.classify(await requireActor(ctx, req), req.params.id, req.body.category, req.body.reason),
  );
  app.get('/api/v1/capture/compliance', { schema: { tags, response: { 200: z.unknown() } } }, async (req) =>
    ctx.capture.complianceSummary(await requireActor(ctx, req)),
  );
  app.get('/api/v1/capture/sources', { schema: { tags, response: { 200: z.unknown() } } }, async (req) =>
    ctx.capture.deviceSources(await requireActor(ctx, req)),
  );
  app.get(
    '/api/v1/capture/location-leaks',
    { schema: { tags, response: { 200: z.unknown() } } },
    async (req) => ctx.capture.locationLeaks(await requireActor(ctx, req)),
  );
  app.get('/api/v1/capture/compliance.csv', { schema: { tags } }, async (req, reply) =>
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', 'attachment; filename="hotline-20-day-compliance.csv"')
      .send(await ctx.capture.complianceCsv(await requireActor(ctx, req))),
  );
}
