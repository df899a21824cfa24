/**
 * What the delivery service may read of MLS messages without any group secret: the framing of a
 * PublicMessage Commit (group, epoch, sender, proposals by value) and the public half of a key
 * package (credential, signature key, its signature). Parsing is ts-mls's own.
 */
import { decodeMlsMessage, type KeyPackage } from 'ts-mls';
import { makeKeyPackageRef, verifyKeyPackage } from 'ts-mls/keyPackage.js';
import { decodeIdentity, type MemberIdentity, toHex } from './identity.js';
import { proposalsToRosterChanges } from './mls.js';
import type { RosterChange } from './records-rule.js';
import { SUITE_NAME, suite } from './suite.js';

export class MlsInspectError extends Error {
  override readonly name = 'MlsInspectError';
}

export interface KeyPackageInfo {
  /** KeyPackageRef (RFC 9420 §5.2), hex. */
  ref: string;
  identity: MemberIdentity;
  signatureKey: Uint8Array;
}

/** Parse and verify a key package: suite 1, a Hotline identity, a valid self-signature. */
export async function inspectKeyPackage(bytes: Uint8Array): Promise<KeyPackageInfo> {
  let m: ReturnType<typeof decodeMlsMessage>;
  try {
    m = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw new MlsInspectError(`the bytes are not an MLS message (${(e as Error).message})`);
  }
  const msg = m?.[0];
  if (msg === undefined || m?.[1] !== bytes.length)
    throw new MlsInspectError('the bytes are not one whole MLS message');
  if (msg.wireformat !== 'mls_key_package')
    throw new MlsInspectError(`expected a key package, got ${msg.wireformat}`);
  const kp: KeyPackage = msg.keyPackage;
  if (kp.cipherSuite !== SUITE_NAME)
    throw new MlsInspectError(`the key package uses ${kp.cipherSuite}; only ${SUITE_NAME} is enabled`);
  const cred = kp.leafNode.credential;
  const identity = cred.credentialType === 'basic' ? decodeIdentity(cred.identity) : null;
  if (identity === null)
    throw new MlsInspectError('the key package credential is not a Hotline member identity');
  const cs = await suite();
  if (!(await verifyKeyPackage(kp, cs.signature)))
    throw new MlsInspectError('the key package signature does not verify');
  const ref = toHex(await makeKeyPackageRef(kp, cs.hash));
  return { ref, identity, signatureKey: kp.leafNode.signaturePublicKey };
}

export interface CommitInfo {
  groupId: Uint8Array;
  epoch: bigint;
  senderLeafIndex: number;
  changes: RosterChange[];
  /** The key packages the Commit adds (in order): who each Welcome entry is for. */
  added: { ref: string; identity: MemberIdentity | null }[];
  /** The committer's new leaf (from its UpdatePath), if the Commit carries one. */
  committerLeaf: { identity: MemberIdentity | null; signatureKey: Uint8Array } | undefined;
}

/** Parse a Commit sent as PublicMessage by a member, with its proposals by value. */
export async function inspectCommit(bytes: Uint8Array): Promise<CommitInfo> {
  let m: ReturnType<typeof decodeMlsMessage>;
  try {
    m = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw new MlsInspectError(`the bytes are not an MLS message (${(e as Error).message})`);
  }
  const msg = m?.[0];
  if (msg === undefined || m?.[1] !== bytes.length)
    throw new MlsInspectError('the bytes are not one whole MLS message');
  if (msg.wireformat !== 'mls_public_message') {
    throw new MlsInspectError(`a Commit must travel as PublicMessage, got ${msg.wireformat}`);
  }
  const content = msg.publicMessage.content;
  if (content.contentType !== 'commit')
    throw new MlsInspectError(`expected a Commit, got ${content.contentType}`);
  if (content.sender.senderType !== 'member')
    throw new MlsInspectError('only members may commit (no external commits)');
  const proposals = [];
  for (const p of content.commit.proposals) {
    if (p.proposalOrRefType !== 'proposal') throw new MlsInspectError('proposals must be committed by value');
    proposals.push(p.proposal);
  }
  const leaf = content.commit.path?.leafNode;
  const cs = await suite();
  const added = [];
  for (const p of proposals) {
    if (p.proposalType !== 'add' || !('add' in p)) continue;
    const cred = p.add.keyPackage.leafNode.credential;
    added.push({
      ref: toHex(await makeKeyPackageRef(p.add.keyPackage, cs.hash)),
      identity: cred.credentialType === 'basic' ? decodeIdentity(cred.identity) : null,
    });
  }
  return {
    added,
    groupId: content.groupId,
    epoch: content.epoch,
    senderLeafIndex: content.sender.leafIndex,
    changes: proposalsToRosterChanges(proposals),
    committerLeaf: leaf && {
      identity: leaf.credential.credentialType === 'basic' ? decodeIdentity(leaf.credential.identity) : null,
      signatureKey: leaf.signaturePublicKey,
    },
  };
}

/** Is this an MLS PrivateMessage (application data) for this group and epoch? The server checks framing only. */
export function inspectPrivateMessage(bytes: Uint8Array): {
  groupId: Uint8Array;
  epoch: bigint;
  contentType: string;
} {
  let m: ReturnType<typeof decodeMlsMessage>;
  try {
    m = decodeMlsMessage(bytes, 0);
  } catch (e) {
    throw new MlsInspectError(`the bytes are not an MLS message (${(e as Error).message})`);
  }
  const msg = m?.[0];
  if (msg === undefined || m?.[1] !== bytes.length)
    throw new MlsInspectError('the bytes are not one whole MLS message');
  if (msg.wireformat !== 'mls_private_message')
    throw new MlsInspectError(`expected a PrivateMessage, got ${msg.wireformat}`);
  return {
    groupId: msg.privateMessage.groupId,
    epoch: msg.privateMessage.epoch,
    contentType: msg.privateMessage.contentType,
  };
}

/** Is this an MLS Welcome message? */
export function checkWelcome(bytes: Uint8Array): void {
  const msg = decodeMlsMessage(bytes, 0);
  if (msg?.[0].wireformat !== 'mls_welcome' || msg[1] !== bytes.length)
    throw new MlsInspectError('expected one MLS Welcome message');
}

export { toHex };
