import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptMessage, newKeyPackage, type Session, signRecordsRequest } from '@hotline/e2ee';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { ensureRecordsMemberKey, RecordsMemberClient } from '../../src/messaging/records-member-process.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import { b64, enc, messagingDevices, publishRecordsMember, startConversation } from '../helpers/messaging.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * The records member follows the live channel (issue 16): its fallback poll is set to ten
 * minutes here, so a message archived within the test's wait came by the live socket; and one
 * archived straight from the event's ciphertext is counted as such (no fetch). Stopped, it misses
 * messages; started again from its folder, it catches up on every one of them.
 */
let t: TestContext;
let app: App;
let url: string;
let office: string;
let alice: Actor;
let bob: Actor;
let dir: string;
let clockTimer: NodeJS.Timeout;
const devices = messagingDevices(() => t.ctx);
const TEN_MINUTES = 600_000;

async function until<T>(what: string, f: () => Promise<T | undefined | false> | T, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start() {
  return ensureRecordsMemberKey(dir, office).then(({ bundle }) => {
    const client = new RecordsMemberClient({ officeId: office, dir, url, pollMs: TEN_MINUTES }, bundle);
    const running = client.run();
    return { client, running };
  });
}

beforeAll(async () => {
  t = await newTestContext();
  // The records member signs with the real time: keep the server's clock with it.
  t.clock.set(Date.now());
  clockTimer = setInterval(() => t.clock.set(Date.now()), 200);
  office = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  alice = await newActor(t.ctx, office, ['staff']);
  bob = await newActor(t.ctx, office, ['principal']);
  const officer = await newActor(t.ctx, office, ['records']);
  dir = mkdtempSync(join(tmpdir(), 'hotline-records-member-'));
  await publishRecordsMember(t.ctx, officer, { bundle: (await ensureRecordsMemberKey(dir, office)).bundle });
  app = await buildApp(t.ctx, { webDir: null });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
}, 120_000);
afterAll(async () => {
  clearInterval(clockTimer);
  await app?.close();
  await t?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the records member on the live channel', () => {
  it('archives a message from its live event, and catches up on what it missed while down', async () => {
    let rm = await start();
    await until('the live socket', () => rm.client.live);
    const directory = new Map([[office, rm.client.signatureKey]]);

    // A conversation with Bob and the records member: the Welcome event makes it join.
    const bobKp = await devices.keyPackage(bob, 'b');
    await t.ctx.messaging.publishKeyPackages(bob, [{ data: b64(bobKp.publicBytes), lastResort: true }]);
    const c = await startConversation(t.ctx, devices, alice, 'a', directory, [
      { recordsOfficeId: office },
      { userId: bob.userId },
    ]);
    const g = { id: c.groupId };
    const commit = c.commit;
    let s: Session = c.session;
    const send = async (text: string) => {
      const m = await encryptMessage(s, enc(text));
      s = m.session;
      return (await t.ctx.messaging.postMessage(alice, g.id, b64(m.message))).seq;
    };
    const archived = (seqs: number[]) => async () => {
      const done = await t.ctx.messagingQueries.archived(office, g.id);
      return seqs.every((q) => done.includes(q));
    };
    // Joined and caught up to the Commit (the state file says so once the pass is done).
    await until('the join', async () => {
      const groups = (rm.client as unknown as { state: { groups: Record<string, { after: number }> } }).state
        .groups;
      return groups[g.id]?.after === commit.seq;
    });

    // Live: archived with no poll due for ten minutes. The first may meet a pass still running
    // (the join's, under load), which then fetches it; the second finds the member idle and is
    // archived from the event's own ciphertext.
    const first = await send('first, delivered live');
    await until('the live message to be archived', archived([first]));
    const second = await send('second, delivered live');
    await until('the next live message to be archived', archived([second]));
    // (The member counts a message once the server's answer is back: a moment after the server has it.)
    await until('the member to count them', () => rm.client.archived === 2);
    expect(rm.client.archivedLive).toBeGreaterThanOrEqual(1);

    // Down: nothing is archived; three messages wait.
    rm.client.stop();
    await rm.running;
    const missed = [await send('third, while down'), await send('fourth'), await send('fifth')];
    expect(await archived(missed)()).toBe(false);

    // Up again from the same folder: it catches up at start, then follows live again.
    rm = await start();
    await until('the catch-up', archived(missed));
    await until('the live socket', () => rm.client.live);
    const after = await send('sixth, live again');
    await until('the next live message', archived([after]));
    await until('the member to count them', () => rm.client.archived >= 4);
    expect(rm.client.archived).toBe(4);
    rm.client.stop();
    await rm.running;
  }, 180_000);

  it('refuses a live socket signed with another key than the office published', async () => {
    const stranger = await newKeyPackage({ kind: 'records', officeId: office });
    const auth = await signRecordsRequest(
      stranger.privateKeys.signaturePrivateKey,
      office,
      'GET',
      '/api/v1/live',
      new Uint8Array(0),
    );
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v1/live`, {
      headers: { authorization: auth },
    });
    const first = await new Promise<{ type: string; code?: string }>((resolve, reject) => {
      ws.once('message', (d) => resolve(JSON.parse(String(d)) as { type: string; code?: string }));
      ws.once('error', reject);
    });
    expect(first).toMatchObject({ type: 'error', code: 'unauthenticated' });
    ws.close();
  });
});
