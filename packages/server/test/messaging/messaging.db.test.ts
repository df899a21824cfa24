import {
  applyCommit,
  commitChanges,
  createConversation,
  decodeKeyPackage,
  decryptMessage,
  encryptMessage,
  joinFromWelcome,
  type KeyPackageBundle,
  newArchiveKeyPair,
  newKeyPackage,
  rosterOf,
  type Session,
  suite,
} from '@hotline/e2ee';
import { createCommit, encodeMlsMessage } from '@hotline/e2ee/raw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import {
  b64,
  enc,
  messagingDevices,
  publishRecordsMember as publishRecords,
  startConversation,
  unb64,
} from '../helpers/messaging.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Messaging's delivery service on both databases, driven by real MLS clients (packages/e2ee over
 * ts-mls): key packages handed out once under concurrent claims, one Commit per epoch (the first
 * wins, the rest get 409 and re-apply), Welcomes only with an accepted Commit, a Commit dropping
 * a records member refused, and ciphertext only in the tables.
 */
let t: TestContext;
let officeA: string;
let officeB: string;
let alice: Actor;
let bob: Actor;
let carol: Actor;
let recordsA: Actor;
let recordsB: Actor;
const directory = new Map<string, Uint8Array>();
const devices = messagingDevices(() => t.ctx);

/** A device publishes `n` key packages and a last-resort one; returns the bundles by ref order. */
async function publish(a: Actor, deviceId: string, n: number) {
  const bundles: KeyPackageBundle[] = [];
  for (let i = 0; i < n + 1; i++) bundles.push(await devices.keyPackage(a, deviceId));
  const r = await t.ctx.messaging.publishKeyPackages(
    a,
    bundles.map((b, i) => ({ data: b64(b.publicBytes), lastResort: i === n })),
  );
  return new Map(r.refs.map((ref, i) => [ref, bundles[i]!]));
}

beforeAll(async () => {
  t = await newTestContext();
  officeA = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  officeB = (await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput())).id;
  alice = await newActor(t.ctx, officeA, ['staff']);
  carol = await newActor(t.ctx, officeA, ['staff']);
  bob = await newActor(t.ctx, officeB, ['principal']);
  recordsA = await newActor(t.ctx, officeA, ['records']);
  recordsB = await newActor(t.ctx, officeB, ['records']);
  for (const o of [officeA, officeB]) archiveKeys.set(o, await newArchiveKeyPair());
});
afterAll(() => t.close());

const recordsBundles = new Map<string, KeyPackageBundle>();
/** Each office's archive key pair (the private half is the records custodians'). */
const archiveKeys = new Map<string, { publicKey: Uint8Array; privateKey: Uint8Array }>();
const archivePublic = (officeId: string) => b64(archiveKeys.get(officeId)!.publicKey);
async function publishRecordsMember(officer: Actor) {
  const r = await publishRecords(t.ctx, officer, { archive: archiveKeys.get(officer.officeId)! });
  recordsBundles.set(officer.officeId, r.bundle);
  directory.set(officer.officeId, r.signatureKey);
  return r.published;
}

/** Alice's conversation with Bob and both records members, registered with the server. */
async function conversation(bobBundles: Map<string, KeyPackageBundle>) {
  const c = await startConversation(t.ctx, devices, alice, 'phone', directory, [
    { recordsOfficeId: officeA },
    { userId: bob.userId },
    { recordsOfficeId: officeB },
  ]);
  const { claimed, session: aliceS } = c;
  const g = { id: c.groupId };
  expect(c.commit.epoch).toBe(1);
  const bobRef = claimed[1]!.ref;
  const welcome = (await t.ctx.messagingQueries.welcomes(bob)).welcomes.find((w) => w.groupId === g.id);
  expect(welcome?.keyPackageRef).toBe(bobRef);
  const bobS = await joinFromWelcome(unb64(welcome!.data), bobBundles.get(bobRef)!, directory);
  return { groupId: g.id, aliceS, bobS };
}

