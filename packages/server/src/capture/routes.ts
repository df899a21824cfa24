import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HotlineError, isHotlineError, ValidationError } from '@hotline/common';
import {
  type CapturedItemSummary,
  CapturedItemViewSchema,
  ClassificationRuleAppliedSchema,
  ClassificationRuleBody,
  ClassificationRuleEditBody,
  ClassificationRuleRetireBody,
  ClassificationRuleSchema,
  ClassificationRulesSchema,
  ClassifiedSchema,
  ClassifyBody,
  ComplianceListQuery,
  ComplianceListSchema,
  ComplianceSummarySchema,
  CoveredSetSchema,
  DeviceSourcesSchema,
  ForeignContactBody,
  ForeignContactChangedSchema,
  ForeignContactEditBody,
  ForeignContactRetireBody,
  ForeignContactsSchema,
  IdParams,
  IMPORT_FORMATS,
  type ImportFormatSchema,
  ImportResultSchema,
  ImportUploadForm,
  KeySharesBody,
  LocationLeaksSchema,
  OfficialAccountBody,
  OfficialAccountSchema,
  QueueQuery,
  QueueSchema,
  RegistrySchema,
  SetCoveredBody,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor, requireSession } from '../http/session.js';
import type { App } from '../http/types.js';
import { authorize } from '../policy/policy.js';
import { parseShare } from '../records/key-shares.js';
import { UploadGate, uploadTooLarge } from './upload-gate.js';

type QueueItem = z.input<typeof QueueSchema>[number];
const STRING_FIELDS = [
  'source',
  'from',
  'subject',
  'messageId',
  'tweetId',
  'deletedAt',
  'number',
  'direction',
  'contactName',
] as const;
const LIST_FIELDS = ['to', 'cc', 'bcc', 'numbers'] as const;

/**
 * A queue row as the API shows it. The stored summary is JSON taken from outside files, so only
 * the fields the queue shows, of the expected types, are passed on: one odd value in an imported
 * archive must not make the whole queue fail its response schema.
 */
function toQueueItem(row: {
  id: string;
  kind: string;
  occurred_at: Date | string;
  summary: Record<string, unknown>;
  identifier: string;
  display_name: string;
}): QueueItem {
  const s = row.summary;
  const summary: CapturedItemSummary = {};
  for (const k of STRING_FIELDS) if (typeof s[k] === 'string') summary[k] = s[k];
  for (const k of LIST_FIELDS) {
    const v = s[k];
    if (Array.isArray(v)) summary[k] = v.filter((x): x is string => typeof x === 'string');
  }
  if (typeof s.durationSeconds === 'number') summary.durationSeconds = s.durationSeconds;
  if (typeof s.locationLeak === 'boolean') summary.locationLeak = s.locationLeak;
  if (Array.isArray(s.attachments)) {
    summary.attachments = s.attachments.flatMap(
      (a: { filename?: unknown; contentType?: unknown; sha256?: unknown }) =>
        typeof a?.filename === 'string' && typeof a.contentType === 'string' && typeof a.sha256 === 'string'
          ? [{ filename: a.filename, contentType: a.contentType, sha256: a.sha256 }]
          : [],
    );
  }
  return { ...row, occurred_at: new Date(row.occurred_at).toISOString(), summary };
}

