import { z } from 'zod';
import { IdSchema, TimeZoneSchema } from './common.js';

export const CALL_STATES = [
  'requested',
  'under_review',
  'approved',
  'scheduled',
  'briefed',
  'in_progress',
  'completed',
  'memcon_draft',
  'memcon_final',
  'readout_published',
  'readout_waived',
  'closed',
  'declined',
  'withdrawn',
  'cancelled',
] as const;
export const CallStateSchema = z.enum(CALL_STATES);
export type CallState = z.infer<typeof CallStateSchema>;

export const UrgencySchema = z.enum(['routine', 'priority', 'flash']);
export const ChannelSchema = z.enum(['hotline', 'secure_line', 'off_channel']);

const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'must be a local date and time like 2026-03-10T09:00');

export const ProposedWindowSchema = z
  .object({ start: LocalDateTime, end: LocalDateTime })
  .refine((w) => w.end > w.start, { message: 'the window must end after it starts', path: ['end'] });

export const CreateCallRequestBody = z.object({
  /** The office whose leader is asked for the call (for a liaison: the host office). */
  ownerOfficeId: IdSchema,
  counterpartOfficeId: IdSchema.optional(),
  counterpartLeader: z
    .string()
    .trim()
    .min(3, 'name the counterpart leader, e.g. "Prime Minister Mark Carney"')
    .max(200),
  counterpartCountry: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as CA'),
  purpose: z.string().trim().min(10, 'say in a sentence why the call is needed').max(2000),
  topics: z.array(z.string().trim().min(2).max(200)).min(1, 'list at least one topic').max(20),
  urgency: UrgencySchema,
  language: z.string().trim().min(2).max(50),
  requesterZone: TimeZoneSchema,
  proposedWindows: z.array(ProposedWindowSchema).min(1, 'propose at least one time window').max(10),
});
export type CreateCallRequestInput = z.infer<typeof CreateCallRequestBody>;

export const LogOffChannelBody = z.object({
  ownerOfficeId: IdSchema,
  counterpartOfficeId: IdSchema.optional(),
  counterpartLeader: z.string().trim().min(3).max(200),
  counterpartCountry: z.string().regex(/^[A-Z]{2}$/),
  start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant like 2026-03-10T14:05:00Z' }),
  end: z.iso.datetime({ offset: true }),
  participants: z.array(z.string().trim().min(2).max(200)).min(1).max(20),
  summary: z.string().trim().min(10).max(5000),
});

export const TransitionBody = z.object({
  action: z.string().min(2).max(40),
  reason: z.string().trim().max(2000).optional(),
  /** The version the person saw; a stale version is refused (409) so nobody overwrites a change. */
  expectedVersion: z.number().int().min(0).optional(),
});

export const ReviewBody = z.object({
  recommendation: z.enum(['approve', 'decline', 'defer']),
  notes: z.string().trim().min(5).max(5000),
  risks: z.string().trim().max(5000).default(''),
  /** The offices and desks that cleared this review, e.g. "Legal Adviser", "Regional desk (Europe)". */
  clearances: z
    .array(z.string().trim().min(2, 'name the office or desk, e.g. "Legal Adviser"').max(200))
    .max(30)
    .default([]),
});

export const ScheduleBody = z.object({
  start: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 instant like 2026-03-10T14:00:00Z' }),
  durationMin: z.number().int().min(5).max(240),
  channel: ChannelSchema.exclude(['off_channel']),
  principalId: IdSchema,
  counterpartPrincipalId: IdSchema.optional(),
  interpreterIds: z.array(IdSchema).max(4).default([]),
  listenerIds: z.array(IdSchema).max(10).default([]),
  /** The version the person saw; a stale version is refused (409) so nobody overwrites a change. */
  expectedVersion: z.number().int().min(0).optional(),
});

/**
 * The counterpart office's answer to the time the host scheduled: it accepts it, or proposes
 * another start (an ISO instant) with a note. A reschedule asks again.
 */
export const ScheduleAnswerBody = z
  .object({
    answer: z.enum(['accepted', 'proposed']),
    proposedStart: z.iso
      .datetime({ offset: true, error: 'must be an ISO 8601 instant like 2026-03-10T14:00:00Z' })
      .optional(),
    note: z.string().trim().max(2000).default(''),
    expectedVersion: z.number().int().min(0).optional(),
  })
  .refine((b) => b.answer === 'accepted' || !!b.proposedStart, {
    message: 'propose a start time, e.g. 2026-03-10T14:00:00Z',
    path: ['proposedStart'],
  });

