import { type Clock, MINUTE } from '@hotline/common';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

export const SIGN_IN_REFUSAL_WINDOW_MS = 10 * MINUTE;

/**
 * Refused anonymous sign-ins (a passkey Hotline does not know) are evidence, but a stranger
 * must not be able to write history one request at a time. They are counted per caller address
 * and time window in sign_in_refusals; the records log gets one `auth.sign_ins_refused` record
 * per address and window, with its count, once the window has closed (written at the next
 * refusal from anyone, or by `recordClosedWindows()`).
 */
export class SignInRefusals {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    readonly windowMs: number = SIGN_IN_REFUSAL_WINDOW_MS,
  ) {}

  /** Counts one refusal from `address` in the current window, after recording closed windows. */
  async count(address: string): Promise<void> {
    await this.recordClosedWindows();
    const now = this.clock.now();
    const start = new Date(Math.floor(now.getTime() / this.windowMs) * this.windowMs);
    await repo.countRefusal(
      this.db,
      address.slice(0, 100),
      start,
      new Date(start.getTime() + this.windowMs),
      now,
    );
  }

  /**
   * One record per closed, unrecorded window, in one transaction with marking it recorded (the
   * row lock keeps two callers from recording the same window). Returns how many were written.
   */
  async recordClosedWindows(): Promise<number> {
    const now = this.clock.now();
    return repo.transaction(this.db, async (tx) => {
      const closed = await repo.takeClosedRefusalWindows(tx, now);
      closed.sort(
        (a, b) =>
          new Date(a.window_start).getTime() - new Date(b.window_start).getTime() ||
          a.address.localeCompare(b.address),
      );
      for (const w of closed) {
        await writeAudit(tx, this.records, {
          action: 'auth.sign_ins_refused',
          actor: null,
          details: {
            reason: 'unknown_passkey',
            address: w.address,
            windowStart: new Date(w.window_start).toISOString(),
            windowEnd: new Date(w.window_end).toISOString(),
            count: w.count,
            firstAt: new Date(w.first_at).toISOString(),
            lastAt: new Date(w.last_at).toISOString(),
          },
        });
      }
      return closed.length;
    });
  }
}