/** Personal-account capture for records officers: review queue, classification, 20-day compliance. */
export function captureRoutes(app: App, ctx: AppContext): void {
  const tags = ['capture'];
  /** The queue a page at a time (oldest first); x-next-cursor, when present, is the next page's `after`. */
  app.get(
    '/api/v1/capture/queue',
    { schema: { tags, querystring: QueueQuery, response: { 200: QueueSchema } } },
    async (req, reply) => {
      const page = await ctx.captureQueries.queue(await requireActor(ctx, req), {
        ...(req.query.limit !== undefined ? { limit: req.query.limit } : {}),
        ...(req.query.after ? { after: req.query.after } : {}),
      });
      if (page.next) reply.header('x-next-cursor', page.next);
      return page.items.map(toQueueItem);
    },
  );
  app.post(
    '/api/v1/capture/rules',
    { schema: { tags, body: ClassificationRuleBody, response: { 201: ClassificationRuleAppliedSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { ruleId, applied } = await ctx.capture.addClassificationRule(actor, req.body);
      const rule = await ctx.captureQueries.classificationRule(actor, ruleId);
      return reply.status(201).send({ ruleId, rule, applied });
    },
  );
  app.get(
    '/api/v1/capture/rules',
    { schema: { tags, response: { 200: ClassificationRulesSchema } } },
    async (req) => ctx.captureQueries.classificationRules(await requireActor(ctx, req)),
  );
  app.put(
    '/api/v1/capture/rules/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: ClassificationRuleEditBody,
        response: { 200: ClassificationRuleAppliedSchema },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { ruleId, applied } = await ctx.capture.editClassificationRule(actor, req.params.id, req.body);
      return { ruleId, rule: await ctx.captureQueries.classificationRule(actor, ruleId), applied };
    },
  );
  app.post(
    '/api/v1/capture/rules/:id/retire',
    {
      schema: {
        tags,
        params: IdParams,
        body: ClassificationRuleRetireBody,
        response: { 200: ClassificationRuleSchema },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { ruleId } = await ctx.capture.retireClassificationRule(actor, req.params.id, req.body.reason);
      return ctx.captureQueries.classificationRule(actor, ruleId);
    },
  );
  app.post(
    '/api/v1/capture/items/:id/classify',
    {
      schema: {
        tags,
        params: IdParams,
        body: ClassifyBody,
        response: { 200: ClassifiedSchema },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { itemId, previous, recordSeq } = await ctx.capture.classify(
        actor,
        req.params.id,
        req.body.category,
        req.body.reason,
      );
      return { ...(await ctx.captureQueries.classification(actor, itemId)), previous, recordSeq };
    },
  );
  app.get(
    '/api/v1/capture/compliance',
    { schema: { tags, response: { 200: ComplianceSummarySchema } } },
    async (req) => ctx.captureQueries.complianceSummary(await requireActor(ctx, req)),
  );
  app.get(
    '/api/v1/capture/compliance/items',
    { schema: { tags, querystring: ComplianceListQuery, response: { 200: ComplianceListSchema } } },
    async (req) => {
      const q = req.query;
      return ctx.captureQueries.complianceList(await requireActor(ctx, req), {
        ...(q.person ? { person: q.person } : {}),
        ...(q.account ? { account: q.account } : {}),
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.status ? { status: q.status.split(',').map((x) => x.trim()) } : {}),
      });
    },
  );
  app.get(
    '/api/v1/capture/items/:id',
    { schema: { tags, params: IdParams, response: { 200: CapturedItemViewSchema } } },
    async (req) => ctx.captureQueries.item(await requireActor(ctx, req), req.params.id),
  );
  // A sealed item's body (split archive key) opened with k custodians' shares, recorded.
  app.post(
    '/api/v1/capture/items/:id/open',
    {
      schema: { tags, params: IdParams, body: KeySharesBody, response: { 200: CapturedItemViewSchema } },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      authorize(actor, 'capture.read', 'see captured items');
      return ctx.captureQueries.itemOpened(
        actor,
        req.params.id,
        req.body.shares.map((text, i) => parseShare(text, `share file ${i + 1}`)),
        ctx.custody,
      );
    },
  );
  app.get(
    '/api/v1/capture/sources',
    { schema: { tags, response: { 200: DeviceSourcesSchema } } },
    async (req) => ctx.captureQueries.deviceSources(await requireActor(ctx, req)),
  );
  app.get(
    '/api/v1/capture/location-leaks',
    { schema: { tags, response: { 200: LocationLeaksSchema } } },
    async (req) => ctx.captureQueries.locationLeaks(await requireActor(ctx, req)),
  );
  app.get(
    '/api/v1/capture/compliance.csv',
    {
      schema: {
        tags,
        response: {
          200: {
            description: 'The 20-day-rule table as CSV (RFC 4180), one row per captured item',
            content: { 'text/csv': { schema: z.string() } },
          },
        },
      },
    },
    async (req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="hotline-20-day-compliance.csv"')
        .send(await ctx.captureQueries.complianceCsv(await requireActor(ctx, req))),
  );

  app.get('/api/v1/capture/registry', { schema: { tags, response: { 200: RegistrySchema } } }, async (req) =>
    ctx.captureQueries.registry(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/capture/official-accounts',
    {
      schema: {
        tags,
        body: OfficialAccountBody,
        response: { 201: OfficialAccountSchema },
      },
    },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { id } = await ctx.capture.addOfficialAccount(actor, req.body);
      return reply.status(201).send(await ctx.captureQueries.account(actor, id));
    },
  );
  app.get(
    '/api/v1/capture/contacts',
    { schema: { tags, response: { 200: ForeignContactsSchema } } },
    async (req) => ctx.captureQueries.foreignContacts(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/capture/contacts',
    { schema: { tags, body: ForeignContactBody, response: { 201: ForeignContactChangedSchema } } },
    async (req, reply) => {
      const actor = await requireActor(ctx, req);
      const { id, rescan } = await ctx.capture.addForeignContact(actor, req.body);
      return reply.status(201).send({ contact: await ctx.captureQueries.foreignContact(actor, id), rescan });
    },
  );
  app.put(
    '/api/v1/capture/contacts/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: ForeignContactEditBody,
        response: { 200: ForeignContactChangedSchema },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { id, rescan } = await ctx.capture.editForeignContact(actor, req.params.id, req.body);
      return { contact: await ctx.captureQueries.foreignContact(actor, id), rescan };
    },
  );
  app.post(
    '/api/v1/capture/contacts/:id/retire',
    {
      schema: {
        tags,
        params: IdParams,
        body: ForeignContactRetireBody,
        response: { 200: ForeignContactChangedSchema },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { id, rescan } = await ctx.capture.retireForeignContact(actor, req.params.id, req.body.reason);
      return { contact: await ctx.captureQueries.foreignContact(actor, id), rescan };
    },
  );
  app.put(
    '/api/v1/capture/covered/:id',
    {
      schema: {
        tags,
        params: IdParams,
        body: SetCoveredBody,
        response: { 200: CoveredSetSchema },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const { userId } = await ctx.capture.setCovered(actor, req.params.id, req.body.covered);
      return ctx.captureQueries.coverage(actor, userId);
    },
  );

  /**
   * Upload an export (multipart: kind, account, owner, optional columns and official, then the
   * file). Before any of the body is read (onRequest, after the session check of
   * http/auth-first.ts): the permission to import, a declared length over every kind's limit
   * (413), and the number of uploads running (429). The file is then spooled to a temp folder,
   * counted against its kind's limit as it streams (413 at the limit, reading stops), and
   * imported as the CLI does, whole or not at all. The temp folder goes on every path out.
   */
  const limits = ctx.cfg.uploadLimits;
  const largest = Math.max(...Object.values(limits));
  const gate = new UploadGate(ctx.cfg.uploadsPerPerson, ctx.cfg.uploadsTotal);
  const releases = new WeakMap<object, () => void>();
  app.post(
    '/api/v1/capture/imports',
    {
      onRequest: async (req, reply) => {
        const { actor } = await requireSession(ctx, req);
        authorize(actor, 'capture.import', 'import personal-account records');
        const declared = Number(req.headers['content-length']);
        // The form fields and multipart framing around the file take a little more than the file.
        if (Number.isFinite(declared) && declared > largest + 64 * 1024) throw uploadTooLarge(limits, null);
        const release = gate.acquire(actor.userId);
        releases.set(req, release);
        // However the exchange ends (answered, or the client gone), the place is given back.
        reply.raw.once('close', release);
      },
      onResponse: async (req) => releases.get(req)?.(),
      schema: {
        tags,
        consumes: ['multipart/form-data'],
        // Documents the form for OpenAPI. A multipart body reaches the handler as a stream of
        // parts (Fastify's body stays null), so the schema lets that through and the handler
        // checks each field as it reads it.
        body: z.preprocess((b) => b ?? undefined, ImportUploadForm.optional()),
        response: { 201: ImportResultSchema },
      },
    },
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
        for await (const part of req.parts({ limits: { fileSize: largest } })) {
          if (part.type === 'file') {
            const kind = uploadKind(fields.kind);
            // Keep the uploaded name's extension (".zip" selects the archive reader), never its path.
            path = join(dir, basename(part.filename || 'upload').replace(/[^\w.-]/g, '_'));
            const limit = limits[kind];
            let seen = 0;
            const counter = new Transform({
              transform(chunk: Buffer, _enc, cb) {
                seen += chunk.length;
                if (seen > limit) cb(uploadTooLarge(limits, kind));
                else cb(null, chunk);
              },
            });
            await pipeline(part.file, counter, createWriteStream(path));
            if (part.file.truncated) throw uploadTooLarge(limits, kind);
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
        const kind = uploadKind(fields.kind);
        if (!path) throw new ValidationError('Attach the exported file.', { field: 'file' });
        if (!fields.account || !fields.owner)
          throw new ValidationError('Fields "account" and "owner" are required.', { field: 'account' });
        const r = await ctx.capture.importFile(actor, kind, path, {
          identifier: fields.account,
          ownerEmail: fields.owner,
          official: fields.official === 'true',
          ...(fields.columns ? { columns: fields.columns } : {}),
        });
        return reply.status(201).send(r);
      } catch (err) {
        // The client went away mid-upload: nobody reads the answer, and it is no server fault.
        if (!isHotlineError(err) && req.raw.destroyed) {
          throw new HotlineError(
            400,
            'upload_interrupted',
            'The upload was interrupted',
            'The connection closed before the whole file arrived; nothing of it was kept. Send it again.',
          );
        }
        throw err;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

/** The form's kind, which must come before the file (its size limit depends on it). */
function uploadKind(raw: string | undefined): z.infer<typeof ImportFormatSchema> {
  const kind = raw as z.infer<typeof ImportFormatSchema> | undefined;
  if (!kind || !IMPORT_FORMATS.includes(kind)) {
    throw new ValidationError(
      'Field "kind" must be one of mbox, eml, x (an archive .zip), phone or csv, and come before the file.',
      { field: 'kind' },
    );
  }
  return kind;
}
