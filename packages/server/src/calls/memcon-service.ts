import { newId, ValidationError } from '@hotline/common';
import type { MemconInput } from '@hotline/contract';
import { type Actor, authorizeCallAction, refuseCallStep } from '../policy/policy.js';
import * as lifecycle from './lifecycle.js';
import * as repo from './repository.js';
import { readoutDue } from './rules.js';
import type { CallTransactor } from './transactor.js';

/** The memcon: drafts after the call, a final version, and corrections of it (each naming why). */
export class MemconService {
  constructor(private readonly tx: CallTransactor) {}

  /**
   * Save a memcon version. The first save after the call moves it to memcon_draft; a save after
   * final is a correction. Returns the version's id and whether it was a correction.
   */
  async saveMemcon(
    actor: Actor,
    id: string,
    body: MemconInput,
  ): Promise<{ id: string; correction: boolean }> {
    return this.tx.run(async (tx) => {
      let call = await this.tx.lockCall(tx, actor, id);
      const versions = await repo.memcons(tx, id);
      const prev = versions.at(-1);
      lifecycle.validateMemcon(body);
      let correction = false;
      if (call.state === 'completed') {
        const next = authorizeCallAction(actor, call, 'draft_memcon', this.tx.policy);
        call = await this.tx.move(tx, call, 'draft_memcon', next, actor, null, {});
      } else if (call.state === 'memcon_draft') {
        authorizeCallAction(actor, call, 'edit_memcon', this.tx.policy);
      } else if (prev?.status === 'final') {
        authorizeCallAction(actor, call, 'correct_memcon', this.tx.policy);
        if (!body.correctionReason) {
          throw new ValidationError('The memcon is final; a correction needs a reason (correctionReason).', {
            field: 'correctionReason',
          });
        }
        correction = true;
      } else {
        authorizeCallAction(actor, call, 'edit_memcon', this.tx.policy);
      }
      const now = this.tx.clock.now();
      const version = (prev?.version ?? 0) + 1;
      const rec = await this.tx.records.append(tx, {
        kind: correction ? 'call.memcon.correction' : 'call.memcon.draft',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: correction ? prev?.record_id : null,
        content: { callId: id, version, ...body },
      });
      const memconId = newId(now.getTime());
      await repo.insertMemcon(tx, {
        id: memconId,
        call_id: id,
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
      await this.tx.bump(tx, call);
      return { id: memconId, correction };
    });
  }

  /** The latest draft becomes final (a new version); the readout deadline starts. */
  async finalizeMemcon(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const prev = (await repo.memcons(tx, id)).at(-1);
      const next = authorizeCallAction(actor, call, 'finalize_memcon', this.tx.policy);
      if (!prev) throw refuseCallStep('conflict', 'There is no memcon draft to finalize.', actor, call);
      const now = this.tx.clock.now();
      const rec = await this.tx.records.append(tx, {
        kind: 'call.memcon.final',
        office: call.owner_office_id,
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
      await this.tx.move(tx, call, 'finalize_memcon', next, actor, null, {
        readout_due_at: readoutDue(now, this.tx.policy),
      });
    });
  }
}
