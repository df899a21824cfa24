import {
  encryptMessage,
  joinFromWelcome,
  newKeyPackage,
  newSignatureKeyPair,
  safetyCode,
  verifyCredential,
} from '@hotline/e2ee';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import {
  b64,
  enc,
  messagingDevices,
  publishRecordsMember,
  startConversation,
  unb64,
} from '../helpers/messaging.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * The authentication service, the directory, conversations with unread counts, read state and
 * live events, on both databases, with real MLS clients.
 */
let t: TestContext;
let officeA: string;
let officeB: string;
let alice: Actor;
let bob: Actor;
let pressB: Actor;
let recordsA: Actor;
const devices = messagingDevices(() => t.ctx);

beforeAll(async () => {
  t = await newTestContext();
  officeA = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  officeB = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  alice = await newActor(t.ctx, officeA, ['staff']);
  recordsA = await newActor(t.ctx, officeA, ['records']);
  bob = await newActor(t.ctx, officeB, ['principal']);
  pressB = await newActor(t.ctx, officeB, ['press']);
});
afterAll(() => t.close());

describe('messaging credentials, directory and conversations', () => {
  it('issues a credential the authority key verifies, to a passkey session only (demo sign-in off the demo)', async () => {
    const keys = await newSignatureKeyPair();
    const body = { deviceId: 'phone-1', signaturePublicKey: b64(keys.publicKey) };
    await expect(t.ctx.messagingCredentials.issue(alice, 'demo', body)).rejects.toMatchObject({
      status: 403,
    });
    const c = await t.ctx.messagingCredentials.issue(alice, 'passkey', body);
    expect(c).toMatchObject({ officeId: officeA, personId: alice.userId, deviceId: 'phone-1' });
    const authority = await t.ctx.messagingCredentials.authorityKey();
    expect(authority.fingerprint).toMatch(/^[0-9a-f]{4}( [0-9a-f]{4}){7}$/);
    expect(await verifyCredential(c, unb64(authority.publicKey), { personId: alice.userId })).toEqual({
      ok: true,
    });
    // The same key twice is refused; a new key for the device replaces the old credential.
    await expect(t.ctx.messagingCredentials.issue(alice, 'passkey', body)).rejects.toMatchObject({
      status: 400,
    });
    const before = await safetyCode(alice.userId, (await t.ctx.messagingCredentials.of(alice.userId)).items);
    const next = await newSignatureKeyPair();
    await t.ctx.messagingCredentials.issue(alice, 'passkey', {
      ...body,
      signaturePublicKey: b64(next.publicKey),
    });
    const items = (await t.ctx.messagingCredentials.of(alice.userId)).items;
    expect(items.map((i) => i.signaturePublicKey)).toEqual([b64(next.publicKey)]);
    expect(await safetyCode(alice.userId, items)).not.toBe(before);
    // Bad input: what and where.
    await expect(
      t.ctx.messagingCredentials.issue(alice, 'passkey', {
        deviceId: 'has space',
        signaturePublicKey: b64(keys.publicKey),
      }),
    ).rejects.toMatchObject({ status: 400, extras: { field: 'deviceId' } });
  });

  it('refuses key packages whose signature key has no credential of that person and device (403)', async () => {
    const stray = await newKeyPackage({
      kind: 'person',
      officeId: officeA,
      personId: alice.userId,
      deviceId: 'tablet',
    });
    await expect(
      t.ctx.messaging.publishKeyPackages(alice, [{ data: b64(stray.publicBytes), lastResort: false }]),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/no credential for device tablet/),
    });
    await expect(t.ctx.messaging.createGroup(alice, b64(stray.publicBytes))).rejects.toMatchObject({
      status: 403,
    });
    const ok = await devices.keyPackage(alice, 'tablet');
    await expect(
      t.ctx.messaging.publishKeyPackages(alice, [{ data: b64(ok.publicBytes), lastResort: false }]),
    ).resolves.toMatchObject({ refs: [expect.any(String)] });
  });

  it('removes a lost device: its credential ends, its key packages go, it cannot publish again; audited', async () => {
    const lost = await devices.keyPackage(bob, 'lost-phone');
    await t.ctx.messaging.publishKeyPackages(bob, [
      { data: b64(lost.publicBytes), lastResort: false },
      { data: b64((await devices.keyPackage(bob, 'lost-phone')).publicBytes), lastResort: true },
    ]);
    await t.ctx.messaging.publishKeyPackages(bob, [
      { data: b64((await devices.keyPackage(bob, 'desk')).publicBytes), lastResort: false },
    ]);
    const before = (await t.ctx.messagingCredentials.of(bob.userId)).items.map((c) => c.deviceId);
    expect(before).toEqual(expect.arrayContaining(['lost-phone', 'desk']));
    expect(await t.ctx.messagingCredentials.revoke(bob, 'lost-phone')).toEqual({
      deviceId: 'lost-phone',
      revoked: 1,
    });
    const after = (await t.ctx.messagingCredentials.of(bob.userId)).items.map((c) => c.deviceId);
    expect(after).not.toContain('lost-phone');
    expect(after).toContain('desk');
    // No one can add it: none of its key packages is handed out, not even the last-resort one.
    const claimed = await t.ctx.messaging.claimKeyPackages(alice, { userId: bob.userId });
    expect(claimed.keyPackages.map((k) => k.deviceId)).not.toContain('lost-phone');
    // It cannot publish more with its old key, and removing it twice (or another's device) is 404.
    await expect(
      t.ctx.messaging.publishKeyPackages(bob, [{ data: b64(lost.publicBytes), lastResort: false }]),
    ).rejects.toMatchObject({ status: 403 });
    await expect(t.ctx.messagingCredentials.revoke(bob, 'lost-phone')).rejects.toMatchObject({ status: 404 });
    await expect(t.ctx.messagingCredentials.revoke(alice, 'desk')).rejects.toMatchObject({ status: 404 });
    const audit = await t.ctx.db
      .selectFrom('records')
      .select('kind')
      .where('kind', '=', 'audit.messaging.credential_revoked')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it("lists one's own office and other offices' principals, staff, secretariat and liaisons", async () => {
    const items = (await t.ctx.messagingQueries.directory(alice)).items;
    const ids = items.map((i) => i.personId);
    expect(ids).toContain(recordsA.userId);
    expect(ids).toContain(bob.userId);
    expect(ids).not.toContain(pressB.userId);
    expect(ids).not.toContain(alice.userId);
    expect(items.find((i) => i.personId === bob.userId)).toMatchObject({
      officeId: officeB,
      role: 'principal',
    });
  });

  it('lists conversations with who preserves them, unread counts, read state, and tells members live', async () => {
    const recordsB = await newActor(t.ctx, officeB, ['records']);
    const directory = new Map<string, Uint8Array>();
    for (const officer of [recordsA, recordsB])
      directory.set(officer.officeId, (await publishRecordsMember(t.ctx, officer)).signatureKey);
    const bobKp = await devices.keyPackage(bob, 'laptop');
    const bobRef = (
      await t.ctx.messaging.publishKeyPackages(bob, [{ data: b64(bobKp.publicBytes), lastResort: false }])
    ).refs[0]!;
    const seen: { userId: string; kind: string; seq: number }[] = [];
    const off = t.ctx.messaging.events.on((userId, msg) => {
      if (msg.type === 'messaging') seen.push({ userId, kind: msg.kind, seq: msg.seq });
    });
    const c = await startConversation(t.ctx, devices, alice, 'phone', directory, [
      { recordsOfficeId: officeA },
      { userId: bob.userId },
      { recordsOfficeId: officeB },
    ]);
    const g = { id: c.groupId };
    const commit = c.commit;
    let s = c.session;
    expect(seen).toEqual(
      expect.arrayContaining([
        { userId: alice.userId, kind: 'commit', seq: commit.seq },
        { userId: bob.userId, kind: 'commit', seq: commit.seq },
        { userId: bob.userId, kind: 'welcome', seq: commit.seq },
      ]),
    );
    const welcome = (await t.ctx.messagingQueries.welcomes(bob)).welcomes.find(
      (w) => w.keyPackageRef === bobRef,
    )!;
    await joinFromWelcome(unb64(welcome.data), bobKp, directory);
    const seqs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await encryptMessage(s, enc(`hello ${i}`));
      s = m.session;
      seqs.push((await t.ctx.messaging.postMessage(alice, g.id, b64(m.message))).seq);
    }
    expect(seen.filter((e) => e.userId === bob.userId && e.kind === 'message').map((e) => e.seq)).toEqual(
      seqs,
    );
    off();

    const mine = (await t.ctx.messagingQueries.conversations(bob)).items.find((c) => c.groupId === g.id)!;
    expect(mine).toMatchObject({
      memberPersonIds: expect.arrayContaining([alice.userId, bob.userId]),
      officeIds: expect.arrayContaining([officeA, officeB]),
      unread: 3,
      lastSeq: seqs[2],
      disappearAfterSeconds: null,
    });
    expect(mine.preservedBy.map((p) => p.officeId).sort()).toEqual([officeA, officeB].sort());
    expect(mine.title).toContain(alice.displayName);
    // The sender has read their own messages.
    expect(
      (await t.ctx.messagingQueries.conversations(alice)).items.find((c) => c.groupId === g.id)?.unread,
    ).toBe(0);
    await t.ctx.messaging.markRead(bob, g.id, seqs[1]!);
    expect(
      (await t.ctx.messagingQueries.conversations(bob)).items.find((c) => c.groupId === g.id)?.unread,
    ).toBe(1);
    // Read state never moves back, and never past the last message.
    await t.ctx.messaging.markRead(bob, g.id, 0);
    expect(
      (await t.ctx.messagingQueries.conversations(bob)).items.find((c) => c.groupId === g.id)?.unread,
    ).toBe(1);
    await expect(t.ctx.messaging.markRead(bob, g.id, seqs[2]! + 100)).rejects.toMatchObject({ status: 400 });
    // Others neither see it nor mark it.
    expect((await t.ctx.messagingQueries.conversations(pressB)).items).toEqual([]);
    await expect(t.ctx.messaging.markRead(pressB, g.id, 0)).rejects.toMatchObject({ status: 404 });

    // Disappearing messages: a setting members change, with its audit record.
    await t.ctx.messaging.setSettings(bob, g.id, 3600);
    expect(
      (await t.ctx.messagingQueries.conversations(alice)).items.find((c) => c.groupId === g.id)
        ?.disappearAfterSeconds,
    ).toBe(3600);
    await expect(t.ctx.messaging.setSettings(bob, g.id, 5)).rejects.toMatchObject({ status: 400 });
  });
});
