import { newId } from '@hotline/common';
import type { BriefingBody } from '@hotline/contract';
import type { z } from 'zod';
import { type Actor, authorizeCallAction, callPartyOf, refuseCallStep } from '../policy/policy.js';
import * as repo from './repository.js';
import type { CallTransactor } from './transactor.js';

/**
 * The briefing: versions written before the call, the latest approved to brief the principal.
 * Each office on the call keeps its own: the host office's approval moves the call to briefed;
 * the counterpart office's own briefing moves no state and is seen by that office only (it bumps
 * no call version either, so the host sees no trace of it).
 */
export class BriefingService {
  constructor(private readonly tx: CallTransactor) {}

  /** Save a briefing version of the actor's office. Returns its id. */
  async saveBriefing(actor: Actor, id: string, body: z.infer<typeof BriefingBody>): Promise<string> {
    return this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const host = callPartyOf(actor, call) === 'host';
      authorizeCallAction(actor, call, host ? 'edit_briefing' : 'edit_counterpart_briefing', this.tx.policy);
      const prev = await repo.latestBriefing(tx, id, actor.officeId);
      const version = (prev?.version ?? 0) + 1;
      const now = this.tx.clock.now();
      const rec = await this.tx.records.append(tx, {
        kind: 'call.briefing',
        office: actor.officeId,
        actor: actor.userId,
        subject: id,
        content: { callId: id, version, ...body },
      });
      const briefingId = newId(now.getTime());
      await repo.insertBriefing(tx, {
        id: briefingId,
        call_id: id,
        office_id: actor.officeId,
        version,
        author_id: actor.userId,
        background_md: body.backgroundMd,
        objectives_md: body.objectivesMd,
        talking_points_md: body.talkingPointsMd,
        approved_by: null,
        approved_at: null,
        record_seq: String(rec.seq),
        created_at: now,
      });
      if (host) await this.tx.bump(tx, call);
      return briefingId;
    });
  }

  /**
   * Approving the host office's latest briefing moves the call to briefed. The counterpart
   * office approves its own latest briefing: recorded for that office, no state moved.
   */
  async approveBriefing(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const host = callPartyOf(actor, call) === 'host';
      const latest = await repo.latestBriefing(tx, id, actor.officeId);
      const next = authorizeCallAction(
        actor,
        call,
        host ? 'brief' : 'approve_counterpart_briefing',
        this.tx.policy,
      );
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no briefing to approve yet; write one first.',
          actor,
          call,
        );
      const now = this.tx.clock.now();
      if (host) {
        await repo.approveBriefing(tx, latest.id, actor.userId, now);
        await this.tx.move(tx, call, 'brief', next, actor, null, {}, { briefingVersion: latest.version });
        return;
      }
      if (latest.approved_at)
        throw refuseCallStep('conflict', `Briefing v${latest.version} is already approved.`, actor, call);
      await repo.approveBriefing(tx, latest.id, actor.userId, now);
      await this.tx.records.append(tx, {
        kind: 'call.briefing.approved',
        office: actor.officeId,
        actor: actor.userId,
        subject: id,
        content: { callId: id, version: latest.version, approvedBy: actor.userId, at: now.toISOString() },
      });
    });
  }
}