/** A listener's private notes on a call (the start of their memcon draft). */
export const CallNotesBody = z.object({ body: z.string().max(50_000) });
export const CallNotesSchema = z.object({ body: z.string(), savedAt: z.string().optional() });
export type CallNotes = z.infer<typeof CallNotesSchema>;

/** The secretariat's record of who was on a secure-line call. */
export const CallLogBody = z.object({
  entries: z
    .array(
      z.object({
        name: z.string().trim().min(2, 'name the person, e.g. "Prime Minister Mark Carney"').max(200),
        kind: z.enum(['joined', 'listened']),
        /** When; left out: now while the call is in progress, its start after it. */
        at: z.iso
          .datetime({ offset: true, error: 'must be an ISO 8601 instant like 2026-03-10T14:05:00Z' })
          .optional(),
      }),
    )
    .min(1, 'record at least one person')
    .max(50),
});

export const BriefingBody = z.object({
  backgroundMd: z.string().max(50_000),
  objectivesMd: z.string().max(50_000),
  talkingPointsMd: z.string().max(50_000),
});

export const MemconParagraphSchema = z.object({
  speaker: z.string().trim().min(1).max(200),
  marking: z.string().trim().min(1).max(40),
  text: z.string().max(20_000),
});

export const MemconBody = z.object({
  classification: z.string().trim().min(1).max(80),
  subject: z.string().trim().min(5).max(300),
  participants: z.array(z.string().trim().min(2).max(300)).min(1).max(40),
  notetakers: z.array(z.string().trim().min(2).max(300)).max(20),
  dateTimePlace: z.string().trim().min(5).max(300),
  paragraphs: z.array(MemconParagraphSchema).min(1).max(500),
  distribution: z.array(z.string().trim().min(2).max(200)).max(100),
  classifiedBy: z.string().trim().max(200).default(''),
  derivedFrom: z.string().trim().max(200).default(''),
  declassifyOn: z.string().trim().max(100).default(''),
  /** For a correction of a final memcon: why. */
  correctionReason: z.string().trim().max(2000).optional(),
});
export type MemconInput = z.infer<typeof MemconBody>;

export const ReadoutBody = z.object({
  title: z.string().trim().min(10).max(300),
  bodyMd: z.string().trim().min(20).max(50_000),
});

/** A readout drafted from the final memcon's unclassified paragraphs, for the press to edit and save. */
export const ReadoutDraftSchema = z.object({ title: z.string(), bodyMd: z.string() });

export const CallSummarySchema = z.object({
  id: IdSchema,
  state: CallStateSchema,
  urgency: UrgencySchema,
  channel: ChannelSchema.nullable(),
  ownerOfficeId: IdSchema,
  ownerOfficeName: z.string(),
  requestingOfficeId: IdSchema,
  counterpartLeader: z.string(),
  counterpartCountry: z.string(),
  purpose: z.string(),
  topics: z.array(z.string()),
  scheduledStart: z.string().nullable(),
  durationMin: z.number().nullable(),
  memconDueAt: z.string().nullable(),
  readoutDueAt: z.string().nullable(),
  overdue: z.array(z.enum(['memcon', 'readout'])),
  updatedAt: z.string(),
  version: z.number(),
  /**
   * In the inbox: what is expected of this person on the call, each step with its deadline (null
   * when the step has none), e.g. "Draft the memcon" by the memcon's due date.
   */
  needed: z.array(z.object({ step: z.string(), by: z.string().nullable() })).optional(),
});
export type CallSummary = z.infer<typeof CallSummarySchema>;

export const TimelineItemSchema = z.object({
  at: z.string(),
  kind: z.enum(['transition', 'review', 'briefing', 'memcon', 'readout', 'log', 'deadline']),
  label: z.string(),
  actor: z.string().nullable(),
  fromState: z.string().nullable().optional(),
  toState: z.string().nullable().optional(),
  reason: z.string().nullable().optional(),
  recordSeq: z.number().nullable(),
  future: z.boolean().optional(),
});

