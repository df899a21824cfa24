import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  encryptMessage,
  newArchiveKeyPair,
  RecordsMember,
  type Session,
  sealForArchive,
} from '@hotline/e2ee';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/config.js';
import type { AppContext } from '../../src/context.js';
import {
  demoMessagingArchiveKeyFiles,
  MESSAGING_ARCHIVE_KEY_SEALED,
  openMessagingArchiveWithShares,
  sealedMessagingKeys,
  sealMessagingArchiveKeys,
} from '../../src/messaging/archive-key-split.js';
import { openMessagingArchive } from '../../src/messaging/archive-reader.js';
import type { Actor } from '../../src/policy/policy.js';
import { ArchiveSealedError } from '../../src/records/archive-key.js';
import { ARCHIVE_KEY_OPENED, ArchiveKeyCustody } from '../../src/records/key-custody.js';
import { resealArchive } from '../../src/records/key-rotation.js';
import { formatShare, type KeyShare, parseShare, splitArchiveKey } from '../../src/records/key-shares.js';
import { beginSplit, finishSplit, splitState } from '../../src/records/key-split.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import {
  b64,
  enc,
  messagingDevices,
  publishRecordsMember,
  startConversation,
  writeMessagingArchiveKeyFile,
} from '../helpers/messaging.js';
import { openSplitKeyFolder, type SplitKeyFolder } from '../helpers/split-key.js';

/**
 * The messaging archive under the split of the archive key (issue 19 item 4), on PGlite and
 * PostgreSQL: `hotline keys split` seals the office's messaging archive private key to the archive
 * public key and removes its file; the records member still archives new messages (it needs only
 * the messaging public key); reading the messaging archive then needs k of n custodians' shares,
 * each opening recorded with who took part, and fewer shares open nothing.
 */
let folder: SplitKeyFolder;
let cfg: ServerConfig;
let dataDir: string;
let ctx: AppContext;
let office: string;
let alice: Actor;
let archive: { publicKey: Uint8Array; privateKey: Uint8Array };
let keyFile: string;
let groupId: string;
let member: RecordsMember;
let session: Session;
let shareTexts: string[];
const texts = ['before the split, one', 'before the split, two'];
const devices = messagingDevices(() => ctx);

const open = () => folder.open();
const shares = (...i: number[]): KeyShare[] => i.map((n) => parseShare(shareTexts[n]!, `share-${n + 1}.txt`));
/** Send a message and have the records member archive it, as its process does. */
const sendAndArchive = async (text: string) => {
  const m = await encryptMessage(session, enc(text));
  session = m.session;
  const { seq } = await ctx.messaging.postMessage(alice, groupId, b64(m.message));
  const [delivered] = await ctx.messagingQueries.messagesForRecords(office, groupId, seq - 1, 1);
  const ev = await member.handle(groupId, delivered!.data);
  if (ev.kind !== 'application') throw new Error('expected an application message');
  const sealed = await sealForArchive(archive.publicKey, ev.plaintext, { groupId, epoch: ev.epoch, seq });
  await ctx.recordsArchive.archive(office, { groupId, seq, sealed });
};
const openings = () =>
  ctx.db.selectFrom('records').select(['digest', 'seq']).where('kind', '=', ARCHIVE_KEY_OPENED).execute();

