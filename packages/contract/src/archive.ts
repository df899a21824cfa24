import { z } from 'zod';
import { RULE_STATUSES } from './capture.js';
import { IdSchema } from './common.js';

/** The archive at work: search, legal holds and access history (records officer). */

export const ARCHIVE_REF_KINDS = [
  'call',
  'briefing',
  'memcon',
  'readout',
  'call_log',
  'captured_item',
] as const;
export const ArchiveRefKindSchema = z.enum(ARCHIVE_REF_KINDS);
const IsoDateTime = z.string().meta({ format: 'date-time' });

/**
 * A search. `q` is web-search syntax ("a phrase", -excluded, or) with `word*` for a prefix;
 * names also match by trigram similarity (misspelled correspondents). Filters narrow it.
 */
export const ArchiveSearchSchema = z.object({
  q: z.string().max(500).optional(),
  person: IdSchema.optional(),
  account: IdSchema.optional(),
  kind: z.string().max(40).optional(),
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  classification: z.string().max(40).optional(),
  twentyDay: z.enum(RULE_STATUSES).optional(),
  held: z.boolean().optional(),
});
export type ArchiveSearch = z.infer<typeof ArchiveSearchSchema>;

export const ArchiveSearchBody = ArchiveSearchSchema.extend({
  page: z.number().int().min(1).max(10_000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});

export const ArchiveRefSchema = z.object({ refKind: ArchiveRefKindSchema, refId: IdSchema });
export type ArchiveRef = z.infer<typeof ArchiveRefSchema>;

/** Where a record sits in the records log. */
const Provenance = z.object({ seq: z.number().int().nullable(), sequencedAt: IsoDateTime.nullable() });

export const ArchiveHitSchema = ArchiveRefSchema.extend({
  kind: z.string(),
  callId: IdSchema.nullable(),
  title: z.string(),
  /** Plain text; matched words are between U+0002 and U+0003 (never HTML). */
  snippet: z.string(),
  rank: z.number(),
  occurredAt: IsoDateTime,
  classification: z.string().nullable(),
  held: z.boolean(),
  provenance: Provenance,
});

export const ArchiveResultsSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  hits: z.array(ArchiveHitSchema),
  /** The records-log entry of this search. */
  recordSeq: z.number().int(),
});

export const ArchiveRecordSchema = ArchiveRefSchema.extend({
  kind: z.string(),
  callId: IdSchema.nullable(),
  title: z.string(),
  body: z.string(),
  names: z.string(),
  occurredAt: IsoDateTime,
  classification: z.string().nullable(),
  provenance: Provenance.extend({ recordKind: z.string().nullable() }),
  holds: z.array(z.object({ id: IdSchema, matter: z.string() })),
  /** The records-log entry of this view. */
  recordSeq: z.number().int(),
});

export const ArchiveAccessSchema = z.array(
  z.object({
    action: z.string(),
    actorId: IdSchema,
    actorName: z.string().nullable(),
    at: IsoDateTime,
    recordSeq: z.number().int(),
  }),
);

export const PlaceHoldBody = z.object({
  matter: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(1).max(2000),
  scope: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('search'), search: ArchiveSearchSchema }),
    z.object({ kind: z.literal('records'), records: z.array(ArchiveRefSchema).min(1).max(1000) }),
  ]),
});

export const ReleaseHoldBody = z.object({ reason: z.string().trim().min(1).max(2000) });

export const LegalHoldSchema = z.object({
  id: IdSchema,
  matter: z.string(),
  reason: z.string(),
  scopeKind: z.enum(['search', 'records']),
  scopeSearch: ArchiveSearchSchema.nullable(),
  placedBy: IdSchema,
  placedAt: IsoDateTime,
  recordSeq: z.number().int(),
  releasedBy: IdSchema.nullable(),
  releasedAt: IsoDateTime.nullable(),
  releaseReason: z.string().nullable(),
  items: z.number().int(),
});
export const LegalHoldsSchema = z.array(LegalHoldSchema);

export const DisposedSchema = z.object({ itemId: IdSchema, recordSeq: z.number().int() });
export const DisposeBody = z.object({ reason: z.string().trim().min(1).max(2000) });
