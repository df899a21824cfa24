import {
  commitChanges,
  encryptMessage,
  type KeyPackageBundle,
  newArchiveKeyPair,
  RecordsMember,
  sealForArchive,
} from '@hotline/e2ee';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMessagingArchive } from '../../src/messaging/archive-reader.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import { b64, enc, messagingDevices, publishRecordsMember, startConversation } from '../helpers/messaging.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * The records member against the delivery service, on both databases: it joins by the Welcome
 * the server holds for its office, follows the conversation, seals each message to the office's
 * archive public key, and the server appends the sealed record to the records log with the
 * message's acknowledgement. The server's tables and records log never hold the text; the
 * archive private key opens every message, in order.
 */
let t: TestContext;
let office: string;
let alice: Actor;
let bob: Actor;
let officer: Actor;
const devices = messagingDevices(() => t.ctx);

beforeAll(async () => {
  t = await newTestContext();
  office = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  alice = await newActor(t.ctx, office, ['staff']);
  bob = await newActor(t.ctx, office, ['principal']);
  officer = await newActor(t.ctx, office, ['records']);
});
afterAll(() => t.close());

describe('records member', () => {
  it('archives every message sealed to the archive key; the server holds no text', async () => {
    const { bundle: recKp, archive, signatureKey } = await publishRecordsMember(t.ctx, officer);
    const directory = new Map([[office, signatureKey]]);
    const records = new RecordsMember(office, recKp, directory);

    const bobKps: KeyPackageBundle[] = [await devices.keyPackage(bob, 'b')];
    await t.ctx.messaging.publishKeyPackages(bob, [{ data: b64(bobKps[0]!.publicBytes), lastResort: false }]);
    const c = await startConversation(t.ctx, devices, alice, 'a', directory, [
      { recordsOfficeId: office },
      { userId: bob.userId },
    ]);
    const g = { id: c.groupId };
    let s = c.session;

    const markers = Array.from(
      { length: 5 },
      (_, i) => `marker-${i}-${Math.random().toString(36).slice(2, 10)}`,
    );
    for (const [i, m] of markers.entries()) {
      if (i === 3) {
        const next = await commitChanges(s, {});
        s = next.session;
        await t.ctx.messaging.postCommit(alice, g.id, { commit: b64(next.commit) });
      }
      const r = await encryptMessage(s, enc(m));
      s = r.session;
      await t.ctx.messaging.postMessage(alice, g.id, b64(r.message));
    }

    // The records member's loop: Welcomes for its office, then each conversation's messages.
    const welcomes = await t.ctx.messagingQueries.welcomesForRecords(office);
    expect(welcomes.map((w) => w.groupId)).toEqual([g.id]);
    await records.join(welcomes[0]!.data);
    const delivered = await t.ctx.messagingQueries.messagesForRecords(office, g.id, 0, 100);
    for (const m of delivered.filter((x) => x.epoch >= 1)) {
      const ev = await records.handle(g.id, m.data);
      if (ev.kind !== 'application') continue;
      const sealed = await sealForArchive(archive.publicKey, ev.plaintext, {
        groupId: g.id,
        epoch: ev.epoch,
        seq: m.seq,
      });
      await t.ctx.recordsArchive.archive(office, { groupId: g.id, seq: m.seq, sealed });
    }
    const appSeqs = delivered.filter((m) => m.kind === 'application').map((m) => m.seq);
    expect(await t.ctx.messagingQueries.archived(office, g.id)).toEqual(appSeqs);
    // Archiving twice is refused.
    await expect(
      t.ctx.recordsArchive.archive(office, { groupId: g.id, seq: appSeqs[0]!, sealed: new Uint8Array(64) }),
    ).rejects.toMatchObject({ status: 409 });

    // What the server can read of each record with its own (at-rest) key: the sealed bytes, no text.
    const entries = await t.ctx.db
      .selectFrom('records')
      .select(['seq', 'digest'])
      .where('kind', '=', 'messaging.archived')
      .orderBy('seq')
      .execute();
    for (const e of entries) {
      const readable = new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, e.digest))!);
      for (const m of markers) expect(readable).not.toContain(m);
    }
    // The records log holds each message sealed: opened with the archive private key, in order.
    const archiveOpened = await openMessagingArchive(t.ctx, office, archive.privateKey, { groupId: g.id });
    expect(archiveOpened.map((m) => m.recordSeq)).toEqual(entries.map((e) => Number(e.seq)));
    expect(archiveOpened.map((m) => m.seq)).toEqual(appSeqs);
    const opened = archiveOpened.map((m) => new TextDecoder().decode(m.plaintext));
    // Another key opens nothing, and says which record it could not open.
    await expect(openMessagingArchive(t.ctx, office, (await newArchiveKeyPair()).privateKey)).rejects.toThrow(
      /record #\d+ .* does not open with this archive key/,
    );
    expect(opened).toEqual(markers);

    // No marker anywhere in the messaging tables or the records log's stored content.
    const tables = [
      'messaging_messages',
      'messaging_welcomes',
      'messaging_key_packages',
      'messaging_groups',
      'records',
      'record_content',
    ] as const;
    for (const table of tables) {
      const rows = await t.ctx.db.selectFrom(table).selectAll().execute();
      const dump = Buffer.concat(
        rows.flatMap((r) =>
          Object.values(r).map((v) =>
            v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(JSON.stringify(v) ?? ''),
          ),
        ),
      );
      for (const m of markers) expect(dump.includes(Buffer.from(m)), `${m} in ${table}`).toBe(false);
    }
  });
});
