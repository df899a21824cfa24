import { newId } from '@hotline/common';
import type { BriefingBody } from '@hotline/contract';
import type { z } from 'zod';
import { type Actor, authorizeCallAction, refuseCallStep } from '../policy/policy.js';
import * as repo from './repository.js';
import type { CallTransactor } from './transactor.js';

/** The briefing: versions written before the call, the latest approved to brief the principal. */
export class BriefingService {
  constructor(private readonly tx: CallTransactor) {}

  /** Save a briefing version. Returns its id. */
  async saveBriefing(actor: Actor, id: string, body: z.infer<typeof BriefingBody>): Promise<string> {
    return this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'edit_briefing', this.tx.policy);
      const prev = await repo.latestBriefing(tx, id);
      const version = (prev?.version ?? 0) + 1;
      const now = this.tx.clock.now();
      const rec = await this.tx.records.append(tx, {
        kind: 'call.briefing',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        content: { callId: id, version, ...body },
      });
      const briefingId = newId(now.getTime());
      await repo.insertBriefing(tx, {
        id: briefingId,
        call_id: id,
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
      await this.tx.bump(tx, call);
      return briefingId;
    });
  }

  /** Approving the latest briefing moves the call to briefed. */
  async approveBriefing(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const latest = await repo.latestBriefing(tx, id);
      const next = authorizeCallAction(actor, call, 'brief', this.tx.policy);
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no briefing to approve yet; write one first.',
          actor,
          call,
        );
      await repo.approveBriefing(tx, latest.id, actor.userId, this.tx.clock.now());
      await this.tx.move(tx, call, 'brief', next, actor, null, {}, { briefingVersion: latest.version });
    });
  }
}
