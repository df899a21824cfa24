import type {
  Notification,
  NotificationKind,
  NotificationList,
  NotificationPreferences,
} from '@hotline/contract';
import { type Actor, authorize } from '../policy/policy.js';
import type { Db, NotificationRow } from './repository.js';
import * as repo from './repository.js';
import { choicesFrom, linkFor } from './rules.js';

export function toNotification(r: NotificationRow): Notification {
  return {
    id: r.id,
    kind: r.kind as NotificationKind,
    step: r.step,
    callId: r.call_id,
    link: linkFor(r.call_id),
    createdAt: r.created_at.toISOString(),
    readAt: r.read_at ? r.read_at.toISOString() : null,
  };
}

/** A person's own notifications and choices. */
export class NotificationQueries {
  constructor(
    private readonly db: Db,
    private readonly emailAvailable: boolean,
  ) {}

  /** The latest 100 in the app, newest first, with the unread count. */
  async list(actor: Actor): Promise<NotificationList> {
    authorize(actor, 'profile.read', 'see your notifications');
    const [rows, unread] = await Promise.all([
      repo.listForUser(this.db, actor.userId, 100),
      repo.unreadCount(this.db, actor.userId),
    ]);
    return { items: rows.map(toNotification), unread };
  }

  async preferences(actor: Actor): Promise<NotificationPreferences> {
    authorize(actor, 'profile.read', 'see your notification choices');
    const stored = await repo.choicesOf(this.db, [actor.userId]);
    return { kinds: choicesFrom(stored.get(actor.userId)), emailAvailable: this.emailAvailable };
  }
}
