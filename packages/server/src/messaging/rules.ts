import { HotlineError } from '@hotline/common';
import {
  applyRosterChanges,
  type MemberIdentity,
  type RecordsDirectory,
  type RosterChange,
  type RosterEntry,
  toHex,
} from '@hotline/e2ee';
import type { RosterLeaf } from '../db/tables/messaging.js';

/** Pure rules of the delivery service: roster bookkeeping between the e2ee package and the table. */

export function hexBytes(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'hex'));
}

export function leafToEntry(l: RosterLeaf): RosterEntry {
  const identity: MemberIdentity | null =
    l.kind === 'person' && l.officeId && l.userId && l.deviceId
      ? { kind: 'person', officeId: l.officeId, personId: l.userId, deviceId: l.deviceId }
      : l.kind === 'records' && l.officeId
        ? { kind: 'records', officeId: l.officeId }
        : null;
  return { leafIndex: l.leafIndex, identity, signatureKey: hexBytes(l.signatureKey) };
}

export function entryToLeaf(e: RosterEntry): RosterLeaf {
  const id = e.identity;
  return {
    leafIndex: e.leafIndex,
    kind: id?.kind ?? 'unknown',
    officeId: id?.officeId ?? null,
    userId: id?.kind === 'person' ? id.personId : null,
    deviceId: id?.kind === 'person' ? id.deviceId : null,
    signatureKey: toHex(e.signatureKey),
  };
}

/** The roster after an accepted Commit: its proposals, then the committer's new leaf from its UpdatePath. */
export function rosterAfter(
  before: readonly RosterLeaf[],
  changes: readonly RosterChange[],
  committer: {
    leafIndex: number;
    leaf: { identity: MemberIdentity | null; signatureKey: Uint8Array } | undefined;
  },
): RosterLeaf[] {
  let after = applyRosterChanges(before.map(leafToEntry), changes);
  if (committer.leaf) {
    const leaf = committer.leaf;
    after = after.map((e) =>
      e.leafIndex === committer.leafIndex
        ? { leafIndex: e.leafIndex, identity: leaf.identity, signatureKey: leaf.signatureKey }
        : e,
    );
  }
  return after.map(entryToLeaf);
}

export function directoryOf(
  rows: readonly { office_id: string; signature_key: Uint8Array }[],
): RecordsDirectory {
  return new Map(rows.map((r) => [r.office_id, new Uint8Array(r.signature_key)]));
}

/** Is this person (any of their devices) a member of the roster? */
export function isMember(roster: readonly RosterLeaf[], userId: string): boolean {
  return roster.some((l) => l.kind === 'person' && l.userId === userId);
}

/** 422: the Commit would leave the conversation without a records member of an involved office. */
export class RecordsMemberRequiredError extends HotlineError {
  constructor(reason: string) {
    super(
      422,
      'records_member_required',
      'The conversation must keep its records members',
      `${reason} Every office in a conversation keeps its records member; add that office's records member (POST /api/v1/messaging/key-packages/claim with recordsOfficeId) in the same Commit, or do not remove it.`,
    );
  }
}

/** 409: another Commit was accepted for this epoch first (RFC 9420 §14: one Commit per epoch). */
export class EpochMovedOnError extends HotlineError {
  constructor(groupEpoch: bigint, commitEpoch: bigint) {
    super(
      409,
      'epoch_moved_on',
      'Another change to the conversation came first',
      `The Commit is for epoch ${commitEpoch} but the conversation is at epoch ${groupEpoch}: fetch the messages after your last one (GET /api/v1/messaging/groups/:id/messages), apply the Commit(s) you have not seen, then make your change again.`,
      { groupEpoch: Number(groupEpoch), commitEpoch: Number(commitEpoch) },
    );
  }
}
