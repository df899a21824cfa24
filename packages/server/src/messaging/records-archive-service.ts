import { createHash } from 'node:crypto';
import { type Clock, ConflictError, NotFoundError, ValidationError } from '@hotline/common';
import type { RecordsService } from '../records/records-service.js';
import type { MessagingEvents } from './events.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/**
 * The server's side of an office's records member: it takes each message the records member has
 * sealed to the office's archive public key and appends it to the records log (kind
 * `messaging.archived`), with the acknowledgement that the message is archived. The server
 * stores and proves the archive but cannot read it: the sealed bytes open only with the archive
 * private key, held by the records custodians.
 */
export class RecordsArchiveService {
  constructor(
    private readonly db: Db,
    private readonly records: RecordsService,
    private readonly clock: Clock,
    private readonly events?: MessagingEvents,
  ) {}

  async archive(officeId: string, item: { groupId: string; seq: number; sealed: Uint8Array }) {
    if (item.sealed.length < 48 || item.sealed.length > 2_000_000)
      throw new ValidationError('sealed must be an HPKE-sealed record (enc ‖ ciphertext).', {
        field: 'sealed',
      });
    const now = this.clock.now();
    const out = await repo.transaction(this.db, async (tx) => {
      const group = await repo.lockGroup(tx, item.groupId);
      if (!group?.roster.some((l) => l.kind === 'records' && l.officeId === officeId))
        throw new NotFoundError('conversation', item.groupId);
      const msg = await repo.messageAt(tx, item.groupId, item.seq);
      if (msg?.kind !== 'application') throw new NotFoundError('message', `${item.groupId}#${item.seq}`);
      const rec = await this.records.append(tx, {
        kind: 'messaging.archived',
        office: officeId,
        actor: null,
        subject: item.groupId,
        content: {
          groupId: item.groupId,
          seq: item.seq,
          epoch: Number(msg.epoch),
          /** The ciphertext the members received, so the archive is tied to what was delivered. */
          messageSha256: createHash('sha256').update(msg.data).digest('hex'),
          sealed: Buffer.from(item.sealed).toString('base64'),
        },
      });
      const fresh = await repo.insertArchived(tx, {
        group_id: item.groupId,
        seq: item.seq,
        office_id: officeId,
        record_seq: rec.seq,
        archived_at: now,
      });
      if (!fresh)
        throw new ConflictError(`Message ${item.seq} is already archived for this office.`, {
          code: 'already_archived',
        });
      const told = group.roster.flatMap((l) => (l.kind === 'person' && l.userId ? [l.userId] : []));
      return { result: { recordSeq: rec.seq }, told };
    });
    this.events?.send(out.told, item.groupId, 'archived', item.seq);
    return out.result;
  }
}
