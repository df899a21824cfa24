import { z } from 'zod';
import { IdSchema } from './common.js';

/**
 * Notifications: the next person in a call's chain learns that a step waits for them, in the app
 * (live over /api/v1/live) and by email when the server has an SMTP server. A notification names
 * only the kind of step and the call it is on: never a call's subject or any classified text.
 */
export const NOTIFICATION_KINDS = ['review', 'schedule', 'briefing', 'call', 'memcon', 'readout'] as const;
export const NotificationKindSchema = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKindSchema>;

/** What each kind is about, for the preferences form. */
export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = {
  review: 'A request to review',
  schedule: 'A call to schedule',
  briefing: 'A briefing to write or approve',
  call: 'A call to connect or take',
  memcon: 'A memcon to draft or finalize',
  readout: 'A readout to draft, approve or publish',
};

export const NotificationSchema = z.object({
  id: IdSchema,
  kind: NotificationKindSchema,
  /** The step expected, e.g. "Review the request". */
  step: z.string(),
  callId: IdSchema.nullable(),
  /** Where the step is taken, in the web app (e.g. /app/calls/…). */
  link: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type Notification = z.infer<typeof NotificationSchema>;

export const NotificationListSchema = z.object({
  items: z.array(NotificationSchema),
  unread: z.number().int(),
});
export type NotificationList = z.infer<typeof NotificationListSchema>;

export const MarkNotificationsReadBody = z
  .object({
    /** These notifications; or `all: true` for every unread one. */
    ids: z.array(IdSchema).max(500).optional(),
    all: z.boolean().optional(),
  })
  .refine((b) => (b.ids?.length ?? 0) > 0 || b.all === true, {
    message: 'name the notifications to mark read in "ids", or send "all": true',
  });

export const ChannelChoiceSchema = z.object({ inApp: z.boolean(), email: z.boolean() });

export const NotificationPreferencesSchema = z.object({
  kinds: z.object(
    Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, ChannelChoiceSchema])) as Record<
      NotificationKind,
      typeof ChannelChoiceSchema
    >,
  ),
  /** True when the server sends email (HOTLINE_SMTP_URL is set). */
  emailAvailable: z.boolean(),
});
export type NotificationPreferences = z.infer<typeof NotificationPreferencesSchema>;

export const NotificationPreferencesBody = NotificationPreferencesSchema.pick({ kinds: true });
