import { NotFoundError } from '@hotline/common';
import { type Actor, mayMessage } from '../policy/policy.js';
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
    const g = await this.memberGroup(actor, groupId);
    const rows = await repo.messagesAfter(this.db, groupId, after, limit);
    const archivedAt = await this.archivedAt(
      g.roster,
      groupId,
      rows.filter((r) => r.kind === 'application').map((r) => String(r.seq)),
    );
    return {
      messages: rows.map((r) => ({
        seq: Number(r.seq),
        epoch: Number(r.epoch),
        kind: r.kind,
        senderUserId: r.sender_user_id,
        data: b64(r.data),
        at: new Date(r.created_at).toISOString(),
        archivedAt: archivedAt.get(Number(r.seq)) ?? null,
      })),
    };
  }

  /**
   * When each message was archived: once every records member of the conversation has acknowledged
   * it (the latest of their acknowledgements); absent until then.
   */
  private async archivedAt(
    roster: readonly { kind: string; officeId: string | null }[],
    groupId: string,
    seqs: string[],
  ) {
    const offices = new Set(roster.flatMap((l) => (l.kind === 'records' && l.officeId ? [l.officeId] : [])));
    const acks = await repo.archivedAcks(this.db, groupId, seqs);
    const by = new Map<number, { offices: Set<string>; at: number }>();
    for (const a of acks) {
      const k = Number(a.seq);
      const e = by.get(k) ?? { offices: new Set<string>(), at: 0 };
      e.offices.add(a.office_id);
      e.at = Math.max(e.at, new Date(a.archived_at).getTime());
      by.set(k, e);
    }
    const out = new Map<number, string>();
    for (const [seq, e] of by)
      if (offices.size > 0 && [...offices].every((o) => e.offices.has(o)))
        out.set(seq, new Date(e.at).toISOString());
    return out;
  }

  /** People the caller may message (own office; other offices' principals, staff, secretariat, liaisons). */
  async directory(actor: Actor) {
    const people = await repo.activePeople(this.db);
    return {
      items: people
        .filter((p) => mayMessage(actor, { id: p.id, officeId: p.officeId, roles: p.roles }))
        .map((p) => ({
          personId: p.id,
          name: p.name,
          title: p.title,
          officeId: p.officeId,
          officeName: p.officeName,
          role: p.roles[0] ?? 'staff',
        })),
    };
  }

  /** The caller's conversations, newest activity first, with unread counts and who preserves each. */
  async conversations(actor: Actor) {
    const groups = await repo.groupsOf(this.db, actor.userId);
    const stats = await repo.conversationStats(
      this.db,
      groups.map((g) => g.id),
      actor.userId,
    );
    const people = [...new Set(groups.flatMap((g) => g.roster.flatMap((l) => (l.userId ? [l.userId] : []))))];
    const officeIds = [
      ...new Set(groups.flatMap((g) => g.roster.flatMap((l) => (l.officeId ? [l.officeId] : [])))),
    ];
    const [names, offices] = await Promise.all([
      repo.userNames(this.db, people),
      repo.officeNames(this.db, officeIds),
    ]);
    const items = groups.map((g) => {
      const members = [
        ...new Set(g.roster.flatMap((l) => (l.kind === 'person' && l.userId ? [l.userId] : []))),
      ];
      const others = members.filter((m) => m !== actor.userId);
      const st = stats.get(g.id) ?? { lastSeq: 0, lastAt: null, unread: 0 };
      return {
        groupId: g.id,
        title: others.length === 0 ? 'Only you' : others.map((m) => names.get(m) ?? m).join(', '),
        memberPersonIds: members,
        officeIds: [
          ...new Set(g.roster.flatMap((l) => (l.kind === 'person' && l.officeId ? [l.officeId] : []))),
        ],
        preservedBy: [
          ...new Set(g.roster.flatMap((l) => (l.kind === 'records' && l.officeId ? [l.officeId] : []))),
        ].map((o) => ({ officeId: o, officeName: offices.get(o) ?? o })),
        unread: st.unread,
        lastSeq: st.lastSeq,
        lastAt: (st.lastAt ?? new Date(g.created_at)).toISOString(),
        disappearAfterSeconds: g.disappear_after_seconds ?? null,
      };
    });
    items.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
    return { items };
  }

  /** An encrypted file of a conversation (members only): its ciphertext as stored. */
  async blob(actor: Actor, groupId: string, blobId: string) {
    await this.memberGroup(actor, groupId);
    const b = await repo.blobAt(this.db, groupId, blobId);
    if (!b) throw new NotFoundError('file', blobId);
    return { data: new Uint8Array(b.data), sha256: b.sha256 };
  }

  /** The conversations an office's records member is in (to pick up after a restart). */
  async groupsForRecords(officeId: string) {
    const rows = await repo.groupsOfRecords(this.db, officeId);
    return rows.map((r) => ({ groupId: r.id, epoch: Number(r.epoch) }));
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

  /** An office's published records member: its signature key and archive public key. */
  recordsKey(officeId: string) {
    return repo.recordsMemberOf(this.db, officeId);
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
