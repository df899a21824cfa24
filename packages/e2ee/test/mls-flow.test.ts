import { createCommit, encodeMlsMessage } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import {
  applyCommit,
  commitChanges,
  createConversation,
  decodeKeyPackage,
  decodePrivateKeys,
  decryptMessage,
  encodePrivateKeys,
  encryptMessage,
  epochAuthenticator,
  epochOf,
  exportSession,
  importSession,
  joinFromWelcome,
  type MemberIdentity,
  newKeyPackage,
  ownLeafIndex,
  RecordsMemberError,
  rosterOf,
  suite,
} from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function member(identity: MemberIdentity) {
  return { identity, kp: await newKeyPackage(identity) };
}

async function setup() {
  const alice = await member({ kind: 'person', officeId: 'office-a', personId: 'alice', deviceId: 'phone' });
  const bob = await member({ kind: 'person', officeId: 'office-b', personId: 'bob', deviceId: 'laptop' });
  const recA = await member({ kind: 'records', officeId: 'office-a' });
  const recB = await member({ kind: 'records', officeId: 'office-b' });
  const directory = new Map([
    ['office-a', decodeKeyPackage(recA.kp.publicBytes).leafNode.signaturePublicKey],
    ['office-b', decodeKeyPackage(recB.kp.publicBytes).leafNode.signaturePublicKey],
  ]);
  const created = await createConversation(enc('group-1'), alice.kp, directory);
  const added = await commitChanges(created, {
    add: [recA.kp.publicBytes, bob.kp.publicBytes, recB.kp.publicBytes],
  });
  if (added.welcome === undefined) throw new Error('no welcome');
  const bobS = await joinFromWelcome(added.welcome, bob.kp, directory);
  const recAS = await joinFromWelcome(added.welcome, recA.kp, directory);
  const recBS = await joinFromWelcome(added.welcome, recB.kp, directory);
  return { alice, bob, recA, recB, directory, aliceS: added.session, bobS, recAS, recBS };
}