export const CallDetailSchema = CallSummarySchema.extend({
  requestedBy: z.object({ id: IdSchema, name: z.string() }),
  language: z.string(),
  requesterZone: z.string(),
  proposedWindows: z.array(z.object({ start: z.string(), end: z.string() })),
  counterpartOfficeId: IdSchema.nullable(),
  principal: z.object({ id: IdSchema, name: z.string(), timeZone: z.string() }).nullable(),
  counterpartPrincipal: z.object({ id: IdSchema, name: z.string(), timeZone: z.string() }).nullable(),
  interpreters: z.array(z.object({ id: IdSchema, name: z.string() })),
  listeners: z.array(z.object({ id: IdSchema, name: z.string() })),
  scheduleSequence: z.number(),
  /** When the in-app room admits its participants (the join window before the start), or null. */
  joinOpensAt: z.string().nullable(),
  /** Seconds from the server's now until then (0 when open): the browser's clock may differ. */
  joinOpensInSeconds: z.number().int().nullable(),
  actualStart: z.string().nullable(),
  actualEnd: z.string().nullable(),
  waiveReason: z.string().nullable(),
  allowedActions: z.array(z.string()),
  localTimes: z.array(z.object({ who: z.string(), zone: z.string(), text: z.string() })),
  clashes: z.array(z.object({ callId: IdSchema, counterpartLeader: z.string(), start: z.string() })),
  reviews: z.array(
    z.object({
      reviewer: z.string(),
      recommendation: z.string(),
      notes: z.string(),
      risks: z.string(),
      clearances: z.array(z.string()),
      at: z.string(),
    }),
  ),
  /**
   * Approvals from different reviewers so far, and how many this urgency needs ("1 of 2 approvals").
   * Null for the counterpart office: the host office's review is its own (so are `reviews`, empty for it).
   */
  approvals: z
    .object({
      have: z.number().int(),
      need: z.number().int(),
      /**
       * Approvals the rule leaves out, each explained: the requester's, and the reviewers an
       * administrator made during the request beyond the first (one voice per granter).
       */
      notCounted: z
        .array(
          z.object({
            reviewer: z.string(),
            reason: z.enum(['requester', 'granted_by_requester', 'same_granter']),
            detail: z.string(),
          }),
        )
        .optional(),
      /**
       * Set when the rule cannot be met by the people who may act now: how many approvals it
       * needs, who could still give one, and what to do (e.g. ask an administrator for a reviewer).
       */
      shortfall: z.string().optional(),
    })
    .nullable(),
  timeline: z.array(TimelineItemSchema),
  /** The counterpart office's answers to the scheduled time, oldest first (both offices see them). */
  scheduleAnswers: z.array(
    z.object({
      officeName: z.string(),
      by: z.string(),
      answer: z.enum(['accepted', 'proposed']),
      proposedStart: z.string().nullable(),
      note: z.string(),
      /** The schedule revision answered; an answer to an older revision is out of date. */
      scheduleSequence: z.number().int(),
      at: z.string(),
    }),
  ),
  /** Who took part: as logged for off-channel contact; else the scheduled principals, interpreters and listeners. */
  participants: z.array(z.string()),
  /** Who was on the line and when, from the in-app room or the secretariat's record. */
  callLog: z.object({
    channel: ChannelSchema.nullable(),
    actualStart: z.string().nullable(),
    actualEnd: z.string().nullable(),
    entries: z.array(
      z.object({
        at: z.string(),
        name: z.string(),
        kind: z.enum(['joined', 'left', 'listened', 'verified', 'noted']),
        detail: z.string().nullable(),
      }),
    ),
  }),
});
export type CallDetail = z.infer<typeof CallDetailSchema>;

// ------------------------------------------------------------------ artifacts

/** One briefing version, with the people who wrote and approved it. */
export const BriefingVersionSchema = z.object({
  id: IdSchema,
  callId: IdSchema,
  version: z.number().int(),
  authorId: IdSchema,
  authorName: z.string(),
  backgroundMd: z.string(),
  objectivesMd: z.string(),
  talkingPointsMd: z.string(),
  /** The three parts as sanitized HTML (raw HTML off, only http(s)/mailto links). */
  html: z.string(),
  approvedById: IdSchema.nullable(),
  approvedByName: z.string().nullable(),
  approvedAt: z.string().nullable(),
  /** Its entry in the records log. */
  recordSeq: z.number().int(),
  createdAt: z.string(),
});
export type BriefingVersion = z.infer<typeof BriefingVersionSchema>;

