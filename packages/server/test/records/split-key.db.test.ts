import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/config.js';
import type { AppContext } from '../../src/context.js';
import type { Actor } from '../../src/policy/policy.js';
import { ArchiveSealedError } from '../../src/records/archive-key.js';
import { generateX25519, isPublicKeySealed } from '../../src/records/archive-key-x25519.js';
import { ARCHIVE_KEY_OPENED, ArchiveKeyCustody } from '../../src/records/key-custody.js';
import { loadArchiveKeyring, pendingArchiveKeyFile, resealArchive } from '../../src/records/key-rotation.js';
import { formatShare, type KeyShare, parseShare, splitArchiveKey } from '../../src/records/key-shares.js';
import { beginSplit, finishSplit, splitState } from '../../src/records/key-split.js';
import { archivePublicKeyFile } from '../../src/records/keys.js';
import { countSealedNotUnder } from '../../src/records/repository.js';
import { verifyLocal } from '../../src/records/verify.js';
import { newOfficeInput } from '../helpers/builders.js';
import { openSplitKeyFolder, type SplitKeyFolder } from '../helpers/split-key.js';

/**
 * Taking the archive key off the server (`hotline keys split`), on PGlite and PostgreSQL: every
 * content re-sealed to the archive public key (resumable after a crash), the key files removed
 * only when nothing is sealed under them, and afterwards a server that seals (capture works)
 * but reads sealed content only with k custodians' shares, each opening a record.
 */
let folder: SplitKeyFolder;
let db: SplitKeyFolder['db'];
let cfg: ServerConfig;
let dataDir: string;
const clock = new ManualClock('2026-03-02T14:00:00Z');
let before: AppContext;
let after: AppContext;
let officer: Actor;
let ownerEmail: string;
let itemId: string;
let memconDigest: string;
let shareTexts: string[];
let keyId: string;