describe('e2ee: MLS conversations with records members', () => {
  it('joins by Welcome, agrees on the epoch, and delivers a message to every member including both records members', async () => {
    const s = await setup();
    expect(epochOf(s.aliceS)).toBe(1n);
    expect(epochAuthenticator(s.bobS)).toEqual(epochAuthenticator(s.aliceS));
    expect(epochAuthenticator(s.recBS)).toEqual(epochAuthenticator(s.aliceS));
    const sent = await encryptMessage(s.aliceS, enc('marker-7f3a hello bob'));
    expect(Buffer.from(sent.message).includes(Buffer.from('marker-7f3a'))).toBe(false);
    for (const reader of [s.bobS, s.recAS, s.recBS]) {
      const got = await decryptMessage(reader, sent.message);
      expect(dec(got.plaintext)).toBe('marker-7f3a hello bob');
      // The sender comes from the MLS sender data, checked by the leaf's signature.
      expect(got.sender.leafIndex).toBe(ownLeafIndex(s.aliceS));
      expect(got.sender.identity).toMatchObject({ kind: 'person' });
      expect(got.sender.identity).toEqual(
        rosterOf(s.aliceS).find((e) => e.leafIndex === ownLeafIndex(s.aliceS))?.identity,
      );
    }
    const fromBob = await encryptMessage(s.bobS, enc('from bob'));
    expect((await decryptMessage(s.recAS, fromBob.message)).sender.leafIndex).toBe(ownLeafIndex(s.bobS));
    expect(rosterOf(s.aliceS).map((e) => e.identity?.kind)).toEqual([
      'person',
      'records',
      'person',
      'records',
    ]);
  });

  it('refuses to commit, and refuses to apply, a Commit removing a records member', async () => {
    const s = await setup();
    const recALeaf = rosterOf(s.aliceS).find(
      (e) => e.identity?.kind === 'records' && e.identity.officeId === 'office-a',
    );
    if (recALeaf === undefined) throw new Error('records member missing');
    await expect(commitChanges(s.aliceS, { remove: [recALeaf.leafIndex] })).rejects.toThrow(
      RecordsMemberError,
    );
    await expect(commitChanges(s.aliceS, { remove: [recALeaf.leafIndex] })).rejects.toThrow(/office-a/);
    // A client that skips the rule (here: ts-mls called directly) still cannot get others to apply it.
    const rogue = await createCommit(
      { state: s.aliceS.state, cipherSuite: await suite() },
      {
        extraProposals: [{ proposalType: 'remove', remove: { removed: recALeaf.leafIndex } }],
        wireAsPublicMessage: true,
      },
    );
    const commitBytes = encodeMlsMessage(rogue.commit);
    await expect(applyCommit(s.bobS, commitBytes)).rejects.toThrow(RecordsMemberError);
    await expect(applyCommit(s.recBS, commitBytes)).rejects.toThrow(/records member of office office-a/);
  });

  it('refuses to encrypt when the roster lacks a records member of an involved office', async () => {
    const alice = await member({
      kind: 'person',
      officeId: 'office-a',
      personId: 'alice',
      deviceId: 'phone',
    });
    const recA = await member({ kind: 'records', officeId: 'office-a' });
    const directory = new Map([
      ['office-a', decodeKeyPackage(recA.kp.publicBytes).leafNode.signaturePublicKey],
    ]);
    const alone = await createConversation(enc('group-2'), alice.kp, directory);
    await expect(encryptMessage(alone, enc('x'))).rejects.toThrow(/office office-a has no records member/);
    const withRecords = await commitChanges(alone, { add: [recA.kp.publicBytes] });
    await expect(encryptMessage(withRecords.session, enc('x'))).resolves.toBeTruthy();
  });

  it('a records credential whose key is not the published one is not a valid records member', async () => {
    const alice = await member({
      kind: 'person',
      officeId: 'office-a',
      personId: 'alice',
      deviceId: 'phone',
    });
    const recA = await member({ kind: 'records', officeId: 'office-a' });
    const impostor = await member({ kind: 'records', officeId: 'office-a' });
    const directory = new Map([
      ['office-a', decodeKeyPackage(recA.kp.publicBytes).leafNode.signaturePublicKey],
    ]);
    const alone = await createConversation(enc('group-3'), alice.kp, directory);
    await expect(commitChanges(alone, { add: [impostor.kp.publicBytes] })).rejects.toThrow(
      RecordsMemberError,
    );
  });

  it('removes a person: the others move on, the removed device cannot read the next epoch', async () => {
    const s = await setup();
    const carol = await member({
      kind: 'person',
      officeId: 'office-a',
      personId: 'carol',
      deviceId: 'phone',
    });
    const withCarol = await commitChanges(s.aliceS, { add: [carol.kp.publicBytes] });
    if (withCarol.welcome === undefined) throw new Error('no welcome');
    let carolS = await joinFromWelcome(withCarol.welcome, carol.kp, s.directory);
    const bobS = await applyCommit(s.bobS, withCarol.commit);
    const carolLeaf = rosterOf(withCarol.session).find(
      (e) => e.identity?.kind === 'person' && e.identity.personId === 'carol',
    );
    if (carolLeaf === undefined) throw new Error('carol missing');
    const removal = await commitChanges(withCarol.session, { remove: [carolLeaf.leafIndex] });
    const bobAfter = await applyCommit(bobS, removal.commit);
    carolS = await applyCommit(carolS, removal.commit).catch(() => carolS);
    const msg = await encryptMessage(removal.session, enc('after carol left'));
    expect(dec((await decryptMessage(bobAfter, msg.message)).plaintext)).toBe('after carol left');
    await expect(decryptMessage(carolS, msg.message)).rejects.toThrow();
  });

  it('the client state survives serialisation: a restored session decrypts and the private keys round-trip', async () => {
    const s = await setup();
    const restored = importSession(exportSession(s.bobS), s.directory);
    expect(epochAuthenticator(restored)).toEqual(epochAuthenticator(s.bobS));
    const sent = await encryptMessage(s.aliceS, enc('after reload'));
    expect(dec((await decryptMessage(restored, sent.message)).plaintext)).toBe('after reload');
    const keys = decodePrivateKeys(encodePrivateKeys(s.bob.kp.privateKeys));
    expect(keys).toEqual(s.bob.kp.privateKeys);
  });
});
