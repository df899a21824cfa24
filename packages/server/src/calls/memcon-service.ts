import { newId, ValidationError } from '@hotline/common';
import type { MemconInput } from '@hotline/contract';
import { type Actor, authorizeCallAction, callPartyOf, refuseCallStep } from '../policy/policy.js';
import * as lifecycle from './lifecycle.js';
import * as repo from './repository.js';
import { readoutDue } from './rules.js';
import type { CallTransactor } from './transactor.js';

/**
 * The memcon: drafts after the call, a final version, and corrections of it (each naming why).
 * Each office on the call keeps its own record of the conversation. The host office's memcon
 * moves the call (memcon_draft, memcon_final, the readout deadline); the counterpart office's
 * own memcon moves no state, bumps no call version and is seen by that office only: its drafts,
 * final and corrections follow from its own versions.
 */
export class MemconService {
  constructor(private readonly tx: CallTransactor) {}

  /**
   * Save a memcon version of the actor's office. The host's first save after the call moves it
   * to memcon_draft; a save after that office's final version is a correction. Returns the
   * version's id and whether it was a correction.
   */
  async saveMemcon(
    actor: Actor,
    id: string,
    body: MemconInput,
  ): Promise<{ id: string; correction: boolean }> {
    return this.tx.run(async (tx) => {
      let call = await this.tx.lockCall(tx, actor, id);
      const host = callPartyOf(actor, call) === 'host';
      const versions = await repo.memcons(tx, id, actor.officeId);
      const prev = versions.at(-1);
      lifecycle.validateMemcon(body);
      let correction = false;
      if (!host) {
        correction = prev?.status === 'final';
        authorizeCallAction(
          actor,
          call,
          correction ? 'correct_counterpart_memcon' : 'edit_counterpart_memcon',
          this.tx.policy,
        );
      } else if (call.state === 'completed') {
        const next = authorizeCallAction(actor, call, 'draft_memcon', this.tx.policy);
        call = await this.tx.move(tx, call, 'draft_memcon', next, actor, null, {});
      } else if (call.state === 'memcon_draft') {
        authorizeCallAction(actor, call, 'edit_memcon', this.tx.policy);
      } else if (prev?.status === 'final') {
        authorizeCallAction(actor, call, 'correct_memcon', this.tx.policy);
        correction = true;
      } else {
        authorizeCallAction(actor, call, 'edit_memcon', this.tx.policy);
      }
      if (correction && !body.correctionReason) {
        throw new ValidationError('The memcon is final; a correction needs a reason (correctionReason).', {
          field: 'correctionReason',
        });
      }
      const now = this.tx.clock.now();
      const version = (prev?.version ?? 0) + 1;
      const rec = await this.tx.records.append(tx, {
        kind: correction ? 'call.memcon.correction' : 'call.memcon.draft',
        office: actor.officeId,
        actor: actor.userId,
        subject: id,
        prev: correction ? prev?.record_id : null,
        content: { callId: id, version, ...body },
      });
      const memconId = newId(now.getTime());
      await repo.insertMemcon(tx, {
        id: memconId,
        call_id: id,
        office_id: actor.officeId,
        version,
        prev_id: prev?.id ?? null,
        author_id: actor.userId,
        status: correction ? 'final' : 'draft',
        classification: body.classification,
        distribution: body.distribution,
        document: body as unknown as Record<string, unknown>,
        record_id: rec.id,
        record_seq: String(rec.seq),
        created_at: now,
      });
      if (host) await this.tx.bump(tx, call);
      return { id: memconId, correction };
    });
  }

  /**
   * The office's latest draft becomes final (a new version). For the host office the call moves
   * to memcon_final and the readout deadline starts; for the counterpart office nothing else moves.
   */
  async finalizeMemcon(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const host = callPartyOf(actor, call) === 'host';
      const prev = (await repo.memcons(tx, id, actor.officeId)).at(-1);
      const next = authorizeCallAction(
        actor,
        call,
        host ? 'finalize_memcon' : 'finalize_counterpart_memcon',
        this.tx.policy,
      );
      if (!prev || (!host && prev.status === 'final'))
        throw refuseCallStep('conflict', 'There is no memcon draft to finalize.', actor, call);
      const now = this.tx.clock.now();
      const rec = await this.tx.records.append(tx, {
        kind: 'call.memcon.final',
        office: actor.officeId,
        actor: actor.userId,
        subject: id,
        prev: prev.record_id,
        content: {
          callId: id,
          version: prev.version + 1,
          finalOf: prev.version,
          ...(prev.document as object),
        },
      });
      await repo.insertMemcon(tx, {
        id: newId(now.getTime()),
        call_id: id,
        office_id: actor.officeId,
        version: prev.version + 1,
        prev_id: prev.id,
        author_id: actor.userId,
        status: 'final',
        classification: prev.classification,
        distribution: prev.distribution,
        document: prev.document,
        record_id: rec.id,
        record_seq: String(rec.seq),
        created_at: now,
      });
      if (host)
        await this.tx.move(tx, call, 'finalize_memcon', next, actor, null, {
          readout_due_at: readoutDue(now, this.tx.policy),
        });
    });
  }
}
