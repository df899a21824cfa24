import {
  MarkNotificationsReadBody,
  NotificationListSchema,
  NotificationPreferencesBody,
  NotificationPreferencesSchema,
} from '@hotline/contract';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';

/** A person's own notifications: the list with the unread count, mark read, and their choices. */
export function notificationRoutes(app: App, ctx: AppContext): void {
  const tags = ['notifications'];
  const { notifications, notificationQueries: queries } = ctx;
  app.get(
    '/api/v1/notifications',
    { schema: { tags, response: { 200: NotificationListSchema } } },
    async (req) => queries.list(await requireActor(ctx, req)),
  );
  app.post(
    '/api/v1/notifications/read',
    {
      schema: {
        tags,
        body: MarkNotificationsReadBody,
        response: { 200: z.object({ unread: z.number().int() }) },
      },
    },
    async (req) => {
      const actor = await requireActor(ctx, req);
      const unread = await notifications.markRead(actor, req.body.all ? 'all' : (req.body.ids ?? []));
      return { unread };
    },
  );
  app.get(
    '/api/v1/notifications/preferences',
    { schema: { tags, response: { 200: NotificationPreferencesSchema } } },
    async (req) => queries.preferences(await requireActor(ctx, req)),
  );
  app.put(
    '/api/v1/notifications/preferences',
    { schema: { tags, body: NotificationPreferencesBody, response: { 200: NotificationPreferencesSchema } } },
    async (req) => {
      const actor = await requireActor(ctx, req);
      await notifications.setPreferences(actor, req.body.kinds);
      return queries.preferences(actor);
    },
  );
}
