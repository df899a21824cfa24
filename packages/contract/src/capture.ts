import { z } from 'zod';
import { IdSchema } from './common.js';

/** Personal-account capture and the 20-day rule (44 U.S.C. 2209): the records officer's API. */

export const IMPORT_FORMATS = ['mbox', 'eml', 'x', 'phone', 'csv'] as const;
export const ImportFormatSchema = z.enum(IMPORT_FORMATS);

export const RULE_STATUSES = [
  'not-applicable',
  'needs-classification',
  'compliant-copied',
  'compliant-forwarded',
  'compliant-captured',
  'late',
  'due',
  'overdue',
] as const;
const Count = z.number().int().min(0);
const StatusCounts = z.partialRecord(z.enum(RULE_STATUSES), Count);
const IsoDateTime = z.string().meta({ format: 'date-time' });

/**
 * A captured item's summary as the API shows it (the classification queue): who, what, when,
 * never the body.
 */
export const CapturedItemSummarySchema = z.object({
  source: z.string().nullish(),
  from: z.string().nullish(),
  to: z.array(z.string()).nullish(),
  cc: z.array(z.string()).nullish(),
  bcc: z.array(z.string()).nullish(),
  subject: z.string().nullish(),
  messageId: z.string().nullish(),
  tweetId: z.string().nullish(),
  deletedAt: z.string().nullish(),
  number: z.string().nullish(),
  numbers: z.array(z.string()).nullish(),
  direction: z.string().nullish(),
  durationSeconds: z.number().nullish(),
  contactName: z.string().nullish(),
  locationLeak: z.boolean().nullish(),
  attachments: z
    .array(z.object({ filename: z.string(), contentType: z.string(), sha256: z.string() }))
    .nullish(),
});
export type CapturedItemSummary = z.infer<typeof CapturedItemSummarySchema>;

export const QueueItemSchema = z.object({
  id: IdSchema,
  kind: z.string(),
  occurred_at: IsoDateTime,
  summary: CapturedItemSummarySchema,
  identifier: z.string(),
  display_name: z.string(),
});
export type QueueItem = z.infer<typeof QueueItemSchema>;
export const QueueSchema = z.array(QueueItemSchema);

export const QueueQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  /** the x-next-cursor of the page before */
  after: z.string().max(100).optional(),
});

/** A classification rule (44 U.S.C. 2203(b)): what it covers, what it decides, and why. */
export const ClassificationRuleBody = z.object({
  /** a personal account's identifier; none: every account of the office */
  account: z.string().trim().min(2).max(320).nullish(),
  /** addresses, numbers or handles; an item matches when any correspondent is one; none: anyone */
  correspondents: z.array(z.string().trim().min(2).max(320)).max(500).optional(),
  from: z.iso.datetime({ offset: true }).nullish(),
  to: z.iso.datetime({ offset: true }).nullish(),
  category: z.enum(['presidential', 'personal']),
  reason: z.string().trim().min(3, 'say why, for the record').max(2000),
});
/** A rule as the records officer reviews it; the oldest rule that matches an item decides it. */
export const ClassificationRuleSchema = z.object({
  id: IdSchema,
  account: z.string().nullable(),
  correspondents: z.array(z.string()),
  from: IsoDateTime.nullable(),
  to: IsoDateTime.nullable(),
  category: z.enum(['presidential', 'personal']),
  reason: z.string(),
  createdAt: IsoDateTime,
  retiredAt: IsoDateTime.nullable(),
});
export type ClassificationRule = z.infer<typeof ClassificationRuleSchema>;
export const ClassificationRulesSchema = z.array(ClassificationRuleSchema);
/** A change to a rule: any of what it covers and decides, and why it changed (for the record). */
export const ClassificationRuleEditBody = ClassificationRuleBody.partial().extend({
  change: z.string().trim().min(3, 'say why the rule changes, for the record').max(2000),
});
export const ClassificationRuleRetireBody = z.object({
  reason: z.string().trim().min(3, 'say why, for the record').max(2000),
});
/** The rule and what it did: each item it decided, from which category to which, and its record. */
export const ClassificationRuleAppliedSchema = z.object({
  ruleId: IdSchema,
  rule: ClassificationRuleSchema,
  applied: z.array(
    z.object({
      itemId: IdSchema,
      from: z.string(),
      to: z.enum(['presidential', 'personal']),
      recordSeq: z.number().int().min(0),
    }),
  ),
});