/** A memcon as stored (the body that was saved). */
export const MemconDocumentSchema = z.object({
  classification: z.string(),
  subject: z.string(),
  participants: z.array(z.string()),
  notetakers: z.array(z.string()),
  dateTimePlace: z.string(),
  paragraphs: z.array(z.object({ speaker: z.string(), marking: z.string(), text: z.string() })),
  distribution: z.array(z.string()),
  classifiedBy: z.string(),
  derivedFrom: z.string(),
  declassifyOn: z.string(),
  correctionReason: z.string().optional(),
});
export type MemconDocument = z.infer<typeof MemconDocumentSchema>;

/**
 * One memcon version. Versions are never changed: finalizing adds a final copy of the last
 * draft, and correcting a final memcon adds a final version that names the one it corrects.
 */
export const MemconVersionSchema = z.object({
  id: IdSchema,
  callId: IdSchema,
  version: z.number().int(),
  status: z.enum(['draft', 'final']),
  final: z.boolean(),
  authorId: IdSchema,
  authorName: z.string(),
  classification: z.string(),
  distribution: z.array(z.string()),
  document: MemconDocumentSchema,
  /** For a correction of a final memcon: the version it corrects, and why. */
  correctsVersion: z.number().int().nullable(),
  correctionReason: z.string().nullable(),
  recordSeq: z.number().int(),
  createdAt: z.string(),
});
export type MemconVersion = z.infer<typeof MemconVersionSchema>;

/** Answer to saving a memcon: the new version, and whether it corrects a final one. */
export const SavedMemconSchema = MemconVersionSchema.extend({ correction: z.boolean() });
export type SavedMemcon = z.infer<typeof SavedMemconSchema>;

/** One readout version: a draft, approved (only the latest version can be), or published. */
export const ReadoutVersionSchema = z.object({
  id: IdSchema,
  callId: IdSchema,
  version: z.number().int(),
  status: z.enum(['draft', 'approved', 'published', 'withdrawn']),
  authorId: IdSchema,
  authorName: z.string(),
  title: z.string(),
  bodyMd: z.string(),
  html: z.string(),
  approvedById: IdSchema.nullable(),
  approvedByName: z.string().nullable(),
  approvedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
  recordSeq: z.number().int(),
  createdAt: z.string(),
  /** Published and withdrawn versions: the public page's address (/readouts/<publicId>). */
  publicId: IdSchema.nullable().optional(),
  /** A correction or withdrawal: why. */
  reason: z.string().nullable().optional(),
  /** A published version a correction or withdrawal replaced: when. */
  supersededAt: z.string().nullable().optional(),
});
/** Correct a published readout: the new text and why (shown on the public page and in the feed). */
export const ReadoutCorrectionBody = z.object({
  title: z.string().trim().min(1).max(300),
  bodyMd: z.string().trim().min(1).max(50_000),
  reason: z.string().trim().min(3, 'say why the readout is corrected (the public page shows it)').max(1000),
});
/** Withdraw a published readout: why (the tombstone page shows it). */
export const ReadoutWithdrawalBody = z.object({
  reason: z.string().trim().min(3, 'say why the readout is withdrawn (the public page shows it)').max(1000),
});
export type ReadoutVersion = z.infer<typeof ReadoutVersionSchema>;

/** Every version of a call's briefing, memcon and readout, oldest first. */
export const CallArtifactsSchema = z.object({
  briefings: z.array(BriefingVersionSchema),
  memcons: z.array(MemconVersionSchema),
  readouts: z.array(ReadoutVersionSchema),
});
export type CallArtifacts = z.infer<typeof CallArtifactsSchema>;

/** Memcons and readouts due or overdue for my office (negative daysOverdue: days left). */
export const CallsDashboardSchema = z.object({
  generatedAt: z.string(),
  policy: z.object({ memconDeadlineDays: z.number().int(), readoutDeadlineDays: z.number().int() }),
  memcons: z.object({ overdue: z.number().int(), pending: z.number().int() }),
  readouts: z.object({ overdue: z.number().int(), pending: z.number().int() }),
  items: z.array(
    z.object({
      callId: IdSchema,
      counterpartLeader: z.string(),
      channel: ChannelSchema.nullable(),
      kind: z.enum(['memcon', 'readout']),
      dueAt: z.string(),
      daysOverdue: z.number().int(),
    }),
  ),
});
export type CallsDashboard = z.infer<typeof CallsDashboardSchema>;

export const CallListQuery = z.object({
  state: CallStateSchema.optional(),
  scope: z.enum(['inbox', 'upcoming', 'all']).default('all'),
});
