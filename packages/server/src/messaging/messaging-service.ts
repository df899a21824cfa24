import { createHash } from 'node:crypto';
import { type Clock, ForbiddenError, NotFoundError, newId, ValidationError } from '@hotline/common';
import {
  checkCommitKeepsRecords,
  checkWelcome,
  inspectCommit,
  inspectKeyPackage,
  inspectPrivateMessage,
  type MemberIdentity,
  MlsInspectError,
  toHex,
} from '@hotline/e2ee';
import { type Actor, authorize, mayMessage } from '../policy/policy.js';
import { writeAudit } from '../records/audit.js';
import type { RecordsService } from '../records/records-service.js';
import { MessagingEvents, recordsChannel } from './events.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import {
  directoryOf,
  EpochMovedOnError,
  entryToLeaf,
  isMember,
  leafToEntry,
  RecordsMemberRequiredError,
  rosterAfter,
} from './rules.js';

type Owner = { userId: string } | { recordsOfficeId: string };

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fromBase64(field: string, s: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  if (b.toString('base64') !== s) throw new ValidationError(`${field} is not canonical base64.`, { field });
  return new Uint8Array(b);
}

async function parsed<T>(field: string, f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof MlsInspectError) throw new ValidationError(`${field}: ${e.message}.`, { field });
    throw e;
  }
}

const groupIdBytes = (id: string) => new TextEncoder().encode(id);

/**
 * The delivery service of end-to-end encrypted messaging (MLS). It hands key packages out once,
 * takes one Commit per epoch per group (the first valid one; later ones get 409), delivers a
 * Welcome only with its accepted Commit, refuses a Commit that would leave the conversation
 * without an involved office's records member, and stores ciphertext only. Each write is one
 * transaction with its audit record (hashes and identities, never message content).
 */