export const ClassifyBody = z.object({
  category: z.enum(['presidential', 'personal']),
  reason: z.string().trim().min(3, 'say why, for the record').max(2000),
});
export const ClassifiedSchema = z.object({
  itemId: IdSchema,
  /** the category before this decision */
  previous: z.enum(['unknown', 'presidential', 'personal']),
  category: z.enum(['presidential', 'personal']),
  recordSeq: z.number().int().min(0),
});

export const ComplianceSummarySchema = z.object({
  total: Count,
  byStatus: StatusCounts,
  /** by the owner's display name */
  byPerson: z.record(z.string(), StatusCounts),
  byMonth: z.array(z.object({ month: z.string().regex(/^\d{4}-\d{2}$/), counts: StatusCounts })),
  dueSoon: z.array(
    z.object({
      itemId: IdSchema,
      owner: z.string(),
      account: z.string(),
      subject: z.string().nullable(),
      kind: z.string(),
      daysLeft: z.number().int(),
    }),
  ),
  /** off-channel contact: a foreign leader's number on a personal phone with no official call */
  alerts: z.array(
    z.object({
      /** 'off_channel': a conversation, its call needs a memcon; 'attempted': a missed, rejected or blocked call */
      kind: z.enum(['off_channel', 'attempted']),
      callId: IdSchema.nullable(),
      capturedItemId: IdSchema,
      leader: z.string(),
      number: z.string(),
      at: IsoDateTime,
      state: z.string().nullable(),
    }),
  ),
});

export const DeviceSourcesSchema = z.array(
  z.object({
    account: z.string(),
    sources: z.array(
      z.object({
        source: z.string(),
        posts: Count,
        flagged: Count,
        flaggedShare: z.number().min(0).max(1),
        /** posts per month, "YYYY-MM" */
        byMonth: z.record(z.string(), Count),
      }),
    ),
  }),
);

export const LocationLeaksSchema = z.array(
  z.object({
    itemId: IdSchema,
    kind: z.string(),
    account: z.string(),
    at: IsoDateTime,
    place: z.string().nullable(),
    points: z.array(z.object({ lat: z.number(), lon: z.number() })),
  }),
);

export const COVERED_VALUES = ['president', 'vice_president', 'covered_employee', 'not_covered'] as const;
export const CoveredSchema = z.enum(COVERED_VALUES);

export const RegistrySchema = z.object({
  accounts: z.array(
    z.object({
      id: IdSchema,
      kind: z.enum(['email', 'x', 'phone']),
      identifier: z.string(),
      official: z.boolean(),
      owner: z.string(),
    }),
  ),
  people: z.array(
    z.object({ id: IdSchema, display_name: z.string(), title: z.string(), covered: CoveredSchema }),
  ),
});

export const OfficialAccountBody = z.object({
  kind: z.enum(['email', 'x', 'phone']),
  identifier: z.string().trim().min(3).max(320),
  ownerId: IdSchema,
});
export const OfficialAccountSchema = z.object({
  id: IdSchema,
  kind: z.enum(['email', 'x', 'phone']),
  identifier: z.string(),
});

export const SetCoveredBody = z.object({ covered: CoveredSchema });
export const CoveredSetSchema = z.object({ userId: IdSchema, covered: CoveredSchema });

/**
 * The upload of an export, as multipart/form-data: the fields first, then the file. Described
 * here for the OpenAPI document; the server reads the parts as a stream (the file can be 1 GiB).
 */
export const ImportUploadForm = z.object({
  kind: ImportFormatSchema.meta({
    description: 'mbox, eml, x (the archive .zip), phone (SMS Backup & Restore XML) or csv',
  }),
  account: z
    .string()
    .meta({ description: 'the personal account, e.g. name@gmail.example.com, @handle or a number' }),
  owner: z.email().meta({ description: 'email of the Hotline user who owns the account' }),
  official: z.enum(['true', 'false']).optional().meta({ description: 'an official account (default false)' }),
  columns: z
    .string()
    .optional()
    .meta({ description: 'for csv: which columns hold what, e.g. date=Date,number=Number,minutes=Minutes' }),
  file: z.string().meta({ format: 'binary', description: 'the exported file (up to 1 GiB), sent last' }),
});

export const ImportResultSchema = z.object({
  importId: IdSchema,
  added: Count,
  skipped: Count,
  attachments: Count,
  /** off-channel contacts found in this import, each now a call that needs a memcon */
  offChannel: z.array(z.object({ callId: IdSchema, leader: z.string(), at: IsoDateTime })),
  /** new items decided by the office's classification rules */
  classified: Count,
  /** attempted contacts found in this import (missed, rejected, blocked calls): no memcon needed */
  attempted: z.array(z.object({ leader: z.string(), number: z.string(), at: IsoDateTime })),
});
export type ImportResultBody = z.infer<typeof ImportResultSchema>;

