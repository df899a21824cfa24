import { ConflictError, MINUTE, NotFoundError, ValidationError } from '@hotline/common';
import type { CallLogBody } from '@hotline/contract';
import type { z } from 'zod';
import { type Actor, authorizeCallAction } from '../policy/policy.js';
import * as repo from './repository.js';
import { iso, memconDue } from './rules.js';
import type { CallTransactor } from './transactor.js';

/** The call log: who joined, left, listened and verified, from the in-app room or the secretariat. */
export class CallLogService {
  constructor(private readonly tx: CallTransactor) {}

  /** Called after a call ends or is cancelled by a person (the in-app room closes its connections). */
  onEnded(fn: (callId: string) => void): void {
    this.tx.onEnded(fn);
  }

  /**
   * The last principal hung up in the in-app call: `in_progress` → `completed`, recorded as done
   * by Hotline (no human actor), with the memcon deadline starting now.
   */
  async endFromLive(callId: string, reason: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await repo.findCallForUpdate(tx, callId);
      if (!call) throw new NotFoundError('call', callId);
      if (call.state !== 'in_progress')
        throw new ConflictError(`The call is ${call.state}, not in progress.`, { state: call.state });
      const now = this.tx.clock.now();
      await this.tx.move(
        tx,
        call,
        'end',
        'completed',
        null,
        reason,
        { actual_end: now, memcon_due_at: memconDue(now, this.tx.policy) },
        { by: 'hotline' },
      );
    });
  }

  /** Record a call-log entry (join, leave, mute, verification) with its record. */
  async logEntry(callId: string, kind: string, userId: string | null, details: Record<string, unknown>) {
    return this.tx.run(async (tx) => {
      const call = await repo.findCall(tx, callId);
      if (!call) throw new NotFoundError('call', callId);
      return this.tx.appendLog(tx, call, kind, userId, userId, details, this.tx.clock.now());
    });
  }

  /**
   * The secretariat records who was on a secure-line call (the in-app room records its own):
   * while the call is in progress or after it. Each entry is a call-log entry with its record,
   * all in one transaction. An entry without a time is taken as now while the call is in
   * progress, and as the start of the call after it.
   */
  async recordCallLog(actor: Actor, id: string, body: z.infer<typeof CallLogBody>): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'record_call_log', this.tx.policy);
      const now = this.tx.clock.now();
      const opened = call.actual_start ?? call.scheduled_start;
      const earliest = opened ? new Date(opened).getTime() - this.tx.policy.joinWindowMinutes * MINUTE : null;
      const latest = call.actual_end ? new Date(call.actual_end).getTime() : now.getTime();
      const entries = body.entries.map((e, i) => {
        const at =
          e.at !== undefined
            ? new Date(e.at)
            : call.state === 'in_progress' || !call.actual_start
              ? now
              : new Date(call.actual_start);
        const field = `entries.${i}.at`;
        if (at.getTime() > latest) {
          throw new ValidationError(
            `Entry ${i + 1} (${e.name}) is at ${at.toISOString()}, after ${call.actual_end ? `the call ended (${iso(call.actual_end)})` : 'now'}.`,
            { field },
          );
        }
        if (earliest !== null && at.getTime() < earliest) {
          throw new ValidationError(
            `Entry ${i + 1} (${e.name}) is at ${at.toISOString()}, before the line opened (${new Date(earliest).toISOString()}).`,
            { field },
          );
        }
        return { ...e, at };
      });
      for (const e of entries) {
        await this.tx.appendLog(
          tx,
          call,
          e.kind === 'listened' ? 'listening' : 'joined',
          null,
          actor.userId,
          {
            name: e.name,
            recordedBy: actor.userId,
            recordedByName: actor.displayName,
            source: 'secretariat',
          },
          e.at,
        );
      }
      await this.tx.bump(tx, call);
    });
  }
}
