import { describe, expect, it } from 'vitest';
import {
  applyCommit,
  commitChanges,
  createConversation,
  decodeKeyPackage,
  encryptMessage,
  joinFromWelcome,
  type MemberIdentity,
  newArchiveKeyPair,
  newKeyPackage,
  openArchived,
  RecordsMember,
  sealForArchive,
} from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const person = (officeId: string, personId: string): MemberIdentity => ({
  kind: 'person',
  officeId,
  personId,
  deviceId: 'd1',
});

describe('the records member: a passive client that archives every message, sealed to the archive key', () => {
  it('joins by Welcome, follows the epochs, and archives each message in order; only the archive key opens them', async () => {
    const recKp = await newKeyPackage({ kind: 'records', officeId: 'A' });
    const recBKp = await newKeyPackage({ kind: 'records', officeId: 'B' });
    const directory = new Map([
      ['A', decodeKeyPackage(recKp.publicBytes).leafNode.signaturePublicKey],
      ['B', decodeKeyPackage(recBKp.publicBytes).leafNode.signaturePublicKey],
    ]);
    const aliceKp = await newKeyPackage(person('A', 'alice'));
    const bobKp = await newKeyPackage(person('B', 'bob'));
    const carolKp = await newKeyPackage(person('A', 'carol'));
    const archive = await newArchiveKeyPair();
    const records = new RecordsMember('A', recKp, directory);

    // The delivery stream as the server would hand it out, in order.
    const stream: Uint8Array[] = [];
    let alice = await createConversation(enc('conv-1'), aliceKp, directory);
    const first = await commitChanges(alice, {
      add: [recKp.publicBytes, bobKp.publicBytes, recBKp.publicBytes],
    });
    alice = first.session;
    let bob = await joinFromWelcome(first.welcome!, bobKp, directory);
    const joined = await records.join(first.welcome!);
    const markers = ['marker-1-q8', 'marker-2-w3', 'marker-3-z0', 'marker-4-k5'];
    for (const m of markers.slice(0, 2)) {
      const r = await encryptMessage(alice, enc(m));
      alice = r.session;
      stream.push(r.message);
    }
    const addCarol = await commitChanges(alice, { add: [carolKp.publicBytes] });
    alice = addCarol.session;
    stream.push(addCarol.commit);
    bob = await applyCommit(bob, addCarol.commit);
    for (const [who, m] of [
      ['bob', markers[2]!],
      ['alice', markers[3]!],
    ] as const) {
      const r = await encryptMessage(who === 'bob' ? bob : alice, enc(m));
      if (who === 'bob') bob = r.session;
      else alice = r.session;
      stream.push(r.message);
    }

    expect(joined.epoch).toBe(1n);
    const sealed: { seq: number; epoch: bigint; bytes: Uint8Array }[] = [];
    const authenticators: Uint8Array[] = [];
    for (const [seq, bytes] of stream.entries()) {
      const ev = await records.handle('conv-1', bytes);
      if (ev.kind === 'commit') authenticators.push(ev.epochAuthenticator);
      else
        sealed.push({
          seq,
          epoch: ev.epoch,
          bytes: await sealForArchive(archive.publicKey, ev.plaintext, {
            groupId: 'conv-1',
            epoch: ev.epoch,
            seq,
          }),
        });
    }
    // The records member is in the same epoch as the members (no fork).
    expect(authenticators).toEqual([alice.state.keySchedule.epochAuthenticator]);
    for (const s of sealed)
      for (const m of markers) expect(Buffer.from(s.bytes).includes(Buffer.from(m))).toBe(false);
    const opened = [];
    for (const s of sealed)
      opened.push(
        dec(
          await openArchived(archive.privateKey, s.bytes, { groupId: 'conv-1', epoch: s.epoch, seq: s.seq }),
        ),
      );
    expect(opened).toEqual(markers);
    // A sealed record moved to another place, or opened with another key, does not open.
    const s0 = sealed[0]!;
    await expect(
      openArchived(archive.privateKey, s0.bytes, { groupId: 'conv-1', epoch: s0.epoch, seq: s0.seq + 1 }),
    ).rejects.toThrow();
    const other = await newArchiveKeyPair();
    await expect(
      openArchived(other.privateKey, s0.bytes, { groupId: 'conv-1', epoch: s0.epoch, seq: s0.seq }),
    ).rejects.toThrow();
    // Its state survives a restart.
    const restarted = new RecordsMember('A', recKp, directory);
    restarted.importState(records.exportState());
    expect(restarted.groups).toEqual(['conv-1']);
    const more = await encryptMessage(alice, enc('after restart'));
    const ev = await restarted.handle('conv-1', more.message);
    expect(ev.kind === 'application' && dec(ev.plaintext)).toBe('after restart');
  });
});