const open = () => folder.open();
const eml = (id: string, body: string) => {
  const f = join(dataDir, `${id}.eml`);
  writeFileSync(
    f,
    [
      'From: Chief of Staff <cos@personal.example.com>',
      'To: President <potus@personal.example.com>',
      `Subject: Message ${id}`,
      'Date: Mon, 2 Feb 2026 10:00:00 +0000',
      `Message-ID: <${id}@personal.example.com>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      body,
      '',
    ].join('\r\n'),
  );
  return f;
};
const shares = (...i: number[]): KeyShare[] => i.map((n) => parseShare(shareTexts[n]!, `share-${n + 1}.txt`));
const openings = (ctx: AppContext) =>
  ctx.db
    .selectFrom('records')
    .select(['digest', 'seq'])
    .where('kind', '=', ARCHIVE_KEY_OPENED)
    .orderBy('seq')
    .execute();
const recordContent = async (ctx: AppContext, digest: string) =>
  ctx.custody.withArchiveKey(shares(0, 1), { purpose: 'verify', detail: 'test' }, async (c) =>
    JSON.parse(new TextDecoder().decode((await ctx.records.withCipher(c).content(ctx.db, digest))!)),
  );

beforeAll(async () => {
  folder = await openSplitKeyFolder('hotline-split-', { demo: '0' }, clock);
  ({ db, cfg, dataDir } = folder);
  before = await open();
  const office = (await before.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  const add = async (roles: ('records' | 'staff')[], email: string) => {
    const id = await before.db.transaction().execute((tx) =>
      before.identity.createActiveUser(tx, {
        officeId: office,
        email,
        displayName: `${roles[0]} person`,
        title: 'Adviser',
        timeZone: 'Europe/London',
        roles,
        demoPersona: false,
      }),
    );
    return { userId: id, officeId: office, roles, displayName: `${roles[0]} person` } as Actor;
  };
  officer = await add(['records'], 'records@example.gov');
  ownerEmail = 'owner@example.gov';
  await add(['staff'], ownerEmail);
  await before.capture.importFile(null, 'eml', eml('before-split', 'The figures are attached.'), {
    identifier: 'cos@personal.example.com',
    ownerEmail,
    official: false,
  });
  itemId = (await before.db.selectFrom('captured_items').select('id').executeTakeFirstOrThrow()).id;
  memconDigest = (
    await before.db
      .transaction()
      .execute((tx) =>
        before.records.append(tx, { kind: 'memcon.finalized', content: { text: 'the memcon' } }),
      )
  ).digest;
  await before.log.integrateAll();
}, 300_000);
afterAll(async () => {
  await before?.close();
  await after?.close();
  await folder?.remove();
});

describe('hotline keys split takes the archive key off the server', { timeout: 300_000 }, () => {
  it('re-seals every row to the public key, resumes after a crash, removes the key files only when nothing is under them', async () => {
    const pair = beginSplit(cfg.archiveKeyFile);
    keyId = pair.keyId;
    expect(existsSync(pendingArchiveKeyFile(cfg.archiveKeyFile))).toBe(true);
    const total = await countSealedNotUnder(db.db, keyId);
    expect(total).toBeGreaterThan(4);
    // A crash after the first batch: some rows re-sealed, the others still under the old key.
    let calls = 0;
    await expect(
      resealArchive(
        db.db,
        pair,
        () => {
          if (++calls === 2) throw new Error('killed');
        },
        2,
      ),
    ).rejects.toThrow('killed');
    const left = await countSealedNotUnder(db.db, keyId);
    expect(left).toBe(total - 2);
    // Both kinds of row open meanwhile: the old symmetric ones under the retired key.
    const mixed = before.records.withCipher(pair);
    const rows = await db.db.selectFrom('record_content').select(['digest', 'bytes', 'key_id']).execute();
    expect(new Set(rows.map((r) => r.key_id)).size).toBe(2);
    for (const r of rows) expect(await mixed.content(db.db, r.digest)).not.toBeNull();
    // The re-run finds the same pending key and completes.
    const again = beginSplit(cfg.archiveKeyFile);
    expect(again.keyId).toBe(keyId);
    expect(await resealArchive(db.db, again)).toBe(left);
    expect(await countSealedNotUnder(db.db, keyId)).toBe(0);
    for (const r of await db.db.selectFrom('record_content').select(['bytes']).execute())
      expect(isPublicKeySealed(new Uint8Array(r.bytes))).toBe(true);

    const privateKey = again.exportPrivateKey();
    const split = await splitArchiveKey(privateKey, ['Ada', 'Ben', 'Cleo'], 2, clock.now(), 'x25519');
    privateKey.fill(0);
    shareTexts = split.map(formatShare);
    await new ArchiveKeyCustody(db.db, before.records.withCipher(again)).recordSplit(split, 'operator@host');
    // A server still running with the old key seals one more row under it: nothing is removed.
    await db.db
      .transaction()
      .execute((tx) => before.records.append(tx, { kind: 'test.note', content: { late: true } }));
    const info = { threshold: 2, of: 3, split: split[0]!.splitId };
    await expect(finishSplit(db.db, cfg.archiveKeyFile, again.publicKey, info)).rejects.toThrow(
      /1 content rows are still sealed under an older archive key .* is kept/,
    );
    expect(existsSync(cfg.archiveKeyFile)).toBe(true);
    expect(splitState(cfg.archiveKeyFile).state).toBe('finishing');
    // The re-run of a split stopped there: re-seal with what the files hold, then finish.
    const keyring = loadArchiveKeyring(cfg.archiveKeyFile);
    expect(keyring.keyId).toBe(keyId);
    expect(await resealArchive(db.db, keyring)).toBe(1);
    const removed = await finishSplit(db.db, cfg.archiveKeyFile, again.publicKey, info);
    expect(removed).toEqual([cfg.archiveKeyFile, pendingArchiveKeyFile(cfg.archiveKeyFile)]);
    again.wipe();
    pair.wipe();
    keyring.wipe();
    expect(readdirSync(join(dataDir, 'keys')).filter((f) => f.startsWith('archive'))).toEqual([
      'archive.pub',
    ]);
    expect(readFileSync(archivePublicKeyFile(cfg.archiveKeyFile), 'utf8')).toMatch(/threshold: 2\nof: 3\n/);
    expect(splitState(cfg.archiveKeyFile).state).toBe('split');
    await before.close();
    after = await open();
    expect(after.cipher.canOpen).toBe(false);
    expect(after.cipher.keyId).toBe(keyId);
  });

  it('without shares nothing sealed is read: a clear problem naming k of n', async () => {
    const err = await after.records.content(after.db, memconDigest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArchiveSealedError);
    expect(err).toMatchObject({
      status: 409,
      code: 'archive_sealed',
      extras: { keyId, threshold: 2, of: 3 },
    });
    expect((err as Error).message).toMatch(/needs 2 of the 3 custodians' shares/);
    const item = await after.captureQueries.item(officer, itemId);
    expect(item.body).toBeNull();
    expect(item.sealed).toEqual({ keyId, threshold: 2, of: 3 });
    expect(() => after.transferJobs.start(officer, {})).toThrow(ArchiveSealedError);
    await expect(
      after.transfer.transfer(officer, { to: join(dataDir, 'refused'), search: {}, maxBagBytes: 1e6 }),
    ).rejects.toThrow(/needs 2 of the 3 custodians' shares/);
    expect(existsSync(join(dataDir, 'refused'))).toBe(false);
    // hotline verify without shares: the log and the content's presence, not its text.
    const v = await verifyLocal(after.db, after.log, after.records);
    expect(v.contentOpened).toBe(false);
  });

  it("k shares open a sealed item's body for one view, recorded with who took part; k−1 or another key's open nothing", async () => {
    const n0 = (await openings(after)).length;
    const item = await after.captureQueries.itemOpened(officer, itemId, shares(2, 0), after.custody);
    expect(item.body).toContain('The figures are attached.');
    expect(item.sealed).toBeUndefined();
    const rows = await openings(after);
    expect(rows).toHaveLength(n0 + 1);
    expect(await recordContent(after, rows.at(-1)!.digest)).toMatchObject({
      purpose: 'view',
      detail: `captured item ${itemId}`,
      keyId,
      threshold: 2,
      custodians: [
        { name: 'Cleo', share: 3 },
        { name: 'Ada', share: 1 },
      ],
    });
    const n1 = (await openings(after)).length;
    await expect(after.captureQueries.itemOpened(officer, itemId, shares(1), after.custody)).rejects.toThrow(
      /needs 2 of 3 custodians' shares; got 1 \(Ben\)/,
    );
    const other = await splitArchiveKey(generateX25519().privateKey, ['X', 'Y'], 2, clock.now(), 'x25519');
    await expect(after.captureQueries.itemOpened(officer, itemId, other, after.custody)).rejects.toThrow(
      /this server's archive key is/,
    );
    expect((await openings(after)).length).toBe(n1);
  });

  it('capture still works after the split, sealing to the public key only', async () => {
    await after.capture.importFile(null, 'eml', eml('after-split', 'Sealed on arrival.'), {
      identifier: 'cos@personal.example.com',
      ownerEmail,
      official: false,
    });
    const it2 = await after.db
      .selectFrom('captured_items')
      .select('id')
      .where('id', '!=', itemId)
      .executeTakeFirstOrThrow();
    const row = await after.db
      .selectFrom('captured_items as c')
      .innerJoin('records as r', 'r.id', 'c.record_id')
      .innerJoin('record_content as rc', 'rc.digest', 'r.digest')
      .select(['rc.bytes', 'rc.key_id'])
      .where('c.id', '=', it2.id)
      .executeTakeFirstOrThrow();
    expect(row.key_id).toBe(keyId);
    expect(isPublicKeySealed(new Uint8Array(row.bytes))).toBe(true);
    expect((await after.captureQueries.item(officer, it2.id)).body).toBeNull();
    expect(
      (await after.captureQueries.itemOpened(officer, it2.id, shares(0, 1), after.custody)).body,
    ).toContain('Sealed on arrival.');
  });

  it('a transfer opens the content with k shares, recorded; verify --shares checks every digest', async () => {
    const to = join(dataDir, 'transfer');
    const r = await after.transfer.transfer(officer, {
      to,
      search: {},
      maxBagBytes: 1e6,
      shares: shares(0, 1),
      by: 'operator@host',
    });
    expect(r.items).toBeGreaterThanOrEqual(2);
    const payload = readdirSync(join(to, r.bags[0]!.name, 'data'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.eml'))
      .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
    expect(payload.join('\n')).toContain('The figures are attached.');
    const last = (await openings(after)).at(-1)!;
    expect(await recordContent(after, last.digest)).toMatchObject({
      purpose: 'transfer',
      by: 'operator@host',
      custodians: [
        { name: 'Ada', share: 1 },
        { name: 'Ben', share: 2 },
      ],
    });
    await after.log.integrateAll();
    const v = await after.custody.withArchiveKey(shares(1, 2), { purpose: 'verify' }, (c) =>
      verifyLocal(after.db, after.log, after.records.withCipher(c)),
    );
    expect(v.contentOpened).toBe(true);
    expect(v.entries).toBeGreaterThan(5);
  });
});
