import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@hotline/common';
import {
  applyCommit,
  commitChanges,
  decryptMessage,
  encryptMessage,
  joinFromWelcome,
  openArchived,
  rosterOf,
  type Session,
} from '@hotline/e2ee';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { type DemoRecordsMembers, startRecordsMembers } from '../../src/messaging/demo-records-members.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import { b64, enc, messagingDevices, startConversation, unb64 } from '../helpers/messaging.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * The real `hotline records-member` processes (one per office, run from the CLI sources with
 * tsx) against a real server over HTTP, on both databases: they publish their keys through the
 * parent, join by Welcome, and archive every message sealed to their office's archive key. A
 * removed member can no longer read or send. Unique markers in the messages and a file appear in
 * no table, stored blob or records-member output, while each office's archive private key opens
 * every message in order.
 */
let t: TestContext;
let app: App;
let members: DemoRecordsMembers;
let officeA: string;
let officeB: string;
let alice: Actor;
let bob: Actor;
let carol: Actor;
let clockTimer: NodeJS.Timeout;
const devices = messagingDevices(() => t.ctx);
const root = fileURLToPath(new URL('../../../../', import.meta.url));

async function until<T>(what: string, f: () => Promise<T | undefined | false>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  t = await newTestContext();
  // The records members sign with the real time: keep the server's clock with it.
  t.clock.set(Date.now());
  clockTimer = setInterval(() => t.clock.set(Date.now()), 200);
  officeA = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  officeB = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  alice = await newActor(t.ctx, officeA, ['staff']);
  carol = await newActor(t.ctx, officeA, ['staff']);
  bob = await newActor(t.ctx, officeB, ['principal']);
  const officers = [await newActor(t.ctx, officeA, ['records']), await newActor(t.ctx, officeB, ['records'])];
  app = await buildApp(t.ctx, { webDir: null });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  members = await startRecordsMembers(t.ctx, officers, url, createLogger({ level: 'warn' }), [
    process.execPath,
    '--import',
    'tsx',
    join(root, 'packages/cli/src/hotline.ts'),
  ]);
  await members.ready;
}, 240_000);
afterAll(async () => {
  clearInterval(clockTimer);
  await members?.close();
  await app?.close();
  await t?.close();
});

