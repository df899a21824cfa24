import { type Clock, NotFoundError, newId } from '@hotline/common';
import type { CallPolicy } from '../config/call-policy.js';
import { type Actor, canSeeCall, refuseCallStep } from '../policy/policy.js';
import type { RecordsService } from '../records/records-service.js';
import type { CallRow, Tx } from './repository.js';
import * as repo from './repository.js';

/**
 * What every write of the calls domain shares: one transaction, the call locked, the state
 * moved and the call's version bumped, and one record appended to the records log per change
 * (with its call event or call-log entry). The services decide; this writes.
 */
export class CallTransactor {
  private readonly endedListeners = new Set<(callId: string) => void>();

  constructor(
    private readonly db: Tx,
    readonly records: RecordsService,
    readonly clock: Clock,
    readonly policy: CallPolicy,
  ) {}

  /** Run `fn` in one transaction. */
  run<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return repo.inTransaction(this.db, fn);
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
