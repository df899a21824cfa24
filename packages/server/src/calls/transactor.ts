import { type Clock, NotFoundError, newId } from '@hotline/common';
import type { CallPolicy } from '../config/call-policy.js';
import { type Actor, canSeeCall, refuseCallStep } from '../policy/policy.js';
import type { Role } from '../policy/roles.js';
import type { RecordsService } from '../records/records-service.js';
import { newWork, type WorkNotifier } from './notices.js';
import type { CallRow, Tx } from './repository.js';
import * as repo from './repository.js';

/**
 * What every write of the calls domain shares: one transaction, the call locked, the state
 * moved and the call's version bumped, and one record appended to the records log per change
 * (with its call event or call-log entry). The services decide; this writes.
 */
export class CallTransactor {
  private readonly endedListeners = new Set<(callId: string) => void>();
  private notifier: WorkNotifier | null = null;
  /** Notices each open transaction stored, delivered once it commits. */
  private readonly stored = new WeakMap<Tx, unknown[]>();

  constructor(
    private readonly db: Tx,
    readonly records: RecordsService,
    readonly clock: Clock,
    readonly policy: CallPolicy,
  ) {}

  /** Run `fn` in one transaction; the notices it stored are delivered after the commit. */
  async run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    let open: Tx | null = null;
    const out = await repo.inTransaction(this.db, (tx) => {
      open = tx;
      return fn(tx);
    });
    const done = open ? this.stored.get(open) : undefined;
    if (done?.length) this.notifier?.deliver(done);
    return out;
  }

  /** Where the steps a change makes wait for people are written (the notifications domain). */
  setNotifier(notifier: WorkNotifier): void {
    this.notifier = notifier;
  }

  /**
   * In the transaction of a change: tell each person of the call's offices about a step the
   * change made wait for them (not the person who made it).
   */
  async noticeWork(tx: Tx, before: CallRow | null, after: CallRow, changedBy: string | null): Promise<void> {
    if (!this.notifier) return;
    const offices = [after.owner_office_id, after.requesting_office_id, after.counterpart_office_id];
    const people = await repo.activeStaff(tx, [...new Set(offices.filter((o): o is string => !!o))]);
    const notices = newWork(
      before,
      after,
      people.map((p) => ({ ...p, roles: p.roles as Role[] })),
      changedBy,
      this.clock.now(),
      this.policy,
    );
    if (notices.length === 0) return;
    const stored = await this.notifier.record(tx, notices);
    this.stored.set(tx, [...(this.stored.get(tx) ?? []), ...stored]);
  }

  /** Called after a call ends or is cancelled by a person (the in-app room closes its connections). */
  onEnded(fn: (callId: string) => void): void {
    this.endedListeners.add(fn);
  }

  notifyEnded(callId: string): void {
    for (const fn of this.endedListeners) fn(callId);
  }

  /** The call, locked for this transaction; 404 if the actor cannot see it, 409 if it changed since `expectedVersion`. */
  async lockCall(tx: Tx, actor: Actor, id: string, expectedVersion?: number): Promise<CallRow> {
    const row = await repo.findCallForUpdate(tx, id);
    if (!row || !canSeeCall(actor, row)) throw new NotFoundError('call', id);
    if (expectedVersion !== undefined && expectedVersion !== row.version) {
      throw refuseCallStep(
        'conflict',
        `This call changed since you loaded it (version ${expectedVersion}, now ${row.version}). Reload and try again.`,
        actor,
        row,
        { version: row.version },
      );
    }
    return row;
  }

  /** Move the call to `to` (with `patch`), bump its version, and record the step. `actor` null: done by Hotline. */
  async move(
    tx: Tx,
    call: CallRow,
    action: string,
    to: string,
    actor: Actor | null,
    reason: string | null,
    patch: Partial<CallRow>,
    details: Record<string, unknown> = {},
  ): Promise<CallRow> {
    const now = this.clock.now();
    const updated = { ...call, ...patch, state: to, version: call.version + 1, updated_at: now };
    const {
      proposed_windows: _pw,
      id: _id,
      ...set
    } = { ...patch, state: to, version: call.version + 1, updated_at: now } as Partial<CallRow>;
    await repo.updateCall(tx, call.id, set);
    await this.event(tx, updated, action, call.state, to, actor, reason, details);
    if (to !== call.state) await this.noticeWork(tx, call, updated, actor?.userId ?? null);
    return updated;
  }

  /** A change to the call's artifacts or log: its version goes up (stale forms are refused). */
  async bump(tx: Tx, call: CallRow): Promise<void> {
    await repo.updateCall(tx, call.id, { version: call.version + 1, updated_at: this.clock.now() });
  }

  /** Record a step of the call (its record and its call event). `actor` null: done by Hotline. */
  async event(
    tx: Tx,
    call: Pick<CallRow, 'id' | 'owner_office_id'>,
    action: string,
    from: string | null,
    to: string,
    actor: Actor | null,
    reason: string | null,
    details: Record<string, unknown>,
  ): Promise<number> {
    const now = this.clock.now();
    const rec = await this.records.append(tx, {
      kind: `call.${action}`,
      office: call.owner_office_id,
      actor: actor?.userId ?? null,
      subject: call.id,
      content: {
        callId: call.id,
        action,
        from,
        to,
        by: actor?.userId ?? 'hotline',
        reason,
        at: now.toISOString(),
        ...details,
      },
    });
    await repo.insertCallEvent(tx, {
      id: newId(now.getTime()),
      call_id: call.id,
      action,
      from_state: from,
      to_state: to,
      actor_id: actor?.userId ?? null,
      reason,
      details,
      record_seq: String(rec.seq),
      at: now,
    });
    return Number(rec.seq);
  }

  /** A call-log entry (join, leave, mute, verification, or one the secretariat recorded) with its record. */
  async appendLog(
    tx: Tx,
    call: Pick<CallRow, 'id' | 'owner_office_id'>,
    kind: string,
    userId: string | null,
    recordActor: string | null,
    details: Record<string, unknown>,
    at: Date,
  ) {
    const rec = await this.records.append(tx, {
      kind: `call.log.${kind}`,
      office: call.owner_office_id,
      actor: recordActor,
      subject: call.id,
      content: { callId: call.id, kind, userId, at: at.toISOString(), ...details },
    });
    await repo.insertCallLogEntry(tx, {
      id: newId(at.getTime()),
      call_id: call.id,
      kind,
      user_id: userId,
      details,
      record_seq: String(rec.seq),
      at,
    });
    return rec;
  }
}
