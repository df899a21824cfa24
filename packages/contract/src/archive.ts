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
  /**
   * Matches counted: all of them when `totalExact`, else the search window (2,000): there are
   * more, about `estimatedTotal` (the planner's estimate), and the results are the best of the
   * newest 2,000 matches. Pages reach as far as `total`.
   */
  total: z.number().int(),
  totalExact: z.boolean(),
  estimatedTotal: z.number().int().nullable(),
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

export const DisposedSchema = z.object({
  itemId: IdSchema,
  disposalId: IdSchema,
  recordSeq: z.number().int(),
});
export const DisposeBody = z.object({ reason: z.string().trim().min(1).max(2000) });

/** 44 U.S.C. 2203(b) personal records; non-record copies (the record copy kept). */
export const DISPOSAL_BASES = ['personal', 'non_record_copy'] as const;
export const DisposalRequestBody = z.object({
  itemId: IdSchema,
  basis: z.enum(DISPOSAL_BASES),
  reason: z.string().trim().min(1).max(2000),
  /** The Archivist's views in writing (2203(c)–(e)) and the day they were given. */
  archivistViews: z.string().trim().min(1).max(10_000),
  archivistViewsOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar day, YYYY-MM-DD'),
});
export const DisposalRequestedSchema = z.object({
  id: IdSchema,
  itemId: IdSchema,
  eligibleOn: z.string(),
  recordSeq: z.number().int(),
});
export const DISPOSAL_STATUSES = ['waiting', 'held', 'ready', 'disposed', 'withdrawn'] as const;
export const DisposalRequestsSchema = z.array(
  z.object({
    id: IdSchema,
    itemId: IdSchema,
    basis: z.enum(DISPOSAL_BASES),
    keptCopyId: IdSchema.nullable(),
    reason: z.string(),
    archivistViews: z.string(),
    archivistViewsOn: z.string(),
    eligibleOn: z.string(),
    requestedBy: IdSchema,
    requestedAt: IsoDateTime,
    recordSeq: z.number().int(),
    /** waiting (the period runs until eligibleOn), held (a legal hold blocks it), ready, disposed, withdrawn. */
    status: z.enum(DISPOSAL_STATUSES),
    /** The waiting period has run (today is eligibleOn or later). */
    waitingPeriodOver: z.boolean(),
    /** What the item is, while its content exists (null once purged: the log keeps its entry). */
    item: z.object({ title: z.string(), kind: z.string(), occurredAt: IsoDateTime }).nullable(),
    /** Active legal holds on the item (they block the purge). */
    holds: z.array(z.object({ id: IdSchema, matter: z.string() })),
    disposedAt: IsoDateTime.nullable(),
    disposedSeq: z.number().int().nullable(),
    withdrawnAt: IsoDateTime.nullable(),
    withdrawnReason: z.string().nullable(),
    withdrawnSeq: z.number().int().nullable(),
  }),
);
export const WithdrawDisposalBody = z.object({ reason: z.string().trim().min(1).max(2000) });
export const DisposalWithdrawnSchema = z.object({
  id: IdSchema,
  itemId: IdSchema,
  recordSeq: z.number().int(),
});

/** A calendar day, YYYY-MM-DD. */
const CalendarDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a calendar day, YYYY-MM-DD');

/** 44 U.S.C. 2205(2): a court, the Congress, the incumbent or a former President; FOIA once records open. */
export const REQUESTER_KINDS = [
  'court',
  'congress',
  'incumbent_president',
  'former_president',
  'foia',
] as const;
export const NOTICE_PARTIES = ['incumbent_president', 'former_president'] as const;

export const FileAccessRequestBody = z.object({
  requesterKind: z.enum(REQUESTER_KINDS),
  requester: z.string().trim().min(1).max(300),
  legalBasis: z.string().trim().min(1).max(2000),
  scope: PlaceHoldBody.shape.scope,
  receivedOn: CalendarDay,
  /** Set by the court, the Congress or the President; FOIA requests default to 20 working days. */
  dueOn: CalendarDay.optional(),
});
export const AccessRequestFiledSchema = z.object({
  id: IdSchema,
  dueOn: CalendarDay,
  recordSeq: z.number().int(),
});
export const AccessNoticeBody = z.object({ party: z.enum(NOTICE_PARTIES), notifiedOn: CalendarDay });
export const AccessNoticeSchema = z.object({
  requestId: IdSchema,
  noticeExpiresOn: CalendarDay.nullable(),
  recordSeq: z.number().int(),
});
export const ExtendNoticeBody = z.object({
  workingDays: z.number().int().min(1).max(30),
  reason: z.string().trim().min(1).max(2000),
});
export const ExtendedNoticeSchema = z.object({
  requestId: IdSchema,
  extendedTo: CalendarDay,
  recordSeq: z.number().int(),
});
export const AccessRequestSchema = z.object({
  id: IdSchema,
  requesterKind: z.enum(REQUESTER_KINDS),
  requester: z.string(),
  legalBasis: z.string(),
  scopeKind: z.enum(['search', 'records']),
  scopeSearch: ArchiveSearchSchema.nullable(),
  scopeRecords: z.array(ArchiveRefSchema).nullable(),
  receivedOn: CalendarDay,
  dueOn: CalendarDay,
  status: z.string(),
  noticeExpiresOn: CalendarDay.nullable(),
  extensionDays: z.number().int().nullable(),
  extendedTo: CalendarDay.nullable(),
  notices: z.array(z.object({ party: z.string(), notifiedOn: CalendarDay, recordSeq: z.number().int() })),
  /** The nearer of the due date and the 2208 clock, with working days left (negative: late). */
  next: z.object({
    date: CalendarDay,
    workingDaysLeft: z.number().int(),
    which: z.enum(['due', 'notice']),
  }),
});
export const AccessRequestQueueSchema = z.array(AccessRequestSchema);