export class MessagingService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    readonly events: MessagingEvents = new MessagingEvents(),
  ) {}

  /** 403 unless the key package's signature key has a live credential of this person and device. */
  private async requireCredential(field: string, userId: string, deviceId: string, key: Uint8Array) {
    if (await repo.liveCredential(this.db, userId, deviceId, key)) return;
    throw new ForbiddenError(
      `${field}: its signature key has no credential for device ${deviceId} of yours. Ask for one first (POST /api/v1/messaging/credentials with this deviceId and the signature key), then publish.`,
    );
  }

  /**
   * A Commit may add only people the committer may message (the policy module's `mayMessage`:
   * their own office; other offices' principals, staff, secretariat and liaisons), or another
   * device of the committer's own; each added person must be an active person of the office their
   * identity names. Records members are checked by the records rule.
   */
  private async requireMayAdd(tx: Db, actor: Actor, added: { identity: MemberIdentity | null }[]) {
    const persons = added.flatMap((a) => (a.identity?.kind === 'person' ? [a.identity] : []));
    if (added.some((a) => a.identity === null))
      throw new ValidationError('The Commit adds a member whose credential is not a Hotline identity.', {
        field: 'commit',
      });
    if (persons.length === 0) return;
    const people = new Map((await repo.activePeople(tx)).map((p) => [p.id, p]));
    for (const id of persons) {
      const p = people.get(id.personId);
      if (!p || p.officeId !== id.officeId)
        throw new ForbiddenError(
          `The Commit adds ${id.personId} of office ${id.officeId}, who is not an active person of that office; add people from the messaging directory.`,
        );
      if (p.id !== actor.userId && !mayMessage(actor, { id: p.id, officeId: p.officeId, roles: p.roles }))
        throw new ForbiddenError(
          `You may not message ${p.name} (${p.officeName}), so you cannot add them to a conversation; the messaging directory lists who you may reach.`,
        );
    }
  }

  /** A device publishes its key packages (its own identity only). */
  async publishKeyPackages(actor: Actor, keyPackages: { data: string; lastResort: boolean }[]) {
    const now = this.clock.now();
    const rows: Parameters<typeof repo.insertKeyPackages>[1] = [];
    for (const [i, kp] of keyPackages.entries()) {
      const field = `keyPackages[${i}].data`;
      const data = fromBase64(field, kp.data);
      const info = await parsed(field, () => inspectKeyPackage(data));
      const id = info.identity;
      if (id.kind !== 'person' || id.personId !== actor.userId || id.officeId !== actor.officeId) {
        throw new ForbiddenError(
          `${field} is for another member (${id.kind === 'person' ? id.personId : `records of ${id.officeId}`}); publish key packages for your own devices only.`,
        );
      }
      await this.requireCredential(field, actor.userId, id.deviceId, info.signatureKey);
      rows.push({
        ref: info.ref,
        owner_kind: 'person' as const,
        office_id: actor.officeId,
        user_id: actor.userId,
        device_id: id.deviceId,
        data,
        last_resort: kp.lastResort,
        uploaded_at: now,
      });
    }
    const lastResortDevices = rows.filter((r) => r.last_resort).map((r) => r.device_id);
    if (new Set(lastResortDevices).size !== lastResortDevices.length)
      throw new ValidationError('Each device has at most one last-resort key package.', {
        field: 'keyPackages',
      });
    if (new Set(rows.map((r) => r.ref)).size !== rows.length)
      throw new ValidationError('The same key package is listed twice.', { field: 'keyPackages' });
    return repo.transaction(this.db, async (tx) => {
      const dup = await repo.existingRefs(
        tx,
        rows.map((r) => r.ref),
      );
      if (dup.length > 0)
        throw new ValidationError(`Key package ${dup[0]} was published before; make new ones.`, {
          field: 'keyPackages',
        });
      for (const d of lastResortDevices) await repo.dropLastResort(tx, actor.userId, actor.officeId, d);
      await repo.insertKeyPackages(tx, rows);
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.key_packages_published',
        actor,
        details: {
          refs: rows.map((r) => r.ref),
          lastResort: rows.filter((r) => r.last_resort).map((r) => r.ref),
        },
      });
      return { refs: rows.map((r) => r.ref), recordSeq: rec.seq };
    });
  }

  /**
   * Publish the office's records member: its key package (kept as its last-resort package, so it
   * can join every conversation) and its signature key, the one clients and this server accept
   * as the office's records member.
   */
  async publishRecordsMember(actor: Actor, keyPackage: string, archivePublicKey: string) {
    authorize(actor, 'log.admin', "publish the office's records member");
    const data = fromBase64('keyPackage', keyPackage);
    const info = await parsed('keyPackage', () => inspectKeyPackage(data));
    if (info.identity.kind !== 'records' || info.identity.officeId !== actor.officeId)
      throw new ForbiddenError(
        "keyPackage must be a records member of your own office (kind 'records', your office id).",
      );
    const archiveKey = fromBase64('archivePublicKey', archivePublicKey);
    if (archiveKey.length !== 32)
      throw new ValidationError('archivePublicKey must be 32 bytes (an X25519 public key).', {
        field: 'archivePublicKey',
      });
    const now = this.clock.now();
    return repo.transaction(this.db, async (tx) => {
      if ((await repo.existingRefs(tx, [info.ref])).length > 0)
        throw new ValidationError('This key package was published before; make a new one.', {
          field: 'keyPackage',
        });
      await repo.dropLastResort(tx, null, actor.officeId, null);
      await repo.insertKeyPackages(tx, [
        {
          ref: info.ref,
          owner_kind: 'records',
          office_id: actor.officeId,
          user_id: null,
          device_id: null,
          data,
          last_resort: true,
          uploaded_at: now,
        },
      ]);
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.records_member_published',
        actor,
        details: {
          ref: info.ref,
          signatureKey: toHex(info.signatureKey),
          archivePublicKey: toHex(archiveKey),
        },
      });
      await repo.upsertRecordsKey(tx, {
        office_id: actor.officeId,
        signature_key: info.signatureKey,
        archive_public_key: archiveKey,
        key_package_ref: info.ref,
        published_by: actor.userId,
        published_at: now,
        record_seq: String(rec.seq),
      });
      return {
        officeId: actor.officeId,
        signatureKey: toHex(info.signatureKey),
        ref: info.ref,
        recordSeq: rec.seq,
      };
    });
  }

  /**
   * Claim key packages to add someone: one per device, each handed out once; a device with none
   * left gives its last-resort package (RFC 9750 §5.1). Safe under concurrent claims.
   */
  async claimKeyPackages(actor: Actor, owner: Owner) {
    const now = this.clock.now();
    return repo.transaction(this.db, async (tx) => {
      const devices = await repo.devicesWithPackages(tx, owner);
      const out = [];
      for (const device of devices) {
        const row =
          (await repo.claimOne(tx, owner, device, actor.userId, now)) ??
          (await repo.lastResortOf(tx, owner, device));
        if (row)
          out.push({
            ref: row.ref,
            deviceId: row.device_id,
            data: Buffer.from(row.data).toString('base64'),
            lastResort: row.last_resort,
          });
      }
      if (out.length === 0) {
        const who =
          'userId' in owner
            ? `person ${owner.userId}`
            : `the records member of office ${owner.recordsOfficeId}`;
        throw new NotFoundError('key packages of', who);
      }
      await writeAudit(tx, this.records, {
        action: 'messaging.key_packages_claimed',
        actor,
        subject: 'userId' in owner ? owner.userId : owner.recordsOfficeId,
        details: { refs: out.map((k) => k.ref) },
      });
      return { keyPackages: out };
    });
  }

  /** Register a new conversation: the creator's key package is its leaf 0, epoch 0. */
  async createGroup(actor: Actor, creatorKeyPackage: string) {
    const data = fromBase64('creatorKeyPackage', creatorKeyPackage);
    const info = await parsed('creatorKeyPackage', () => inspectKeyPackage(data));
    const id = info.identity;
    if (id.kind !== 'person' || id.personId !== actor.userId || id.officeId !== actor.officeId)
      throw new ForbiddenError('creatorKeyPackage must be one of your own devices.');
    await this.requireCredential('creatorKeyPackage', actor.userId, id.deviceId, info.signatureKey);
    const now = this.clock.now();
    const groupId = newId(now.getTime());
    const roster = [entryToLeaf({ leafIndex: 0, identity: id, signatureKey: info.signatureKey })];
    return repo.transaction(this.db, async (tx) => {
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.group_created',
        actor,
        subject: groupId,
        details: { groupId, creatorLeaf: roster[0] },
      });
      await repo.insertGroup(tx, {
        id: groupId,
        created_by: actor.userId,
        created_at: now,
        epoch: '0',
        roster,
        record_seq: String(rec.seq),
      });
      return {
        id: groupId,
        mlsGroupId: Buffer.from(groupIdBytes(groupId)).toString('base64'),
        epoch: 0,
        roster,
      };
    });
  }

  /**
   * Accept a Commit (PublicMessage) for the group's current epoch, or refuse it: 409 when another
   * Commit took this epoch first, 422 when it would drop a records member. Its Welcome is stored
   * for the added members in the same transaction, so it is delivered only with an accepted Commit.
   */
  async postCommit(actor: Actor, groupId: string, body: { commit: string; welcome?: string | undefined }) {
    const data = fromBase64('commit', body.commit);
    const info = await parsed('commit', () => inspectCommit(data));
    const welcome = body.welcome === undefined ? undefined : fromBase64('welcome', body.welcome);
    if (welcome) await parsed('welcome', () => checkWelcome(welcome));
    if (info.added.length > 0 && !welcome)
      throw new ValidationError('The Commit adds members: send its Welcome with it.', { field: 'welcome' });
    if (Buffer.compare(Buffer.from(info.groupId), Buffer.from(groupIdBytes(groupId))) !== 0)
      throw new ValidationError('The Commit is for another MLS group than this conversation.', {
        field: 'commit',
      });
    const now = this.clock.now();
    const out = await repo.transaction(this.db, async (tx) => {
      const group = await repo.lockGroup(tx, groupId);
      if (!group || !isMember(group.roster, actor.userId)) throw new NotFoundError('conversation', groupId);
      const epoch = BigInt(group.epoch);
      if (info.epoch !== epoch) throw new EpochMovedOnError(epoch, info.epoch);
      const sender = group.roster.find((l) => l.leafIndex === info.senderLeafIndex);
      if (sender?.kind !== 'person' || sender.userId !== actor.userId)
        throw new ForbiddenError(
          `The Commit is signed as leaf ${info.senderLeafIndex}, which is not one of your devices.`,
        );
      await this.requireMayAdd(tx, actor, info.added);
      const directory = directoryOf(await repo.recordsKeys(tx));
      const check = checkCommitKeepsRecords(group.roster.map(leafToEntry), info.changes, directory);
      if (!check.ok) throw new RecordsMemberRequiredError(check.reason);
      let roster: ReturnType<typeof rosterAfter>;
      try {
        roster = rosterAfter(group.roster, info.changes, {
          leafIndex: info.senderLeafIndex,
          leaf: info.committerLeaf,
        });
      } catch (e) {
        throw new ValidationError(`The Commit does not fit the conversation: ${(e as Error).message}.`, {
          field: 'commit',
        });
      }
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.commit_accepted',
        actor,
        subject: groupId,
        details: {
          groupId,
          epoch: Number(epoch),
          sha256: sha256(data),
          added: info.added.map((a) => ({ ref: a.ref, identity: a.identity })),
          removedLeaves: info.changes.flatMap((c) => (c.type === 'remove' ? [c.leafIndex] : [])),
        },
      });
      // The conversation's last seq before this one (the group is locked): a device at it needs no fetch.
      const prevSeq = await repo.maxSeq(tx, groupId);
      const seq = await repo.insertMessage(tx, {
        group_id: groupId,
        epoch,
        kind: 'commit',
        sender_user_id: actor.userId,
        data,
        created_at: now,
        record_seq: rec.seq,
      });
      if (welcome) {
        await repo.insertWelcomes(
          tx,
          info.added.map((a) => ({
            id: newId(now.getTime()),
            group_id: groupId,
            epoch: String(epoch + 1n),
            key_package_ref: a.ref,
            recipient_user_id: a.identity?.kind === 'person' ? a.identity.personId : null,
            recipient_office_id: a.identity?.officeId ?? null,
            data: welcome,
            created_at: now,
          })),
        );
      }
      await repo.advanceGroup(tx, groupId, epoch + 1n, roster);
      return {
        result: { seq, epoch: Number(epoch + 1n), recordSeq: rec.seq },
        prevSeq,
        told: [...personsOf([...group.roster, ...roster]), ...recordsOf(group.roster)],
        welcomed: info.added.flatMap((a) =>
          a.identity?.kind === 'person'
            ? [a.identity.personId]
            : a.identity?.kind === 'records'
              ? [recordsChannel(a.identity.officeId)]
              : [],
        ),
      };
    });
    const row = {
      seq: out.result.seq,
      epoch: Number(info.epoch),
      kind: 'commit' as const,
      senderUserId: actor.userId,
      at: now.toISOString(),
      archivedAt: null,
    };
    this.events.send(out.told, groupId, 'commit', out.result.seq, { row, data, prevSeq: out.prevSeq });
    this.events.send(out.welcomed, groupId, 'welcome', out.result.seq);
    return out.result;
  }

  /** Store an application message (PrivateMessage) of the current epoch; the server cannot read it. */
  async postMessage(actor: Actor, groupId: string, message: string) {
    const data = fromBase64('message', message);
    const info = await parsed('message', () => inspectPrivateMessage(data));
    if (info.contentType !== 'application')
      throw new ValidationError(
        'Handshake messages go to /commits as PublicMessage; /messages takes application messages.',
        { field: 'message' },
      );
    if (Buffer.compare(Buffer.from(info.groupId), Buffer.from(groupIdBytes(groupId))) !== 0)
      throw new ValidationError('The message is for another MLS group than this conversation.', {
        field: 'message',
      });
    const now = this.clock.now();
    const out = await repo.transaction(this.db, async (tx) => {
      const group = await repo.lockGroup(tx, groupId);
      if (!group || !isMember(group.roster, actor.userId)) throw new NotFoundError('conversation', groupId);
      const epoch = BigInt(group.epoch);
      if (info.epoch !== epoch) throw new EpochMovedOnError(epoch, info.epoch);
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.message_stored',
        actor,
        subject: groupId,
        details: { groupId, epoch: Number(epoch), sha256: sha256(data), bytes: data.length },
      });
      // The conversation's last seq before this one (the group is locked): a device at it needs no fetch.
      const prevSeq = await repo.maxSeq(tx, groupId);
      const seq = await repo.insertMessage(tx, {
        group_id: groupId,
        epoch,
        kind: 'application',
        sender_user_id: actor.userId,
        data,
        created_at: now,
        record_seq: rec.seq,
      });
      // The sender's own read mark moves past what they sent.
      await repo.setReadState(tx, groupId, actor.userId, seq, now);
      return {
        result: { seq, epoch: Number(epoch), recordSeq: rec.seq },
        prevSeq,
        told: [...personsOf(group.roster), ...recordsOf(group.roster)],
      };
    });
    const row = {
      seq: out.result.seq,
      epoch: out.result.epoch,
      kind: 'application' as const,
      senderUserId: actor.userId,
      at: now.toISOString(),
      archivedAt: null,
    };
    this.events.send(out.told, groupId, 'message', out.result.seq, { row, data, prevSeq: out.prevSeq });
    return out.result;
  }

  /** The caller has read the conversation up to `seq` (never moves back). */
  async markRead(actor: Actor, groupId: string, seq: number) {
    const group = await repo.findGroup(this.db, groupId);
    if (!group || !isMember(group.roster, actor.userId)) throw new NotFoundError('conversation', groupId);
    const last = await repo.maxSeq(this.db, groupId);
    if (seq > last)
      throw new ValidationError(`seq ${seq} is past the conversation's last message (${last}).`, {
        field: 'seq',
      });
    await repo.setReadState(this.db, groupId, actor.userId, seq, this.clock.now());
    return { groupId, seq };
  }

  /**
   * Disappearing messages: devices delete a message this long after it was sent, and only once
   * every records member of the conversation has acknowledged archiving it. null: kept.
   */
  async setSettings(actor: Actor, groupId: string, disappearAfterSeconds: number | null) {
    if (
      disappearAfterSeconds !== null &&
      (!Number.isInteger(disappearAfterSeconds) ||
        disappearAfterSeconds < 60 ||
        disappearAfterSeconds > 31_536_000)
    )
      throw new ValidationError(
        'disappearAfterSeconds is a whole number of seconds from 60 to 31536000, or null.',
        {
          field: 'disappearAfterSeconds',
        },
      );
    const out = await repo.transaction(this.db, async (tx) => {
      const group = await repo.lockGroup(tx, groupId);
      if (!group || !isMember(group.roster, actor.userId)) throw new NotFoundError('conversation', groupId);
      await writeAudit(tx, this.records, {
        action: 'messaging.settings_changed',
        actor,
        subject: groupId,
        details: { groupId, disappearAfterSeconds, before: group.disappear_after_seconds ?? null },
      });
      await repo.setDisappear(tx, groupId, disappearAfterSeconds);
      return { told: personsOf(group.roster), seq: await repo.maxSeq(tx, groupId) };
    });
    this.events.send(out.told, groupId, 'settings', out.seq);
    return { groupId, disappearAfterSeconds };
  }

  /** An encrypted file (the client encrypts it with a random key carried inside the MLS message). */
  async uploadBlob(actor: Actor, groupId: string, data: Uint8Array) {
    if (data.length === 0 || data.length > MAX_BLOB_BYTES)
      throw new ValidationError(`An encrypted file is 1 byte to ${MAX_BLOB_BYTES / 1_000_000} MB.`, {
        field: 'body',
      });
    const now = this.clock.now();
    const id = newId(now.getTime());
    const hash = sha256(data);
    return repo.transaction(this.db, async (tx) => {
      const group = await repo.lockGroup(tx, groupId);
      if (!group || !isMember(group.roster, actor.userId)) throw new NotFoundError('conversation', groupId);
      const rec = await writeAudit(tx, this.records, {
        action: 'messaging.blob_stored',
        actor,
        subject: groupId,
        details: { groupId, blobId: id, sha256: hash, bytes: data.length },
      });
      await repo.insertBlob(tx, {
        id,
        group_id: groupId,
        uploaded_by: actor.userId,
        data,
        sha256: hash,
        created_at: now,
        record_seq: String(rec.seq),
      });
      return { id, sha256: hash, bytes: data.length };
    });
  }
}

export const MAX_BLOB_BYTES = 25_000_000;

/** The live channels of a roster's records members. */
function recordsOf(roster: readonly { kind: string; officeId: string | null }[]): string[] {
  return [...new Set(roster.flatMap((l) => (l.kind === 'records' && l.officeId ? [l.officeId] : [])))].map(
    recordsChannel,
  );
}

/** The people (not records members) of a roster. */
function personsOf(roster: readonly { kind: string; userId: string | null }[]): string[] {
  return [...new Set(roster.flatMap((l) => (l.kind === 'person' && l.userId ? [l.userId] : [])))];
}
