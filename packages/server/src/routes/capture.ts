import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ValidationError } from '@hotline/common';
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

  app.get('/api/v1/capture/registry', { schema: { tags, response: { 200: z.unknown() } } }, async (req) =>
    ctx.capture.registry(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/capture/official-accounts',
    {
      schema: {
        tags,
        body: z.object({
          kind: z.enum(['email', 'x', 'phone']),
          identifier: z.string().trim().min(3).max(320),
          ownerId: z.uuid(),
        }),
        response: { 201: z.object({ id: z.string(), kind: z.string(), identifier: z.string() }) },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await ctx.capture.addOfficialAccount(await requireActor(ctx, req), req.body)),
  );
  app.put(
    '/api/v1/capture/covered/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: z.object({
          covered: z.enum(['president', 'vice_president', 'covered_employee', 'not_covered']),
        }),
        response: { 200: z.object({ userId: z.string(), covered: z.string() }) },
      },
    },
    async (req) => ctx.capture.setCovered(await requireActor(ctx, req), req.params.id, req.body.covered),
  );

  /**
   * Upload an export (multipart: kind, account, owner, optional columns and official, then the
   * file). The file is spooled to a temp file and imported as the CLI does, whole or not at all.
   */
  app.post(
    '/api/v1/capture/imports',
    { schema: { tags, consumes: ['multipart/form-data'] } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      if (!req.isMultipart())
        throw new ValidationError(
          'Send the export as multipart/form-data with fields kind, account, owner and a file.',
        );
      const dir = mkdtempSync(join(tmpdir(), 'hotline-upload-'));
      try {
        const fields: Record<string, string> = {};
        let path: string | null = null;
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            // Keep the uploaded name's extension (".zip" selects the archive reader), never its path.
            path = join(dir, basename(part.filename || 'upload').replace(/[^\w.-]/g, '_'));
            await pipeline(part.file, createWriteStream(path));
            if (part.file.truncated)
              throw new ValidationError(
                'The file is larger than the upload limit (1 GiB); import it with the CLI instead.',
              );
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
        const kind = fields.kind;
        if (!kind || !['mbox', 'eml', 'x', 'phone', 'csv'].includes(kind)) {
          throw new ValidationError(
            'Field "kind" must be one of mbox, eml, x (an archive .zip), phone or csv.',
            { field: 'kind' },
          );
        }
        if (!path) throw new ValidationError('Attach the exported file.', { field: 'file' });
        if (!fields.account || !fields.owner)
          throw new ValidationError('Fields "account" and "owner" are required.', { field: 'account' });
        const r = await ctx.capture.importFile(actor, kind as 'mbox', path, {
          identifier: fields.account,
          ownerEmail: fields.owner,
          official: fields.official === 'true',
          ...(fields.columns ? { columns: fields.columns } : {}),
        });
        return reply.status(201).send(r);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}