/** 44 U.S.C. 2204(a)(1)–(6) restriction categories and FOIA exemptions 5 U.S.C. 552(b)(1)–(9). */
export const REDACTION_REASONS = [
  '(a)(1)',
  '(a)(2)',
  '(a)(3)',
  '(a)(4)',
  '(a)(5)',
  '(a)(6)',
  '(b)(1)',
  '(b)(2)',
  '(b)(3)',
  '(b)(4)',
  '(b)(5)',
  '(b)(6)',
  '(b)(7)',
  '(b)(8)',
  '(b)(9)',
] as const;
export const RedactionReasonSchema = z.enum(REDACTION_REASONS);

/** A redaction: words to take out wherever they occur, or a span of the record's text. */
export const RedactionSchema = z.union([
  z.object({ text: z.string().trim().min(1).max(2000), reason: RedactionReasonSchema }),
  z.object({ start: z.number().int().min(0), end: z.number().int().min(1), reason: RedactionReasonSchema }),
]);

export const RedactBody = z.object({
  redactions: z.array(RedactionSchema).min(1).max(500),
  /** The access request the copy is made for (its export holds the copies made under it). */
  requestId: IdSchema.optional(),
});

export const RedactedCopySchema = ArchiveRefSchema.extend({
  id: IdSchema,
  requestId: IdSchema.nullable(),
  title: z.string(),
  body: z.string(),
  redactions: z.array(
    z.object({
      field: z.enum(['title', 'body']),
      start: z.number().int(),
      end: z.number().int(),
      length: z.number().int(),
      reason: z.string(),
    }),
  ),
  recordSeq: z.number().int(),
});
export const RedactedCopiesSchema = z.array(
  RedactedCopySchema.extend({ createdBy: IdSchema, createdAt: IsoDateTime }),
);

/** Start a transfer to the national archive from the records screen: the scope is a search. */
export const TransferStartBody = z.object({
  search: ArchiveSearchSchema,
  /** Payload bytes per bag at most (default 1 GB). */
  bagBytes: z
    .number()
    .int()
    .min(1024)
    .max(2 ** 50)
    .optional(),
  /**
   * On a split archive key: the text of k custodians' share files, which open the sealed
   * content for this transfer only (the opening is a record naming them).
   */
  shares: z.array(z.string().min(1).max(4096)).max(255).optional(),
});

export const TransferBagSchema = z.object({
  name: z.string(),
  items: z.number().int(),
  records: z.number().int(),
  octets: z.number().int(),
  files: z.number().int(),
});

/** A transfer the server runs: where it writes, how far it is, and what it wrote. */
export const TransferJobSchema = z.object({
  id: z.string(),
  status: z.enum(['running', 'done', 'failed']),
  /** The folder on the server the bags are written to. */
  dir: z.string(),
  search: ArchiveSearchSchema,
  startedAt: IsoDateTime,
  startedBy: z.string(),
  done: z.number().int(),
  /** Entries of the scope at the checkpoint; 0 until the transfer has counted them. */
  total: z.number().int(),
  bag: z.string().nullable(),
  bags: z.array(TransferBagSchema),
  items: z.number().int(),
  records: z.number().int(),
  checkpointSize: z.number().int().nullable(),
  recordSeq: z.number().int().nullable(),
  /**
   * The transfer's own id, once done: the one its log records, its bags and its sealed entries
   * ("sealed after transfer <id>") name.
   */
  transferId: z.string().nullable(),
  /** The command that checks the bags, to run on the server (or wherever the bags go). */
  verifyCommand: z.string(),
  error: z.string().nullable(),
  /**
   * Sealing what was transferred (`hotline archive seal-transferred`), once started from the
   * records screen: null until then.
   */
  seal: z
    .object({
      status: z.enum(['running', 'done', 'failed']),
      /** verify: the bags are checked against the log; seal: index entries are being sealed */
      phase: z.enum(['verify', 'seal']),
      done: z.number().int(),
      total: z.number().int(),
      /** the office's index entries the bags hold (known once verified) */
      entries: z.number().int(),
      /** sealed by this run */
      sealed: z.number().int(),
      /** sealed before this run */
      already: z.number().int(),
      startedBy: z.string(),
      error: z.string().nullable(),
    })
    .nullable(),
  /** The command that seals the same transfer on the server (for a transfer the screen no longer knows). */
  sealCommand: z.string(),
});
export type TransferJob = z.infer<typeof TransferJobSchema>;
