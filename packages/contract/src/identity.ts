import { z } from 'zod';
import { IdSchema, RoleSchema, TimeZoneSchema } from './common.js';

export const OfficeSchema = z.object({
  id: IdSchema,
  slug: z.string(),
  name: z.string(),
  country: z.string(),
  leaderTitle: z.string(),
  leaderName: z.string(),
  timeZone: z.string(),
  /** The administrator who created the office in the app before offices became the operator's act; null otherwise. */
  createdBy: IdSchema.nullable(),
  /**
   * Who vouched that this office speaks for its government: the server operator at the host
   * (OS user@host), or "demo seed". Null for an office made before vouching existed.
   */
  vouchedBy: z.string().nullable(),
  vouchedAt: z.string().nullable(),
  /** Set when the operator replaced this office by another for the same country and leader. */
  retiredAt: z.string().nullable(),
  replacedBy: IdSchema.nullable(),
});
export type Office = z.infer<typeof OfficeSchema>;

export const CreateOfficeBody = z.object({
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes, e.g. "us-potus"'),
  name: z.string().trim().min(3).max(200),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US, CA, FR'),
  leaderTitle: z.string().trim().min(2).max(100),
  leaderName: z.string().trim().min(2).max(200),
  timeZone: TimeZoneSchema,
});
export type CreateOfficeInput = z.infer<typeof CreateOfficeBody>;

/** The operator's change to an office (hotline offices update): only the fields given change. */
export const UpdateOfficeBody = CreateOfficeBody.pick({
  name: true,
  country: true,
  leaderTitle: true,
  leaderName: true,
  timeZone: true,
})
  .partial()
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'change at least one field');
export type UpdateOfficeInput = z.infer<typeof UpdateOfficeBody>;

export const UserSchema = z.object({
  id: IdSchema,
  officeId: IdSchema,
  email: z.string(),
  displayName: z.string(),
  title: z.string(),
  timeZone: z.string(),
  roles: z.array(RoleSchema),
  status: z.enum(['invited', 'active', 'disabled']),
  /** Interprets on calls: the schedule form offers interpreters only. */
  interpreter: z.boolean(),
});
export type User = z.infer<typeof UserSchema>;

export const DirectoryQuery = z.object({
  officeId: IdSchema.optional(),
  /** `deactivated`: list deactivated people too (shown as such on the Administration screen). */
  include: z.enum(['deactivated']).optional(),
});

export const InviteUserBody = z.object({
  officeId: IdSchema,
  email: z.email({ error: 'must be an email address such as name@example.gov' }).max(320),
  displayName: z.string().trim().min(2).max(200),
  title: z.string().trim().min(2).max(200),
  timeZone: TimeZoneSchema,
  roles: z.array(RoleSchema).min(1, 'give the user at least one role').max(9),
});
export type InviteUserInput = z.infer<typeof InviteUserBody>;

export const InviteCreatedSchema = z.object({
  user: UserSchema,
  inviteUrl: z.string(),
  expiresAt: z.string(),
});

export const SetRolesBody = z.object({ roles: z.array(RoleSchema).min(1).max(9) });

/** Mark a person as an interpreter (the schedule form offers them on calls), or not. */
export const SetInterpreterBody = z.object({ interpreter: z.boolean() });

/** A role given to a person, as a record: who asked, who confirmed, when. */
export const RoleGrantSchema = z.object({
  id: IdSchema,
  userId: IdSchema,
  userName: z.string(),
  role: RoleSchema,
  /** null: the operator (CLI) or the demo seed. */
  grantedBy: IdSchema.nullable(),
  grantedByName: z.string().nullable(),
  grantedAt: z.string(),
  confirmedBy: IdSchema.nullable(),
  confirmedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type RoleGrant = z.infer<typeof RoleGrantSchema>;

export const InviteInfoSchema = z.object({
  displayName: z.string(),
  email: z.string(),
  officeName: z.string(),
  expiresAt: z.string(),
});

export const MeSchema = z.object({
  user: UserSchema,
  office: OfficeSchema,
  permissions: z.array(z.string()),
  session: z.object({ expiresAt: z.string(), method: z.enum(['passkey', 'demo']) }),
});
export type Me = z.infer<typeof MeSchema>;

export const PasskeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** SimpleWebAuthn's reading of the BE flag: 'singleDevice' or 'multiDevice'. */
  deviceType: z.string(),
  /** WebAuthn BE flag: the credential may be synced to other devices (a synced passkey). */
  backupEligible: z.boolean(),
  /** WebAuthn BS flag, as last reported: the credential is currently backed up. */
  backedUp: z.boolean(),
  /** The UV flag at registration; null for passkeys registered before it was kept. */
  userVerified: z.boolean().nullable(),
  /** The authenticator model's AAGUID, when known. */
  aaguid: z.string().nullable(),
  /** Its name from Hotline's bundled list, or "Unknown authenticator". */
  authenticator: z.string(),
  /** The attestation the authenticator gave at registration ('none' when it gave none). */
  attestation: z.object({ fmt: z.string(), verified: z.boolean() }).nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  /** Whether the device policy lets it sign its holder in under their current roles. */
  allowed: z.boolean(),
  /** Why not, when it is not allowed. */
  refusal: z.string().nullable(),
});
export type Passkey = z.infer<typeof PasskeySchema>;

export const MetaSchema = z.object({
  name: z.literal('Hotline'),
  version: z.string(),
  demo: z.boolean(),
  rpId: z.string(),
});

export const DemoPersonaSchema = z.object({
  userId: IdSchema,
  displayName: z.string(),
  title: z.string(),
  roles: z.array(RoleSchema),
  officeName: z.string(),
  officeSlug: z.string(),
});
export const DemoSignInBody = z.object({ userId: IdSchema });

/** A sign-in session, as its owner or their office's administrator sees it. */
export const SessionSchema = z.object({
  id: IdSchema,
  userId: IdSchema,
  method: z.enum(['passkey', 'demo']),
  userAgent: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  expiresAt: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;

export const SessionParams = z.object({ id: IdSchema, sessionId: IdSchema });

/** A person's passkey: the person's id and the credential id (base64url). */
export const PasskeyParams = z.object({
  id: IdSchema,
  passkeyId: z.string().regex(/^[A-Za-z0-9_-]{1,1400}$/, 'must be a passkey credential id (base64url)'),
});

/** An administrator revoked a passkey: how many the person has left, and a warning at none. */
export const PasskeyRevokedSchema = z.object({
  ok: z.literal(true),
  remaining: z.number().int().nonnegative(),
  warning: z.string().nullable(),
});
export type PasskeyRevoked = z.infer<typeof PasskeyRevokedSchema>;

export const SessionsEndedSchema = z.object({ ended: z.number().int().nonnegative() });

/** An invitation not yet used, revoked or expired. */
export const PendingInviteSchema = z.object({
  id: IdSchema,
  user: UserSchema,
  createdAt: z.string(),
  createdBy: IdSchema.nullable(),
  expiresAt: z.string(),
});
export type PendingInvite = z.infer<typeof PendingInviteSchema>;

export const DeactivateUserBody = z.object({
  reason: z.string().trim().max(500).optional(),
});
