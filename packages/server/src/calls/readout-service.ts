import { NotFoundError, newId } from '@hotline/common';
import type { MemconInput, ReadoutBody } from '@hotline/contract';
import type { z } from 'zod';
import { findOffice } from '../identity/repository.js';
import { type Actor, authorize, authorizeCallAction, callPartyOf, refuseCallStep } from '../policy/policy.js';
import { visibleCall } from './queries.js';
import { draftReadout } from './readout-draft.js';
import { publishedReadoutContent, withdrawnReadoutContent } from './readout-record.js';
import type { Tx } from './repository.js';
import * as repo from './repository.js';
import type { CallTransactor } from './transactor.js';

/** The public readout: drafts (from the final memcon's unclassified paragraphs), approval, publication. */
export class ReadoutService {
  constructor(
    private readonly tx: CallTransactor,
    private readonly db: Tx,
  ) {}

  /** Save a readout draft version. Returns its id. */
  async saveReadout(actor: Actor, id: string, body: z.infer<typeof ReadoutBody>): Promise<string> {
    return this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'edit_readout', this.tx.policy);
      const prev = (await repo.readouts(tx, id)).at(-1);
      if (prev?.status === 'published')
        throw refuseCallStep(
          'conflict',
          'The readout is already published; it cannot be edited.',
          actor,
          call,
        );
      const now = this.tx.clock.now();
      const version = (prev?.version ?? 0) + 1;
      const rec = await this.tx.records.append(tx, {
        kind: 'call.readout.draft',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        content: { callId: id, version, ...body },
      });
      const readoutId = newId(now.getTime());
      await repo.insertReadout(tx, {
        id: readoutId,
        call_id: id,
        version,
        author_id: actor.userId,
        status: 'draft',
        title: body.title,
        body_md: body.bodyMd,
        approved_by: null,
        approved_at: null,
        published_at: null,
        record_id: rec.id,
        record_seq: String(rec.seq),
        created_at: now,
      });
      await this.tx.bump(tx, call);
      return readoutId;
    });
  }

  /**
   * Approve the latest readout version (press of the host office; with
   * HOTLINE_READOUT_SEPARATE_APPROVER, not its author). A version saved later needs its own approval.
   */
  async approveReadout(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const latest = (await repo.readouts(tx, id)).at(-1);
      const next = authorizeCallAction(actor, call, 'approve_readout', this.tx.policy, {
        ...(latest ? { readoutAuthorId: latest.author_id } : {}),
      });
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no readout draft to approve; write one first.',
          actor,
          call,
        );
      if (latest.status !== 'draft') {
        throw refuseCallStep(
          'conflict',
          `Readout v${latest.version} is already ${latest.status}. Publish it, or save a new version to change it.`,
          actor,
          call,
          { readoutVersion: latest.version },
        );
      }
      const now = this.tx.clock.now();
      await repo.approveReadout(tx, latest.id, actor.userId, now);
      await this.tx.move(
        tx,
        call,
        'approve_readout',
        next,
        actor,
        null,
        {},
        {
          readoutVersion: latest.version,
          readoutRecordId: latest.record_id,
          author: latest.author_id,
          approvedBy: actor.userId,
          approvedAt: now.toISOString(),
        },
      );
    });
  }

  /** Publish the latest readout version, which must be approved: the readout becomes public. */
  async publishReadout(actor: Actor, id: string): Promise<void> {
    await this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      const latest = (await repo.readouts(tx, id)).at(-1);
      const next = authorizeCallAction(actor, call, 'publish_readout', this.tx.policy);
      if (!latest)
        throw refuseCallStep(
          'conflict',
          'There is no readout draft to publish; write one first.',
          actor,
          call,
        );
      if (latest.status !== 'approved' || !latest.approved_by || !latest.approved_at) {
        throw refuseCallStep(
          'conflict',
          `Readout v${latest.version} is not approved, so it cannot be published. Approve the latest version first (POST /api/v1/calls/${id}/readouts/approve).`,
          actor,
          call,
          { readoutVersion: latest.version },
        );
      }
      const now = this.tx.clock.now();
      const pubId = newId(now.getTime());
      // The public page re-creates this content with the same function, so a browser can check the text.
      const rec = await this.tx.records.append(tx, {
        kind: 'readout.published',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: latest.record_id,
        content: publishedReadoutContent({
          callId: id,
          readoutId: pubId,
          title: latest.title,
          bodyMd: latest.body_md,
          publishedAt: now,
        }),
      });
      await repo.insertReadout(tx, {
        id: pubId,
        call_id: id,
        version: latest.version + 1,
        author_id: latest.author_id,
        status: 'published',
        title: latest.title,
        body_md: latest.body_md,
        approved_by: latest.approved_by,
        approved_at: latest.approved_at,
        published_at: now,
        record_id: rec.id,
        record_seq: String(rec.seq),
        created_at: now,
        public_id: pubId,
      });
      await this.tx.move(tx, call, 'publish_readout', next, actor, null, {});
    });
  }

  /**
   * Correct the published readout: a new published version, at the same public address, whose
   * record names the version it corrects and why (the public page and the feed show both). One
   * transaction with its record and the call event.
   */
  async correctReadout(
    actor: Actor,
    id: string,
    body: { title: string; bodyMd: string; reason: string },
  ): Promise<string> {
    return this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'correct_readout', this.tx.policy);
      const current = await this.currentPublished(tx, actor, call, 'correct');
      const now = this.tx.clock.now();
      const newIdValue = newId(now.getTime());
      const rec = await this.tx.records.append(tx, {
        kind: 'readout.corrected',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: current.record_id,
        content: publishedReadoutContent({
          callId: id,
          readoutId: newIdValue,
          title: body.title,
          bodyMd: body.bodyMd,
          publishedAt: now,
          corrects: current.id,
          reason: body.reason,
        }),
      });
      await this.replacePublished(tx, actor, call, current, now, rec, 'correct_readout', body.reason, {
        id: newIdValue,
        status: 'published',
        title: body.title,
        body_md: body.bodyMd,
        approved_by: actor.userId,
        approved_at: now,
      });
      return newIdValue;
    });
  }

  /**
   * Withdraw the published readout: its public address becomes a tombstone (the title, when and
   * why), itself a record in the log that names the version withdrawn. One transaction.
   */
  async withdrawReadout(actor: Actor, id: string, body: { reason: string }): Promise<string> {
    return this.tx.run(async (tx) => {
      const call = await this.tx.lockCall(tx, actor, id);
      authorizeCallAction(actor, call, 'withdraw_readout', this.tx.policy);
      const current = await this.currentPublished(tx, actor, call, 'withdraw');
      const now = this.tx.clock.now();
      const tombId = newId(now.getTime());
      const rec = await this.tx.records.append(tx, {
        kind: 'readout.withdrawn',
        office: call.owner_office_id,
        actor: actor.userId,
        subject: id,
        prev: current.record_id,
        content: withdrawnReadoutContent({
          callId: id,
          readoutId: tombId,
          withdraws: current.id,
          title: current.title,
          reason: body.reason,
          withdrawnAt: now,
        }),
      });
      await this.replacePublished(tx, actor, call, current, now, rec, 'withdraw_readout', body.reason, {
        id: tombId,
        status: 'withdrawn',
        title: current.title,
        body_md: '',
        approved_by: null,
        approved_at: null,
      });
      return tombId;
    });
  }

  /**
   * A new version in place of the published one (a correction or a tombstone): the old version is
   * superseded, the new one keeps its public address, names what it replaces and why, and the
   * call's timeline gets the step. Runs inside the caller's transaction, after its record.
   */
  private async replacePublished(
    tx: Tx,
    actor: Actor,
    call: repo.CallRow,
    current: { id: string; public_id: string | null },
    now: Date,
    rec: { id: string; seq: number | bigint | string },
    action: 'correct_readout' | 'withdraw_readout',
    reason: string,
    own: {
      id: string;
      status: 'published' | 'withdrawn';
      title: string;
      body_md: string;
      approved_by: string | null;
      approved_at: Date | null;
    },
  ): Promise<void> {
    await repo.supersedeReadout(tx, current.id, now);
    await repo.insertReadout(tx, {
      ...own,
      call_id: call.id,
      version: (await repo.readouts(tx, call.id)).length + 1,
      author_id: actor.userId,
      published_at: now,
      record_id: rec.id,
      record_seq: String(rec.seq),
      created_at: now,
      public_id: current.public_id ?? current.id,
      supersedes_id: current.id,
      reason,
    });
    const link = action === 'correct_readout' ? { corrects: current.id } : { withdraws: current.id };
    await this.tx.event(tx, call, action, call.state, call.state, actor, reason, {
      ...link,
      readoutId: own.id,
    });
    await this.tx.bump(tx, call);
  }

  private async currentPublished(tx: Tx, actor: Actor, call: repo.CallRow, what: 'correct' | 'withdraw') {
    const current = await repo.currentPublicReadout(tx, call.id);
    if (current?.status !== 'published')
      throw refuseCallStep(
        'conflict',
        current
          ? `The readout was withdrawn; there is nothing published to ${what}.`
          : `No readout of this call is published; there is nothing to ${what}.`,
        actor,
        call,
      );
    return current;
  }

  /**
   * A first draft of the public readout (press of the host office, once the memcon is final),
   * made from the final memcon's unclassified (U) paragraphs only. Nothing is saved.
   */
  async readoutDraft(actor: Actor, id: string): Promise<{ title: string; bodyMd: string }> {
    authorize(actor, 'calls.read', 'see calls');
    const call = await visibleCall(this.db, actor, id);
    // The draft is made from the host's memcon: for any other office it does not exist.
    if (callPartyOf(actor, call) !== 'host') throw new NotFoundError('readout draft', id);
    authorizeCallAction(actor, call, 'edit_readout', this.tx.policy);
    const final = (await repo.memcons(this.db, id, call.owner_office_id))
      .filter((m) => m.status === 'final')
      .at(-1);
    const office = await findOffice(this.db, call.owner_office_id);
    if (!final || !office) {
      throw refuseCallStep(
        'conflict',
        'There is no final memcon to draft the readout from yet.',
        actor,
        call,
      );
    }
    const memcon = final.document as unknown as MemconInput;
    return draftReadout({
      leaderTitle: office.leader_title,
      leaderName: office.leader_name,
      counterpartLeader: call.counterpart_leader,
      counterpartCountry: call.counterpart_country,
      at: new Date(call.actual_start ?? call.scheduled_start ?? final.created_at),
      zone: office.time_zone,
      topics: call.topics,
      memcon,
    });
  }
}