describe('the records-member process', () => {
  it('archives every message of a two-office conversation; markers appear nowhere but in the opened archive', async () => {
    const directory = new Map(
      (await t.ctx.messagingQueries.recordsMembers()).map((r) => [
        r.officeId,
        unb64(Buffer.from(r.signatureKey, 'hex').toString('base64')),
      ]),
    );
    expect([...directory.keys()].sort()).toEqual([officeA, officeB].sort());
    const bobKp = await devices.keyPackage(bob, 'laptop');
    const carolKp = await devices.keyPackage(carol, 'phone');
    await t.ctx.messaging.publishKeyPackages(bob, [{ data: b64(bobKp.publicBytes), lastResort: true }]);
    await t.ctx.messaging.publishKeyPackages(carol, [{ data: b64(carolKp.publicBytes), lastResort: true }]);
    const c = await startConversation(t.ctx, devices, alice, 'phone', directory, [
      { recordsOfficeId: officeA },
      { userId: bob.userId },
      { userId: carol.userId },
      { recordsOfficeId: officeB },
    ]);
    const g = { id: c.groupId };
    let s: Session = c.session;
    let carolS = await joinFromWelcome(
      unb64((await t.ctx.messagingQueries.welcomes(carol)).welcomes.find((w) => w.groupId === g.id)!.data),
      carolKp,
      directory,
    );

    const tag = Math.random().toString(36).slice(2, 10);
    const markers = Array.from({ length: 6 }, (_, i) => `MARKER-${tag}-${i}`);
    // A file: encrypted on the client with a random key that travels inside the MLS message.
    const fileKey = crypto.getRandomValues(new Uint8Array(16));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const aes = await crypto.subtle.importKey('raw', fileKey, 'AES-GCM', false, ['encrypt']);
    const fileCipher = new Uint8Array(
      await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, aes, enc(`file body ${markers[5]}`)),
    );
    const blob = await t.ctx.messaging.uploadBlob(alice, g.id, fileCipher);
    const texts = markers.map((m, i) =>
      i === 5
        ? JSON.stringify({ file: blob.id, key: b64(fileKey), iv: b64(iv), name: `${m}.txt` })
        : `text ${m}`,
    );
    const seqs: number[] = [];
    for (const [i, text] of texts.entries()) {
      if (i === 3) {
        // Carol is removed: her device can no longer read what follows, and the server refuses her.
        const carolLeaf = rosterOf(s).find(
          (e) => e.identity?.kind === 'person' && e.identity.personId === carol.userId,
        )!;
        const rm = await commitChanges(s, { remove: [carolLeaf.leafIndex] });
        s = rm.session;
        await t.ctx.messaging.postCommit(alice, g.id, { commit: b64(rm.commit) });
        carolS = await applyCommit(carolS, rm.commit).catch(() => carolS);
      }
      const m = await encryptMessage(s, enc(text));
      s = m.session;
      seqs.push((await t.ctx.messaging.postMessage(alice, g.id, b64(m.message))).seq);
    }
    // Removed: no read, no send.
    await expect(t.ctx.messagingQueries.messages(carol, g.id, 0, 100)).rejects.toMatchObject({ status: 404 });
    const late = (await t.ctx.messagingQueries.messages(alice, g.id, seqs[2]!, 100)).messages.filter(
      (m) => m.kind === 'application',
    );
    await expect(decryptMessage(carolS, unb64(late[0]!.data))).rejects.toThrow();
    const fromCarol = await encryptMessage(carolS, enc('after removal')).catch(() => undefined);
    if (fromCarol)
      await expect(t.ctx.messaging.postMessage(carol, g.id, b64(fromCarol.message))).rejects.toMatchObject({
        status: 404,
      });

    // Both offices' records members archive every message (the processes, over HTTP).
    for (const office of [officeA, officeB])
      await until(`office ${office} to archive`, async () => {
        const done = await t.ctx.messagingQueries.archived(office, g.id);
        return seqs.every((q) => done.includes(q)) && done;
      });
    const listed = (await t.ctx.messagingQueries.messages(alice, g.id, 0, 100)).messages;
    for (const m of listed.filter((x) => x.kind === 'application')) expect(m.archivedAt).not.toBeNull();

    // Each office's archive, opened with its private key (the custodians'), holds every message in order.
    for (const office of [officeA, officeB]) {
      const key = JSON.parse(
        readFileSync(join(t.dataDir, 'demo-records-custodians', office, 'archive.key'), 'utf8'),
      ) as { privateKey: string };
      const entries = await t.ctx.db
        .selectFrom('records')
        .select(['seq', 'digest'])
        .where('kind', '=', 'messaging.archived')
        .where('office_id', '=', office)
        .orderBy('seq')
        .execute();
      const opened: string[] = [];
      for (const e of entries) {
        const c = JSON.parse(
          new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, e.digest))!),
        ) as {
          groupId: string;
          seq: number;
          epoch: number;
          sealed: string;
        };
        if (c.groupId !== g.id) continue;
        const at = { groupId: c.groupId, epoch: BigInt(c.epoch), seq: c.seq };
        opened.push(new TextDecoder().decode(await openArchived(unb64(key.privateKey), unb64(c.sealed), at)));
      }
      expect(opened).toEqual(texts);
    }

    // The markers are nowhere on the server: every table (all columns, as text and bytes), the stored blob.
    const tables = await t.ctx.db.introspection.getTables();
    let scanned = 0;
    for (const table of tables) {
      const rows = await t.ctx.db
        .selectFrom(table.name as never)
        .selectAll()
        .execute();
      for (const r of rows as Record<string, unknown>[])
        for (const v of Object.values(r)) {
          const bytes =
            v instanceof Uint8Array
              ? Buffer.from(v)
              : Buffer.from(typeof v === 'string' ? v : JSON.stringify(v ?? null));
          scanned += bytes.length;
          for (const m of markers) expect(bytes.includes(m), `${m} in ${table.name}`).toBe(false);
        }
    }
    expect(scanned).toBeGreaterThan(10_000);
    const stored = await t.ctx.messagingQueries.blob(alice, g.id, blob.id);
    expect(Buffer.from(stored.data).includes(markers[5]!)).toBe(false);
    // Nor in the records members' key and state files (their MLS state holds keys, not messages).
    for (const office of [officeA, officeB])
      for (const f of ['records-member.key', 'state.json']) {
        const file = join(t.dataDir, 'records-member', office, f);
        expect(statSync(file).mode & 0o077).toBe(0);
        for (const m of markers) expect(readFileSync(file, 'utf8')).not.toContain(m);
      }
  }, 240_000);
});
