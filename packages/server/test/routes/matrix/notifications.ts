import { NOTIFICATION_KINDS, NotificationListSchema, NotificationPreferencesSchema } from '@hotline/contract';
import { expect } from 'vitest';
import { detail, type MatrixWorld, type RouteTable } from './harness.js';

const kinds = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { inApp: true, email: k !== 'review' }]));

/** A person's own notifications and choices: every signed-in person, for themselves only. */
export const notificationRoutes = (_w: MatrixWorld): RouteTable => ({
  'GET /api/v1/notifications': [
    {
      what: 'my notifications with the unread count',
      access: 'signed-in',
      request: () => ({ method: 'GET', url: '/api/v1/notifications' }),
      body: detail(NotificationListSchema),
    },
  ],
  'POST /api/v1/notifications/read': [
    {
      what: 'marking all my notifications read',
      access: 'signed-in',
      request: () => ({ method: 'POST', url: '/api/v1/notifications/read', payload: { all: true } }),
      body: (res) => expect(res.json()).toEqual({ unread: 0 }),
    },
  ],
  'GET /api/v1/notifications/preferences': [
    {
      what: 'my notification choices',
      access: 'signed-in',
      request: () => ({ method: 'GET', url: '/api/v1/notifications/preferences' }),
      body: detail(NotificationPreferencesSchema),
    },
  ],
  'PUT /api/v1/notifications/preferences': [
    {
      what: 'choosing my notifications',
      access: 'signed-in',
      request: () => ({ method: 'PUT', url: '/api/v1/notifications/preferences', payload: { kinds } }),
      body: (res) => {
        const p = NotificationPreferencesSchema.parse(res.json());
        expect(p.kinds.review).toEqual({ inApp: true, email: false });
      },
    },
  ],
});
