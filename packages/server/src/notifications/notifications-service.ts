import { type Clock, type Logger, newId } from '@hotline/common';
import type { LiveServerMessage, NotificationPreferences } from '@hotline/contract';
import type { WorkNotice } from '../calls/notices.js';
import { type Actor, authorize } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import type { Mailer } from './mailer.js';
import { toNotification } from './queries.js';
import type { Db, NotificationRow } from './repository.js';
import * as repo from './repository.js';
import { channelsFor, choicesFrom, emailFor, MAX_EMAIL_ATTEMPTS, retryDelayMs } from './rules.js';

export interface NotificationsOptions {
  publicUrl: string;
  /** Null: no HOTLINE_SMTP_URL, notifications stay in the app. */
  mailer: Mailer | null;
  from: string;
  logger: Logger;
  /** First retry delay of a failed email (doubling fourfold each time). Default 30 s. */
  retryBaseMs?: number;
}

/**
 * Notifications (issue 14 item 10): a step that came to wait for a person is written in the
 * transaction of the change that made it (record), then after the commit pushed live to each of
 * their sockets on whichever node (deliver, through the live hub's per-person channel) and, when
 * SMTP is configured and they want it, emailed from the outbox with retries. Choices and mark-read
 * are a person's own; changing one's choices is a record.
 */
export class NotificationsService {
  private push: ((userId: string, msg: LiveServerMessage) => void) | null = null;
  private sending: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly opts: NotificationsOptions,
  ) {}

  get emailAvailable(): boolean {
    return this.opts.mailer !== null;
  }

  /** Where live messages go (the live hub's notifyUser: every socket of the person, any node). */
  setPush(push: (userId: string, msg: LiveServerMessage) => void): void {
    this.push = push;
  }

  /** In the caller's transaction: the notices, each where its person wants that kind. */
  async record(tx: Db, notices: WorkNotice[]): Promise<NotificationRow[]> {
    const choices = await repo.choicesOf(tx, [...new Set(notices.map((n) => n.userId))]);
    const now = this.clock.now();
    const rows: NotificationRow[] = [];
    for (const n of notices) {
      const where = channelsFor(choicesFrom(choices.get(n.userId)), n.kind, this.emailAvailable);
      if (!where) continue;
      rows.push({
        id: newId(now.getTime()),
        user_id: n.userId,
        call_id: n.callId,
        kind: n.kind,
        step: n.step,
        in_app: where.inApp,
        created_at: now,
        read_at: null,
        email_status: where.email ? 'pending' : 'none',
        email_attempts: 0,
        email_next_at: where.email ? now : null,
        email_sent_at: null,
        email_error: null,
      });
    }
    await repo.insertNotifications(tx, rows);
    return rows;
  }

  /** After the commit: live to the people in the app, and the outbox for email. */
  deliver(stored: unknown[]): void {
    const rows = stored as NotificationRow[];
    const live = rows.filter((r) => r.in_app);
    if (live.length > 0 && this.push) {
      const push = this.push;
      void (async () => {
        for (const r of live) {
          const unread = await repo.unreadCount(this.db, r.user_id);
          push(r.user_id, { type: 'notification', notification: toNotification(r), unread });
        }
      })().catch((err: unknown) => this.opts.logger.error({ err }, 'could not push a notification'));
    }
    if (rows.some((r) => r.email_status === 'pending')) void this.kick();
  }

  /** Marks notifications read (the person's own); their other tabs learn the new count. */
  async markRead(actor: Actor, ids: string[] | 'all'): Promise<number> {
    authorize(actor, 'profile.read', 'mark your notifications read');
    const unread = await repo.transaction(this.db, async (tx) => {
      await repo.markRead(tx, actor.userId, ids, this.clock.now());
      return repo.unreadCount(tx, actor.userId);
    });
    this.push?.(actor.userId, { type: 'notifications-read', unread });
    return unread;
  }

  /** Which kinds come in the app and by email: one transaction with its record. */
  async setPreferences(actor: Actor, kinds: NotificationPreferences['kinds']): Promise<void> {
    authorize(actor, 'profile.read', 'choose your notifications');
    const clean = choicesFrom(kinds);
    await repo.transaction(this.db, async (tx) => {
      await repo.saveChoices(tx, actor.userId, clean, this.clock.now());
      await writeAudit(tx, this.records, {
        action: 'notifications.preferences',
        actor,
        subject: actor.userId,
        details: { kinds: clean },
      });
    });
  }

  /** Sends what is due now (several calls at once share one pass; one more runs if asked meanwhile). */
  kick(): Promise<void> {
    if (!this.opts.mailer) return Promise.resolve();
    if (this.sending !== null) {
      this.again = true;
      return this.sending;
    }
    this.sending = (async () => {
      do {
        this.again = false;
        await this.sendDue();
      } while (this.again);
    })()
      .catch((err: unknown) => this.opts.logger.error({ err }, 'notification outbox failed'))
      .finally(() => {
        this.sending = null;
      });
    return this.sending;
  }

  /** Background: the outbox every `intervalMs` (retries, and emails left by a node that stopped). */
  async run(signal: AbortSignal, intervalMs = 15_000): Promise<void> {
    if (!this.opts.mailer) return;
    while (!signal.aborted) {
      await this.kick();
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, intervalMs);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    await this.sending;
  }

  private async sendDue(): Promise<void> {
    const mailer = this.opts.mailer!;
    const base = this.opts.retryBaseMs ?? 30_000;
    for (;;) {
      const now = this.clock.now();
      const due = await repo.dueEmails(this.db, now, 20);
      if (due.length === 0) return;
      let took = 0;
      for (const n of due) {
        // Held for a minute while it is sent; a node that dies meanwhile leaves it to the next pass.
        if (!(await repo.claimEmail(this.db, n.id, n.email_next_at!, new Date(now.getTime() + 60_000))))
          continue;
        took++;
        const attempts = n.email_attempts + 1;
        const to = await repo.emailOf(this.db, n.user_id);
        if (!to) {
          await repo.emailFailed(this.db, n.id, attempts, 'the person has no active account', null);
          continue;
        }
        try {
          await mailer.send({
            from: this.opts.from,
            to,
            ...emailFor({ step: n.step, callId: n.call_id }, this.opts.publicUrl),
          });
          await repo.emailSent(this.db, n.id, this.clock.now(), attempts);
        } catch (err) {
          const next =
            attempts >= MAX_EMAIL_ATTEMPTS
              ? null
              : new Date(this.clock.now().getTime() + retryDelayMs(attempts, base));
          this.opts.logger.warn(
            { err, notification: n.id, attempts, retryAt: next?.toISOString() ?? 'never' },
            'could not send a notification email',
          );
          await repo.emailFailed(this.db, n.id, attempts, String((err as Error).message ?? err), next);
        }
      }
      if (took === 0) return;
    }
  }
}
