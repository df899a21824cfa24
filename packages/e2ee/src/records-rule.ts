import { describeIdentity, equalBytes, type MemberIdentity, toHex } from './identity.js';

/** One leaf of a group: its index, who its credential says it is (null: not a Hotline identity) and its signature key. */
export interface RosterEntry {
  leafIndex: number;
  identity: MemberIdentity | null;
  signatureKey: Uint8Array;
}

/**
 * The records members' signature keys, per office, as published by each office (the
 * authentication service's directory). A records member is valid only if its leaf's signature key
 * is the one its office published: anyone can claim "records" in a credential.
 */
export type RecordsDirectory = ReadonlyMap<string, Uint8Array>;

export type RecordsCheck =
  | { ok: true; offices: string[] }
  | { ok: false; offices: string[]; missing: string[]; reason: string };

/** The offices a roster involves: those of its people (records members do not involve an office by themselves). */
export function involvedOffices(roster: readonly RosterEntry[]): string[] {
  const offices = new Set<string>();
  for (const e of roster) if (e.identity?.kind === 'person') offices.add(e.identity.officeId);
  return [...offices].sort();
}

export function isValidRecordsMember(
  entry: RosterEntry,
  officeId: string,
  directory: RecordsDirectory,
): boolean {
  const key = directory.get(officeId);
  return (
    key !== undefined &&
    entry.identity?.kind === 'records' &&
    entry.identity.officeId === officeId &&
    equalBytes(entry.signatureKey, key)
  );
}

/**
 * The records-member rule: every office involved in a conversation has a valid records member in
 * its roster. Clients refuse to encrypt when it fails; clients and the server refuse a Commit whose
 * resulting roster fails it (which is how a Commit removing a records member is refused).
 */
export function checkRecordsMembers(
  roster: readonly RosterEntry[],
  directory: RecordsDirectory,
): RecordsCheck {
  const offices = involvedOffices(roster);
  const missing = offices.filter((o) => !roster.some((e) => isValidRecordsMember(e, o, directory)));
  if (missing.length === 0) return { ok: true, offices };
  const why = missing
    .map((o) =>
      directory.has(o)
        ? `office ${o} has no records member with its published key in this conversation`
        : `office ${o} has not published a records-member key`,
    )
    .join('; ');
  return { ok: false, offices, missing, reason: `The conversation is not preserved: ${why}.` };
}

/** A membership change as the roster sees it (proposals by value, in the order the Commit lists them). */
export type RosterChange =
  | { type: 'add'; identity: MemberIdentity | null; signatureKey: Uint8Array }
  | { type: 'remove'; leafIndex: number }
  | { type: 'update'; leafIndex: number; identity: MemberIdentity | null; signatureKey: Uint8Array };

/**
 * The roster after a Commit's changes, applied in RFC 9420 §12.3 order: updates, then removes, then
 * adds, each add taking the leftmost blank leaf (a removed leaf is blank; trailing blanks are
 * truncated, which does not change which leaf is leftmost-blank).
 */
export function applyRosterChanges(
  roster: readonly RosterEntry[],
  changes: readonly RosterChange[],
): RosterEntry[] {
  const byLeaf = new Map<number, RosterEntry>(roster.map((e) => [e.leafIndex, e]));
  for (const c of changes) {
    if (c.type !== 'update') continue;
    if (!byLeaf.has(c.leafIndex)) throw new Error(`update of blank leaf ${c.leafIndex}`);
    byLeaf.set(c.leafIndex, { leafIndex: c.leafIndex, identity: c.identity, signatureKey: c.signatureKey });
  }
  for (const c of changes) {
    if (c.type !== 'remove') continue;
    if (!byLeaf.delete(c.leafIndex)) throw new Error(`remove of blank leaf ${c.leafIndex}`);
  }
  for (const c of changes) {
    if (c.type !== 'add') continue;
    let i = 0;
    while (byLeaf.has(i)) i++;
    byLeaf.set(i, { leafIndex: i, identity: c.identity, signatureKey: c.signatureKey });
  }
  return [...byLeaf.values()].sort((a, b) => a.leafIndex - b.leafIndex);
}

export type CommitCheck = { ok: true } | { ok: false; reason: string };

/**
 * May a Commit with these changes be applied? Refused when a change removes a valid records member
 * of an office that is still involved afterwards, or when the roster afterwards fails the rule.
 */
export function checkCommitKeepsRecords(
  before: readonly RosterEntry[],
  changes: readonly RosterChange[],
  directory: RecordsDirectory,
): CommitCheck {
  let after: RosterEntry[];
  try {
    after = applyRosterChanges(before, changes);
  } catch (e) {
    return { ok: false, reason: `The Commit does not fit the roster: ${(e as Error).message}.` };
  }
  const stillInvolved = new Set(involvedOffices(after));
  for (const c of changes) {
    if (c.type !== 'remove' && c.type !== 'update') continue;
    const was = before.find((e) => e.leafIndex === c.leafIndex);
    if (was?.identity?.kind !== 'records') continue;
    const office = was.identity.officeId;
    if (!stillInvolved.has(office) || !isValidRecordsMember(was, office, directory)) continue;
    const replaced = after.some((e) => isValidRecordsMember(e, office, directory));
    if (!replaced) {
      return {
        ok: false,
        reason: `The Commit removes the ${describeIdentity(was.identity)} (leaf ${c.leafIndex}, key ${toHex(was.signatureKey).slice(0, 16)}…) while the office is still in the conversation.`,
      };
    }
  }
  const check = checkRecordsMembers(after, directory);
  return check.ok ? { ok: true } : { ok: false, reason: check.reason };
}
