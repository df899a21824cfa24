import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encryptMessage, RecordsMember, sealForArchive } from '@hotline/e2ee';
import { AppContext, envToConfig, migrateToLatest, parseShare } from '@hotline/server';
import { describe, expect, it } from 'vitest';
import { newActor, newOfficeInput } from '../../server/test/helpers/builders.js';
import {
  b64,
  enc,
  messagingDevices,
  publishRecordsMember,
  startConversation,
  writeMessagingArchiveKeyFile,
} from '../../server/test/helpers/messaging.js';
import { cliDataFolder } from './run-cli.js';

/**
 * `hotline keys split` takes an office's messaging archive key under the split, and `hotline
 * messages open-archive` then needs k custodians' shares (issue 19 item 4), with the built CLI on
 * a PGlite data folder: the key file is gone after the split; without shares (or with the old key
 * file) the archive is refused, saying how many shares it needs; one share is refused; two open
 * every message and the opening is a record naming the two custodians.
 */
describe('hotline messages open-archive on a split archive key', () => {
  const { dataDir, run } = cliDataFolder({ prefix: 'hotline-messages-split-', keysInit: true });
  const keyFile = join(dataDir, 'messaging-archive.key');
  const copy = join(dataDir, 'a-copy-kept-somewhere.key');
  const texts = ['Draft communiqué agreed', 'Call moved to 14:00 UTC'];
  const keyFileB = join(dataDir, 'office-b-messaging-archive.key');
  let office = '';
  let officeB = '';
  let shares: string[] = [];

  it('archives messages sealed to the office messaging archive key', async () => {
    const ctx = await AppContext.fromConfig(envToConfig({ dataDir, logLevel: 'silent' }));
    try {
      await migrateToLatest(ctx.db);
      const devices = messagingDevices(() => ctx);
      office = (await ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
      const alice = await newActor(ctx, office, ['staff']);
      const officer = await newActor(ctx, office, ['records']);
      const { bundle, archive, signatureKey } = await publishRecordsMember(ctx, officer);
      writeMessagingArchiveKeyFile(keyFile, office, archive.privateKey);
      copyFileSync(keyFile, copy);
      // A second office, whose messaging key is taken under the split after it (its key alone, in base64).
      officeB = (await ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
      const b = await publishRecordsMember(ctx, await newActor(ctx, officeB, ['records']));
      writeFileSync(keyFileB, `${b64(b.archive.privateKey)}\n`, { mode: 0o600 });
      const directory = new Map([[office, signatureKey]]);
      const member = new RecordsMember(office, bundle, directory);
      const c = await startConversation(ctx, devices, alice, 'a', directory, [{ recordsOfficeId: office }]);
      const [welcome] = await ctx.messagingQueries.welcomesForRecords(office);
      await member.join(welcome!.data);
      let s = c.session;
      for (const text of texts) {
        const m = await encryptMessage(
          s,
          enc(JSON.stringify({ t: 'text', from: { personId: alice.userId }, text })),
        );
        s = m.session;
        const { seq } = await ctx.messaging.postMessage(alice, c.groupId, b64(m.message));
        const [d] = await ctx.messagingQueries.messagesForRecords(office, c.groupId, seq - 1, 1);
        const ev = await member.handle(c.groupId, d!.data);
        if (ev.kind !== 'application') throw new Error('expected an application message');
        const sealed = await sealForArchive(archive.publicKey, ev.plaintext, {
          groupId: c.groupId,
          epoch: ev.epoch,
          seq,
        });
        await ctx.recordsArchive.archive(office, { groupId: c.groupId, seq, sealed });
      }
      await ctx.log.integrateAll();
    } finally {
      await ctx.close();
    }
    // Before the split, the key file opens the archive.
    const r = await run('messages', 'open-archive', '--office', office, '--key', keyFile);
    expect(r.stderr).toContain(`2 archived message(s) of office ${office}, opened.`);
    expect(r.code).toBe(0);
  }, 180_000);

  it('keys split takes the messaging key under the split and removes its file', async () => {
    const r = await run(
      ...['keys', 'split', '--custodians', '3', '--threshold', '2'],
      ...['--names', 'Ada Lovelace,Ben Franklin,Cleo Archivist', '--out', join(dataDir, 'shares')],
      ...['--messaging-keys', keyFile],
    );
    expect(r.stderr).not.toMatch(/hotline:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Office ${office}'s messaging archive key`);
    expect(r.stdout).toContain(`removed ${keyFile}`);
    expect(existsSync(keyFile)).toBe(false);
    shares = readdirSync(join(dataDir, 'shares'))
      .sort()
      .map((f) => join(dataDir, 'shares', f));
    expect(shares).toHaveLength(3);
  }, 180_000);

  it('on the split server, keys split --messaging-keys takes another office’s key under the split, no new shares', async () => {
    // Neither the messaging key nor the custodians given: it says which to give.
    const bare = await run('keys', 'split');
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(
      /is already split \(2 of 3\)\. To take a messaging archive key under it, give --messaging-keys FILE/,
    );
    // Only the key file: no custodians or threshold needed, since no share is made.
    const r = await run('keys', 'split', '--messaging-keys', keyFileB);
    expect(r.stderr).not.toMatch(/hotline:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/is split \(2 of 3\)/);
    expect(r.stdout).toContain(`Office ${officeB}'s messaging archive key`);
    expect(r.stdout).toContain('is now sealed to the archive public key');
    expect(existsSync(keyFileB)).toBe(false);
    expect(readdirSync(join(dataDir, 'shares'))).toHaveLength(3);
    const refused = await run('messages', 'open-archive', '--office', officeB);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs 2 of the 3 custodians' shares/);
  }, 180_000);

  it('without shares, or with a kept copy of the key file, it is refused saying k of n shares are needed', async () => {
    for (const extra of [[], ['--key', copy]]) {
      const r = await run('messages', 'open-archive', '--office', office, ...extra);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/messaging archive key is under the split/);
      expect(r.stderr).toMatch(/needs 2 of the 3 custodians' shares/);
      expect(r.stderr).toMatch(/--shares/);
    }
  }, 120_000);

  it('one share is refused; two open every message, recorded with the custodians', async () => {
    const one = await run('messages', 'open-archive', '--office', office, '--shares', shares[1]!);
    expect(one.code).toBe(1);
    expect(one.stdout).toBe('');
    expect(one.stderr).toMatch(/needs 2 of 3 custodians' shares; got 1 \(Ben Franklin\)/);

    const two = await run(
      'messages',
      'open-archive',
      '--office',
      office,
      '--shares',
      `${shares[0]},${shares[2]}`,
    );
    expect(two.stderr).toContain(
      `2 archived message(s) of office ${office}, opened with the shares of Ada Lovelace, Cleo Archivist (recorded in the log).`,
    );
    expect(two.code).toBe(0);
    const lines = two.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l, i) => l.endsWith(texts[i]!))).toEqual([true, true]);

    // The log holds one opening (the refusals wrote none), naming who took part.
    const ctx = await AppContext.fromConfig(envToConfig({ dataDir, logLevel: 'silent' }));
    try {
      const rows = await ctx.db
        .selectFrom('records')
        .select('digest')
        .where('kind', '=', 'archive.key-opened')
        .execute();
      expect(rows).toHaveLength(1);
      const given = [shares[0]!, shares[1]!].map((f) => parseShare(readFileSync(f, 'utf8'), f));
      const content = await ctx.custody.withArchiveKey(
        given,
        { purpose: 'verify', detail: 'test' },
        async (c) =>
          JSON.parse(
            new TextDecoder().decode((await ctx.records.withCipher(c).content(ctx.db, rows[0]!.digest))!),
          ),
      );
      expect(content).toMatchObject({
        purpose: 'messaging-archive',
        detail: `messaging archive of office ${office}`,
        custodians: [
          { name: 'Ada Lovelace', share: 1 },
          { name: 'Cleo Archivist', share: 3 },
        ],
      });
    } finally {
      await ctx.close();
    }
  }, 180_000);
});
