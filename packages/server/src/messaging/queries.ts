import { NotFoundError } from '@hotline/common';
import type { Actor } from '../policy/policy.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import { isMember } from './rules.js';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

/** Messaging's reads: a conversation's state and messages (members only), Welcomes, the records directory. */
export class MessagingQueries {
  constructor(private readonly db: Db) {}

  private async memberGroup(actor: Actor, groupId: string) {
    const g = await repo.findGroup(this.db, groupId);
    if (!g || !isMember(g.roster, actor.userId)) throw new NotFoundError('conversation', groupId);
    return g;
  }

  async group(actor: Actor, groupId: string) {
    const g = await this.memberGroup(actor, groupId);
    return {
      id: g.id,
      mlsGroupId: b64(new TextEncoder().encode(g.id)),
      epoch: Number(g.epoch),
      roster: g.roster.map(({ signatureKey: _k, ...l }) => l),
    };
  }

  async messages(actor: Actor, groupId: string, after: number, limit: number) {
    await this.memberGroup(actor, groupId);
    const rows = await repo.messagesAfter(this.db, groupId, after, limit);
    return {
      messages: rows.map((r) => ({
        seq: Number(r.seq),
        epoch: Number(r.epoch),
        kind: r.kind,
        senderUserId: r.sender_user_id,
        data: b64(r.data),
        at: new Date(r.created_at).toISOString(),
      })),
    };
  }

  async welcomes(actor: Actor) {
    const rows = await repo.welcomesFor(this.db, actor.userId);
    return {
      welcomes: rows.map((r) => ({
        id: r.id,
        groupId: r.group_id,
        epoch: Number(r.epoch),
        keyPackageRef: r.key_package_ref,
        data: b64(r.data),
      })),
    };
  }

  /** Welcomes for an office's records member (it joins every conversation of its office). */
  async welcomesForRecords(officeId: string) {
    const rows = await repo.welcomesForOffice(this.db, officeId);
    return rows.map((r) => ({
      id: r.id,
      groupId: r.group_id,
      epoch: Number(r.epoch),
      data: new Uint8Array(r.data),
    }));
  }

  /** A conversation's messages for an office's records member (it must be in the roster). */
  async messagesForRecords(officeId: string, groupId: string, after: number, limit: number) {
    const g = await repo.findGroup(this.db, groupId);
    if (!g?.roster.some((l) => l.kind === 'records' && l.officeId === officeId))
      throw new NotFoundError('conversation', groupId);
    const rows = await repo.messagesAfter(this.db, groupId, after, limit);
    return rows.map((r) => ({
      seq: Number(r.seq),
      epoch: Number(r.epoch),
      kind: r.kind,
      data: new Uint8Array(r.data),
    }));
  }

  /** Which messages of a conversation an office's records member has archived (its acknowledgements). */
  archived(officeId: string, groupId: string) {
    return repo.archivedSeqs(this.db, groupId, officeId);
  }

  async recordsMembers() {
    const rows = await repo.recordsKeysWithArchive(this.db);
    return rows.map((r) => ({
      officeId: r.office_id,
      signatureKey: Buffer.from(r.signature_key).toString('hex'),
      archivePublicKey: Buffer.from(r.archive_public_key).toString('hex'),
    }));
  }
}