beforeAll(async () => {
  folder = await openSplitKeyFolder('hotline-split-messaging-', { demo: '0' });
  ({ cfg, dataDir } = folder);
  ctx = await open();
  office = (await ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  alice = await newActor(ctx, office, ['staff']);
  const officer = await newActor(ctx, office, ['records']);
  const published = await publishRecordsMember(ctx, officer);
  archive = published.archive;
  // Where the demo keeps the custodians' messaging archive key (demo-records-members.ts).
  const dir = join(dataDir, 'demo-records-custodians', office);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  keyFile = join(dir, 'archive.key');
  writeFileSync(
    keyFile,
    `${JSON.stringify({ kind: 'hotline-messaging-archive/1', officeId: office, privateKey: b64(archive.privateKey), publicKey: b64(archive.publicKey) })}\n`,
    { mode: 0o600 },
  );
  const directory = new Map([[office, published.signatureKey]]);
  member = new RecordsMember(office, published.bundle, directory);
  const c = await startConversation(ctx, devices, alice, 'a', directory, [{ recordsOfficeId: office }]);
  groupId = c.groupId;
  session = c.session;
  const [welcome] = await ctx.messagingQueries.welcomesForRecords(office);
  await member.join(welcome!.data);
  for (const t of texts) await sendAndArchive(t);
}, 300_000);
afterAll(async () => {
  await ctx?.close();
  await folder?.remove();
});

describe('the messaging archive under the split of the archive key', { timeout: 300_000 }, () => {
  it('keys split seals the messaging key to the archive public key and removes its file; a wrong file seals nothing', async () => {
    expect(demoMessagingArchiveKeyFiles(dataDir)).toEqual([keyFile]);
    const pair = beginSplit(cfg.archiveKeyFile);
    try {
      await resealArchive(ctx.db, pair);
      const records = ctx.records.withCipher(pair);
      // A key no office published (and naming none) is refused, and nothing is sealed, not even the good one.
      const stray = join(dataDir, 'stray.key');
      writeFileSync(stray, `${b64((await newArchiveKeyPair()).privateKey)}\n`, { mode: 0o600 });
      await expect(
        sealMessagingArchiveKeys(ctx.db, records, pair, [keyFile, stray], 'operator@host'),
      ).rejects.toThrow(
        /stray\.key: no office's records member publishes this messaging archive key.*Nothing was sealed/,
      );
      expect(await sealedMessagingKeys(ctx.db, office)).toHaveLength(0);
      expect(existsSync(keyFile)).toBe(true);
      // The demo's file: sealed, recorded, removed.
      const done = await sealMessagingArchiveKeys(ctx.db, records, pair, [keyFile], 'operator@host');
      expect(done).toMatchObject([{ file: keyFile, officeId: office, sealed: true }]);
      expect(existsSync(keyFile)).toBe(false);
      const rows = await sealedMessagingKeys(ctx.db, office);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.archive_key_id).toBe(pair.keyId);
      // What the database holds is sealed: the private key is not in it.
      expect(Buffer.from(rows[0]!.sealed).includes(Buffer.from(archive.privateKey))).toBe(false);
      expect(Buffer.from(rows[0]!.sealed).toString('latin1')).not.toContain(b64(archive.privateKey));
      const rec = await ctx.db
        .selectFrom('records')
        .select(['office_id', 'subject'])
        .where('kind', '=', MESSAGING_ARCHIVE_KEY_SEALED)
        .execute();
      expect(rec).toEqual([{ office_id: office, subject: expect.stringMatching(/^messaging-archive-key:/) }]);
      // A re-run (a crash before the file was removed) seals nothing again and removes the file.
      writeMessagingArchiveKeyFile(keyFile, office, archive.privateKey);
      expect(await sealMessagingArchiveKeys(ctx.db, records, pair, [keyFile], 'operator@host')).toMatchObject(
        [{ sealed: false }],
      );
      expect(existsSync(keyFile)).toBe(false);
      expect(await sealedMessagingKeys(ctx.db, office)).toHaveLength(1);

      const privateKey = pair.exportPrivateKey();
      const split = await splitArchiveKey(
        privateKey,
        ['Ada Lovelace', 'Ben Franklin', 'Cleo Archivist'],
        2,
        new Date(),
        'x25519',
      );
      privateKey.fill(0);
      shareTexts = split.map(formatShare);
      await new ArchiveKeyCustody(ctx.db, records).recordSplit(split, 'operator@host');
      await finishSplit(ctx.db, cfg.archiveKeyFile, pair.publicKey, {
        threshold: 2,
        of: 3,
        split: split[0]!.splitId,
      });
      expect(splitState(cfg.archiveKeyFile).state).toBe('split');
    } finally {
      pair.wipe();
    }
    // The server from now on: only the archive public key.
    await ctx.close();
    ctx = await open();
    expect(ctx.records.archiveKey).toMatchObject({ canOpen: false, split: { threshold: 2, of: 3 } });
  });

  it('the records member still archives new messages: it needs only the messaging public key', async () => {
    await sendAndArchive('after the split');
    expect(await ctx.messagingQueries.archived(office, groupId)).toHaveLength(3);
  });

  it('without shares the archive does not open: its records need the custodians', async () => {
    await expect(openMessagingArchive(ctx, office, archive.privateKey)).rejects.toBeInstanceOf(
      ArchiveSealedError,
    );
  });

  it('fewer than k shares are refused before anything is opened or recorded', async () => {
    const before = (await openings()).length;
    await expect(
      openMessagingArchiveWithShares(ctx, office, shares(2), { by: 'operator@host' }),
    ).rejects.toThrow(/needs 2 of 3 custodians' shares; got 1 \(Cleo Archivist\)/);
    expect(await openings()).toHaveLength(before);
  });

  it('k shares open every message, and the opening is a record naming the custodians', async () => {
    const before = (await openings()).length;
    const opened = await openMessagingArchiveWithShares(ctx, office, shares(0, 2), {
      by: 'operator@host',
      groupId,
    });
    expect(opened.map((m) => new TextDecoder().decode(m.plaintext))).toEqual([...texts, 'after the split']);
    const after = await openings();
    expect(after).toHaveLength(before + 1);
    const last = after.sort((a, b) => Number(a.seq) - Number(b.seq)).at(-1)!;
    // Reading the record itself needs the shares too (it is archive content).
    const content = await ctx.custody.withArchiveKey(
      shares(0, 1),
      { purpose: 'verify', detail: 'test' },
      async (c) =>
        JSON.parse(new TextDecoder().decode((await ctx.records.withCipher(c).content(ctx.db, last.digest))!)),
    );
    expect(content).toMatchObject({
      purpose: 'messaging-archive',
      detail: `messaging archive of office ${office}, conversation ${groupId}`,
      by: 'operator@host',
      threshold: 2,
      custodians: [
        { name: 'Ada Lovelace', share: 1 },
        { name: 'Cleo Archivist', share: 3 },
      ],
    });
  });

  it('an office whose messaging key is not under the split is told so', async () => {
    const other = (await ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
    await expect(
      openMessagingArchiveWithShares(ctx, other, shares(0, 1), { by: 'operator@host' }),
    ).rejects.toThrow(/not under the split/);
  });
});
