import { describe, expect, it } from 'vitest';
import {
  applyRosterChanges,
  checkCommitKeepsRecords,
  checkRecordsMembers,
  commitChanges,
  createConversation,
  decodeIdentity,
  decodeKeyPackage,
  encodeIdentity,
  type MemberIdentity,
  newKeyPackage,
  proposalsToRosterChanges,
  rosterOf,
} from '../src/index.js';

const person = (officeId: string, personId: string): MemberIdentity => ({
  kind: 'person',
  officeId,
  personId,
  deviceId: 'd',
});

describe('the records-member rule and the roster the server tracks', () => {
  it('tracks leaves as ts-mls assigns them: removes blank a leaf, adds take the leftmost blank', async () => {
    const rec = await newKeyPackage({ kind: 'records', officeId: 'A' });
    const directory = new Map([['A', decodeKeyPackage(rec.publicBytes).leafNode.signaturePublicKey]]);
    const own = await newKeyPackage(person('A', 'p0'));
    let s = await createConversation(new TextEncoder().encode('g'), own, directory);
    const kps = await Promise.all(
      ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((p) => newKeyPackage(person('A', p))),
    );
    let tracked = rosterOf(s);
    const step = async (add: Uint8Array[], remove: number[]) => {
      const proposals = [
        ...remove.map((removed) => ({ proposalType: 'remove' as const, remove: { removed } })),
        ...add.map((kp) => ({ proposalType: 'add' as const, add: { keyPackage: decodeKeyPackage(kp) } })),
      ];
      tracked = applyRosterChanges(tracked, proposalsToRosterChanges(proposals));
      s = (await commitChanges(s, { add, remove })).session;
      expect(tracked).toEqual(rosterOf(s));
    };
    await step([rec.publicBytes, ...kps.slice(0, 4).map((k) => k.publicBytes)], []);
    await step([], [2, 4]);
    await step([kps[4]!.publicBytes, kps[5]!.publicBytes], [5]);
    expect(rosterOf(s).map((e) => (e.identity?.kind === 'person' ? e.identity.personId : 'records'))).toEqual(
      ['p0', 'records', 'p5', 'p2', 'p6'],
    );
  });

  it('a removal of the records member is refused while its office is in the conversation, allowed with a replacement', () => {
    const key = new Uint8Array(32).fill(7);
    const other = new Uint8Array(32).fill(8);
    const directory = new Map([['A', key]]);
    const roster = [
      { leafIndex: 0, identity: person('A', 'alice'), signatureKey: other },
      { leafIndex: 1, identity: { kind: 'records' as const, officeId: 'A' }, signatureKey: key },
    ];
    expect(checkRecordsMembers(roster, directory).ok).toBe(true);
    expect(checkCommitKeepsRecords(roster, [{ type: 'remove', leafIndex: 1 }], directory)).toMatchObject({
      ok: false,
    });
    // A records credential with another key is not a valid records member.
    const impostor = [roster[0]!, { ...roster[1]!, signatureKey: other }];
    expect(checkRecordsMembers(impostor, directory)).toMatchObject({ ok: false, missing: ['A'] });
    // An office with no published key cannot be preserved.
    expect(
      checkRecordsMembers([{ leafIndex: 0, identity: person('B', 'bob'), signatureKey: other }], directory),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/office B has not published/),
    });
    // Replacing the records member (new leaf with the published key) in the same Commit is allowed.
    expect(
      checkCommitKeepsRecords(
        roster,
        [
          { type: 'remove', leafIndex: 1 },
          { type: 'add', identity: { kind: 'records', officeId: 'A' }, signatureKey: key },
        ],
        directory,
      ),
    ).toEqual({ ok: true });
  });

  it('identities have one byte form; anything else is not a Hotline identity', () => {
    const id = person('A', 'alice');
    expect(decodeIdentity(encodeIdentity(id))).toEqual(id);
    const spaced = new TextEncoder().encode(`hotline-member/1 ${JSON.stringify(id, null, 1)}`);
    expect(decodeIdentity(spaced)).toBeNull();
    expect(decodeIdentity(new TextEncoder().encode('alice'))).toBeNull();
    expect(decodeIdentity(new Uint8Array([0xff, 0xfe]))).toBeNull();
  });
});
