import { z } from 'zod';
import { ROLES } from './roles.js';

export const RoleSchema = z.enum(ROLES);

export const IdSchema = z.uuid({ error: 'must be a UUID like 0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a' });
export const IdParams = z.object({ id: IdSchema });

/** An IANA time zone name that this runtime knows. */
export const TimeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as America/New_York or Europe/Paris' },
);

/** RFC 9457 problem details, as every error response. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    code: z.string(),
  })
  .catchall(z.unknown());
export type Problem = z.infer<typeof ProblemSchema>;

export const OkSchema = z.object({ ok: z.literal(true) });

/** GET /healthz: the process is up. */
export const HealthSchema = z.object({ status: z.literal('ok') });
/** GET /readyz: the database answers and every migration is applied (else 503 problem+json). */
export const ReadySchema = z.object({
  status: z.literal('ready'),
  database: z.enum(['pglite', 'postgres']),
  /** With a witness policy: what is served, what waits for cosignatures, and which witnesses fail. */
  witnesses: z
    .object({
      servedSize: z.number().int().nullable(),
      latestSize: z.number().int().nullable(),
      quorum: z.string(),
      failing: z.array(z.object({ name: z.string(), error: z.string() })),
    })
    .optional(),
});
