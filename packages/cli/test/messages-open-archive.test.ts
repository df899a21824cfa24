import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  commitChanges,
  createConversation,
  encryptMessage,
  newArchiveKeyPair,
  type Session,
} from '@hotline/e2ee';
import { AppContext, buildApp, envToConfig, migrateToLatest } from '@hotline/server';
import { ensureRecordsMemberKey, RecordsMemberClient } from '@hotline/server/records-member';
import { describe, expect, it } from 'vitest';
import { newActor, newOfficeInput } from '../../server/test/helpers/builders.js';
import {
  b64,
  enc,
  messagingDevices,
  unb64,
  writeMessagingArchiveKeyFile,
} from '../../server/test/helpers/messaging.js';
import { cliDataFolder } from './run-cli.js';

/**
 * `hotline messages open-archive` against real data: a server on a PGlite data folder, real MLS
 * conversations, and the records member (its client, over HTTP and the live channel) archiving
 * each message sealed to the office's archive key. Then, the server closed, the built CLI opens the
 * archive with the archive private key file and prints every message, in order; another key
 * opens nothing and says which record it could not open.
 */
describe('hotline messages open-archive, on messages the records member archived', () => {
  const { dataDir, run } = cliDataFolder({ prefix: 'hotline-open-archive-', keysInit: true });
  let office = '';
  let groupId = '';
  let alice = '';
  const texts = ['Draft communiqué agreed', 'Call moved to 14:00 UTC', 'Thanks — see you in Evian'];

  it('the records member archives a real conversation while the server runs', async () => {
    const ctx = await AppContext.fromConfig(envToConfig({ dataDir, logLevel: 'silent' }));
    let member: RecordsMemberClient | undefined;
    let running: Promise<void> | undefined;
    const app = await buildApp(ctx, { webDir: null });
    try {
      await migrateToLatest(ctx.db);
      const devices = messagingDevices(() => ctx);
      office = (await ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
      const a = await newActor(ctx, office, ['staff']);
      const bob = await newActor(ctx, office, ['principal']);
      const officer = await newActor(ctx, office, ['records']);
      alice = a.userId;
      // The records member's key (its own folder), and the office's archive key pair: the
      // private half goes to the custodians' file the CLI reads.
      const { bundle } = await ensureRecordsMemberKey(join(dataDir, 'records-member'), office);
      const archive = await newArchiveKeyPair();
      writeMessagingArchiveKeyFile(join(dataDir, 'archive-private.key'), office, archive.privateKey);
      await ctx.messaging.publishRecordsMember(officer, b64(bundle.publicBytes), b64(archive.publicKey));
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      member = new RecordsMemberClient(
        { officeId: office, dir: join(dataDir, 'records-member'), url },
        bundle,
      );
      running = member.run();

      const directory = new Map([[office, member.signatureKey]]);
      const bobKp = await devices.keyPackage(bob, 'b');
      await ctx.messaging.publishKeyPackages(bob, [{ data: b64(bobKp.publicBytes), lastResort: true }]);
      const own = await devices.keyPackage(a, 'a');
      const g = await ctx.messaging.createGroup(a, b64(own.publicBytes));
      groupId = g.id;
      let s: Session = await createConversation(enc(g.id), own, directory);
      const claimed = [
        ...(await ctx.messaging.claimKeyPackages(a, { recordsOfficeId: office })).keyPackages,
        ...(await ctx.messaging.claimKeyPackages(a, { userId: bob.userId })).keyPackages,
      ];
      const add = await commitChanges(s, { add: claimed.map((k) => unb64(k.data)) });
      s = add.session;
      await ctx.messaging.postCommit(a, g.id, { commit: b64(add.commit), welcome: b64(add.welcome!) });
      const seqs: number[] = [];
      for (const [i, text] of texts.entries()) {
        // As the staff app writes a message (packages/web/src/messages/wire.ts).
        const payload = { t: 'text', id: `m${i}`, from: { personId: a.userId, deviceId: 'a' }, text };
        const m = await encryptMessage(s, enc(JSON.stringify(payload)));
        s = m.session;
        seqs.push((await ctx.messaging.postMessage(a, g.id, b64(m.message))).seq);
      }
      const end = Date.now() + 60_000;
      for (;;) {
        const done = await ctx.messagingQueries.archived(office, g.id);
        if (seqs.every((q) => done.includes(q))) break;
        if (Date.now() > end) throw new Error(`archived only ${done.join(', ')} of ${seqs.join(', ')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      member?.stop();
      await running;
      await app.close();
      await ctx.close();
    }
  }, 180_000);

  it('opens every message in order with the archive private key', async () => {
    const r = await run(
      'messages',
      'open-archive',
      '--office',
      office,
      '--key',
      join(dataDir, 'archive-private.key'),
    );
    expect(r.stderr).toContain(`3 archived message(s) of office ${office}, opened.`);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    lines.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^#\\d+ \\S+ conversation ${groupId} message \\d+: `));
      expect(line.endsWith(`${alice}: ${texts[i]}`)).toBe(true);
    });
    const json = await run(
      ...['messages', 'open-archive', '--office', office, '--key', join(dataDir, 'archive-private.key')],
      ...['--conversation', groupId, '--json'],
    );
    expect(json.code).toBe(0);
    const opened = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { groupId: string; plaintext: string });
    expect(opened.map((o) => (JSON.parse(o.plaintext) as { text: string }).text)).toEqual(texts);
  }, 120_000);

  it('another key opens nothing, and says which record did not open', async () => {
    const other = await newArchiveKeyPair();
    writeFileSync(join(dataDir, 'other.key'), `${b64(other.privateKey)}\n`, { mode: 0o600 });
    const r = await run('messages', 'open-archive', '--office', office, '--key', join(dataDir, 'other.key'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/record #\d+/);
    for (const t of texts) expect(r.stderr).not.toContain(t);
  }, 120_000);
});
