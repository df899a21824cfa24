import { type ArchiveContext, openArchived } from '@hotline/e2ee';
import type { AppContext } from '../context.js';
import type { RecordsService } from '../records/records-service.js';

/** One archived message, opened with the office's archive private key. */
export interface OpenedMessage {
  /** Its record in the records log (`messaging.archived`) and when the log sequenced it. */
  recordSeq: number;
  sequencedAt: string;
  groupId: string;
  /** Its place in the conversation: the delivery service's sequence number and the MLS epoch. */
  seq: number;
  epoch: number;
  /** SHA-256 of the ciphertext the members received (the record ties the archive to it). */
  messageSha256: string;
  plaintext: Uint8Array;
}

interface ArchivedContent {
  groupId: string;
  seq: number;
  epoch: number;
  messageSha256: string;
  sealed: string;
}

/**
 * Read an office's messaging archive: every `messaging.archived` record of the office in log
 * order (optionally of one conversation), each opened with the archive private key (HPKE, bound
 * to its conversation, epoch and place, so a record moved elsewhere does not open). The server
 * holds only the sealed bytes; this needs the private key, which the records custodians hold.
 * A record that does not open with this key (nor any of `archivePrivateKey`, when the office had
 * several archive keys) throws, naming the record. `records` reads the records' content (on a
 * split server: one holding the archive key rebuilt from custodians' shares).
 */
export async function openMessagingArchive(
  ctx: AppContext,
  officeId: string,
  archivePrivateKey: Uint8Array | readonly Uint8Array[],
  opts: { groupId?: string; records?: RecordsService } = {},
): Promise<OpenedMessage[]> {
  const keys = archivePrivateKey instanceof Uint8Array ? [archivePrivateKey] : archivePrivateKey;
  const records = opts.records ?? ctx.records;
  const rows = await ctx.db
    .selectFrom('records')
    .select(['seq', 'digest', 'at'])
    .where('kind', '=', 'messaging.archived')
    .where('office_id', '=', officeId)
    .orderBy('seq')
    .execute();
  const out: OpenedMessage[] = [];
  for (const r of rows) {
    const bytes = await records.content(ctx.db, r.digest);
    if (!bytes) throw new Error(`record #${r.seq}: its content is not stored on this server`);
    const c = JSON.parse(new TextDecoder().decode(bytes)) as ArchivedContent;
    if (opts.groupId && c.groupId !== opts.groupId) continue;
    const at: ArchiveContext = { groupId: c.groupId, epoch: BigInt(c.epoch), seq: c.seq };
    const sealed = new Uint8Array(Buffer.from(c.sealed, 'base64'));
    let plaintext: Uint8Array | null = null;
    for (const key of keys) {
      try {
        plaintext = await openArchived(key, sealed, at);
        break;
      } catch {
        // not this key
      }
    }
    if (!plaintext)
      throw new Error(
        `record #${r.seq} (conversation ${c.groupId}, message ${c.seq}) does not open with this archive key: is it office ${officeId}'s archive private key?`,
      );
    out.push({
      recordSeq: Number(r.seq),
      sequencedAt: new Date(r.at).toISOString(),
      groupId: c.groupId,
      seq: c.seq,
      epoch: c.epoch,
      messageSha256: c.messageSha256,
      plaintext,
    });
  }
  return out;
}