describe('messaging delivery service', () => {
  let bobBundles: Map<string, KeyPackageBundle>;
  beforeAll(async () => {
    await publishRecordsMember(recordsA);
    await publishRecordsMember(recordsB);
    bobBundles = await publish(bob, 'laptop', 4);
  });

  it('carries a conversation end to end: the server stores ciphertext only, members read it', async () => {
    const c = await conversation(bobBundles);
    const marker = `marker-${Date.now().toString(36)}-a7c1`;
    const sent = await encryptMessage(c.aliceS, enc(`${marker}: the text of the message`));
    const stored = await t.ctx.messaging.postMessage(alice, c.groupId, b64(sent.message));
    expect(stored.epoch).toBe(1);
    const got = await t.ctx.messagingQueries.messages(bob, c.groupId, 0, 100);
    expect(got.messages.map((m) => m.kind)).toEqual(['commit', 'application']);
    const plain = await decryptMessage(c.bobS, unb64(got.messages[1]!.data));
    expect(new TextDecoder().decode(plain.plaintext)).toBe(`${marker}: the text of the message`);
    // The tables hold ciphertext: the marker is in no stored message.
    const rows = await t.ctx.db.selectFrom('messaging_messages').select('data').execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(Buffer.from(r.data).includes(Buffer.from(marker))).toBe(false);
    // Someone outside the conversation can neither read nor post.
    await expect(t.ctx.messagingQueries.messages(carol, c.groupId, 0, 10)).rejects.toMatchObject({
      status: 404,
    });
    await expect(t.ctx.messaging.postMessage(carol, c.groupId, b64(sent.message))).rejects.toMatchObject({
      status: 404,
    });
  });

  it('refuses a Commit that removes a records member (422), leaving the conversation as it was', async () => {
    const c = await conversation(bobBundles);
    const recLeaf = rosterOf(c.aliceS).find(
      (e) => e.identity?.kind === 'records' && e.identity.officeId === officeB,
    )!;
    // The client refuses to make it; a client that skips the rule (ts-mls called directly) is refused by the server.
    await expect(commitChanges(c.aliceS, { remove: [recLeaf.leafIndex] })).rejects.toThrow(/records member/);
    const rogue = await createCommit(
      { state: c.aliceS.state, cipherSuite: await suite() },
      {
        extraProposals: [{ proposalType: 'remove', remove: { removed: recLeaf.leafIndex } }],
        wireAsPublicMessage: true,
      },
    );
    const before = await t.ctx.messagingQueries.group(alice, c.groupId);
    await expect(
      t.ctx.messaging.postCommit(alice, c.groupId, { commit: b64(encodeMlsMessage(rogue.commit)) }),
    ).rejects.toMatchObject({ status: 422, code: 'records_member_required' });
    expect(await t.ctx.messagingQueries.group(alice, c.groupId)).toEqual(before);
    expect((await t.ctx.messagingQueries.messages(alice, c.groupId, 0, 10)).messages).toHaveLength(1);
  });

  it('refuses a Commit adding someone the committer may not message (403), leaving the conversation as it was', async () => {
    const c = await conversation(bobBundles);
    // Office B's records officer is not in Alice's messaging directory (another office, not a
    // principal, staff, secretariat or liaison), even with a key package in hand.
    const theirs = await devices.keyPackage(recordsB, 'desk');
    await t.ctx.messaging.publishKeyPackages(recordsB, [
      { data: b64(theirs.publicBytes), lastResort: false },
    ]);
    const out = await commitChanges(c.aliceS, { add: [theirs.publicBytes] });
    const before = await t.ctx.messagingQueries.group(alice, c.groupId);
    await expect(
      t.ctx.messaging.postCommit(alice, c.groupId, { commit: b64(out.commit), welcome: b64(out.welcome!) }),
    ).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/may not message/) });
    expect(await t.ctx.messagingQueries.group(alice, c.groupId)).toEqual(before);
    expect((await t.ctx.messagingQueries.welcomes(recordsB)).welcomes).toEqual([]);
    // A colleague of her own office is fine.
    const carols = await devices.keyPackage(carol, 'tablet');
    await t.ctx.messaging.publishKeyPackages(carol, [{ data: b64(carols.publicBytes), lastResort: false }]);
    const ok = await commitChanges(c.aliceS, { add: [carols.publicBytes] });
    expect(
      (
        await t.ctx.messaging.postCommit(alice, c.groupId, {
          commit: b64(ok.commit),
          welcome: b64(ok.welcome!),
        })
      ).epoch,
    ).toBe(2);
  });

  it('refuses a conversation whose first Commit lacks the other office’s records member', async () => {
    const own = await devices.keyPackage(alice, 'phone');
    const g = await t.ctx.messaging.createGroup(alice, b64(own.publicBytes));
    const s = await createConversation(enc(g.id), own, directory);
    const bobKp = (await t.ctx.messaging.claimKeyPackages(alice, { userId: bob.userId })).keyPackages[0]!;
    const recA = (await t.ctx.messaging.claimKeyPackages(alice, { recordsOfficeId: officeA }))
      .keyPackages[0]!;
    // Built with ts-mls directly: our client would refuse to build it.
    const rogue = await createCommit(
      { state: s.state, cipherSuite: await suite() },
      {
        extraProposals: [unb64(recA.data), unb64(bobKp.data)].map((d) => ({
          proposalType: 'add' as const,
          add: { keyPackage: decodeKeyPackage(d) },
        })),
        wireAsPublicMessage: true,
        ratchetTreeExtension: true,
      },
    );
    const welcome = encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_welcome',
      welcome: rogue.welcome!,
    });
    await expect(
      t.ctx.messaging.postCommit(alice, g.id, {
        commit: b64(encodeMlsMessage(rogue.commit)),
        welcome: b64(welcome),
      }),
    ).rejects.toMatchObject({ status: 422 });
    // No Welcome was delivered for the refused Commit.
    expect((await t.ctx.messagingQueries.welcomes(bob)).welcomes.filter((w) => w.groupId === g.id)).toEqual(
      [],
    );
  });

  it('accepts the first of five Commits for one epoch; the others get 409, re-apply and commit next', async () => {
    const c = await conversation(bobBundles);
    const carolBundles = await publish(carol, 'tablet', 6);
    const carolRefs = [...carolBundles.keys()];
    // Five concurrent Commits for epoch 1, each adding one of Carol's key packages (with its Welcome).
    const attempts = await Promise.all(
      carolRefs.slice(0, 5).map(async (ref) => {
        const out = await commitChanges(c.aliceS, { add: [carolBundles.get(ref)!.publicBytes] });
        return { ref, out };
      }),
    );
    const results = await Promise.allSettled(
      attempts.map((a) =>
        t.ctx.messaging.postCommit(alice, c.groupId, {
          commit: b64(a.out.commit),
          welcome: b64(a.out.welcome!),
        }),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ status: 409, code: 'epoch_moved_on' });
    const winner = attempts[won[0]!]!;
    // Only the winner's Welcome is delivered.
    const welcomes = (await t.ctx.messagingQueries.welcomes(carol)).welcomes.filter(
      (w) => w.groupId === c.groupId,
    );
    expect(welcomes.map((w) => w.keyPackageRef)).toEqual([winner.ref]);
    // Bob applies the accepted Commit; his next Commit (for epoch 2) is accepted.
    const msgs = (await t.ctx.messagingQueries.messages(bob, c.groupId, 0, 100)).messages;
    let bobS: Session = c.bobS;
    for (const m of msgs.filter((x) => x.kind === 'commit' && x.epoch >= 1))
      bobS = await applyCommit(bobS, unb64(m.data));
    const next = await commitChanges(bobS, {});
    expect((await t.ctx.messaging.postCommit(bob, c.groupId, { commit: b64(next.commit) })).epoch).toBe(3);
    // A Commit for a past epoch is refused.
    const stale = await commitChanges(c.aliceS, {});
    await expect(
      t.ctx.messaging.postCommit(alice, c.groupId, { commit: b64(stale.commit) }),
    ).rejects.toMatchObject({
      status: 409,
    });
  });

  it('hands each key package out once under 20 concurrent claims; the last-resort one covers the rest', async () => {
    const dave = await newActor(t.ctx, officeB, ['staff']);
    const bundles = await publish(dave, 'phone', 8);
    const refs = [...bundles.keys()];
    const lastResort = refs[8]!;
    const claims = await Promise.all(
      Array.from({ length: 20 }, () => t.ctx.messaging.claimKeyPackages(alice, { userId: dave.userId })),
    );
    const got = claims.map((c) => c.keyPackages[0]!.ref);
    const regular = got.filter((r) => r !== lastResort);
    expect(new Set(regular).size).toBe(regular.length);
    expect(regular.sort()).toEqual(refs.slice(0, 8).sort());
    expect(got.filter((r) => r === lastResort)).toHaveLength(12);
    const rows = await t.ctx.db
      .selectFrom('messaging_key_packages')
      .select(['ref', 'claimed_at', 'last_resort'])
      .where('user_id', '=', dave.userId)
      .execute();
    expect(rows.filter((r) => !r.last_resort && r.claimed_at === null)).toEqual([]);
    expect(rows.find((r) => r.last_resort)?.claimed_at).toBeNull();
  });

  it('refuses key packages for someone else and non-MLS bytes, writing nothing', async () => {
    const forBob = await devices.keyPackage(bob, 'laptop');
    await expect(
      t.ctx.messaging.publishKeyPackages(alice, [{ data: b64(forBob.publicBytes), lastResort: false }]),
    ).rejects.toMatchObject({
      status: 403,
    });
    await expect(
      t.ctx.messaging.publishKeyPackages(alice, [{ data: b64(enc('not mls at all')), lastResort: false }]),
    ).rejects.toMatchObject({
      status: 400,
    });
    const records = await newKeyPackage({ kind: 'records', officeId: officeA });
    await expect(
      t.ctx.messaging.publishRecordsMember(alice, b64(records.publicBytes), archivePublic(officeA)),
    ).rejects.toMatchObject({ status: 403 });
    const n = await t.ctx.db
      .selectFrom('messaging_key_packages')
      .select('ref')
      .where('user_id', '=', alice.userId)
      .execute();
    expect(n).toEqual([]);
  });
});