/** The foreign contacts directory: a foreign leader's known numbers, handles and emails. */
export const FOREIGN_CONTACT_KINDS = ['number', 'handle', 'email'] as const;
export const ForeignContactSchema = z.object({
  id: IdSchema,
  kind: z.enum(FOREIGN_CONTACT_KINDS),
  value: z.string(),
  leader: z.string(),
  country: z.string(),
  officeId: IdSchema.nullable(),
  source: z.string().nullable(),
  validFrom: IsoDateTime.nullable(),
  validTo: IsoDateTime.nullable(),
  retiredAt: IsoDateTime.nullable(),
});
export type ForeignContact = z.infer<typeof ForeignContactSchema>;
export const ForeignContactsSchema = z.array(ForeignContactSchema);
const IsoInput = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 instant like 2026-03-10T14:00:00Z',
});
export const ForeignContactBody = z.object({
  kind: z.enum(FOREIGN_CONTACT_KINDS),
  value: z.string().trim().min(2).max(320),
  leader: z.string().trim().min(2).max(200),
  country: z.string().trim().min(2).max(100),
  officeId: IdSchema.nullish(),
  source: z.string().trim().min(3, 'say where the entry comes from').max(500),
  validFrom: IsoInput.nullish(),
  validTo: IsoInput.nullish(),
});
export const ForeignContactEditBody = ForeignContactBody.partial().extend({
  reason: z.string().trim().min(3, 'say why, for the record').max(2000),
});
export const ForeignContactRetireBody = z.object({
  reason: z.string().trim().min(3, 'say why, for the record').max(2000),
});
/** A directory change and what the re-scan of everything captured raised. */
export const ForeignContactChangedSchema = z.object({
  contact: ForeignContactSchema,
  rescan: z.object({
    offChannel: z.array(z.object({ callId: IdSchema, leader: z.string(), at: IsoDateTime })),
    attempted: z.array(z.object({ leader: z.string(), number: z.string(), at: IsoDateTime })),
  }),
});

export const ComplianceListQuery = z.object({
  person: z.string().max(200).optional(),
  account: z.string().max(320).optional(),
  kind: z.string().max(40).optional(),
  /** one status or several, comma-separated (e.g. overdue,due) */
  status: z.string().max(200).optional(),
});
/** The items behind the compliance counts, each with its 20-day state and how it was decided. */
export const ComplianceListSchema = z.array(
  z.object({
    itemId: IdSchema,
    kind: z.string(),
    owner: z.string(),
    account: z.string(),
    occurredAt: IsoDateTime,
    title: z.string(),
    category: z.enum(['presidential', 'personal', 'unknown']),
    status: z.enum(RULE_STATUSES),
    deadline: IsoDateTime.nullable(),
    daysLeft: z.number().int().nullable(),
    /** days overdue, or for a late item the days it was late */
    daysOverdue: z.number().int().nullable(),
    /** where its copy was found, if it was */
    copy: z
      .object({
        at: IsoDateTime,
        route: z.enum(['copied', 'forwarded', 'captured']),
        account: z.string().nullable(),
        method: z.string().nullable(),
        via: z.string().nullable(),
      })
      .nullable(),
    trail: z.array(z.string()),
  }),
);
export type ComplianceListItem = z.infer<typeof ComplianceListSchema>[number];

/** One captured item as the records officer opens it. */
export const CapturedItemViewSchema = z.object({
  itemId: IdSchema,
  kind: z.string(),
  account: z.string(),
  occurredAt: IsoDateTime,
  category: z.enum(['presidential', 'personal', 'unknown']),
  headers: z.object({
    from: z.string().nullable(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    bcc: z.array(z.string()),
    subject: z.string().nullable(),
    messageId: z.string().nullable(),
  }),
  title: z.string(),
  /** the text of the archived original; null when it cannot be read (or is sealed: see `sealed`) */
  body: z.string().nullable(),
  /**
   * Present when the body is sealed: the server holds only the archive's public key (a split
   * archive key), and opening the original needs `threshold` of the `of` custodians' shares.
   */
  sealed: z
    .object({ keyId: z.string(), threshold: z.number().int().nullable(), of: z.number().int().nullable() })
    .optional(),
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), sha256: z.string() })),
  twentyDay: ComplianceListSchema.element.nullable(),
});
export type CapturedItemView = z.infer<typeof CapturedItemViewSchema>;

/**
 * Custodians' shares of the archive key, for one act (opening a sealed item, a transfer): the
 * text of each share file as its custodian brought it.
 */
export const KeySharesBody = z.object({
  shares: z.array(z.string().min(1).max(4096)).min(1).max(255),
});
