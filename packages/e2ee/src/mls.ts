import {
  type ClientConfig,
  type ClientState,
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeGroupState,
  decodeMlsMessage,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetime,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackage,
  type IncomingMessageCallback,
  joinGroup,
  type KeyPackage,
  type PrivateKeyPackage,
  type Proposal,
  processPrivateMessage,
  processPublicMessage,
  zeroOutUint8Array,
} from 'ts-mls';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { base64ToBytes, bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { decodeIdentity, encodeIdentity, equalBytes, type MemberIdentity } from './identity.js';
import {
  checkCommitKeepsRecords,
  checkRecordsMembers,
  type RecordsDirectory,
  type RosterChange,
  type RosterEntry,
} from './records-rule.js';
import { suite } from './suite.js';

/** Thrown when an act would break the records-member rule; `reason` says which office lacks one. */
export class RecordsMemberError extends Error {
  override readonly name = 'RecordsMemberError';
}

/** A key package as handed to the directory (MLSMessage bytes) with the private half that stays on the device. */
export interface KeyPackageBundle {
  /** MLSMessage(mls_key_package) bytes: what the directory stores and hands out. */
  publicBytes: Uint8Array;
  /** The device's private keys for it, serialisable (see encodePrivateKeyPackage). */
  privateKeys: PrivateKeyPackage;
}

/** A device's view of one conversation: the MLS state plus the records directory it checks against. */
export interface Session {
  readonly state: ClientState;
  readonly directory: RecordsDirectory;
}

/**
 * The authentication service the client applies to every credential it sees: a Hotline identity,
 * and for a records member exactly its office's published key.
 */
export function authService(directory: RecordsDirectory): ClientConfig['authService'] {
  return {
    async validateCredential(credential, signaturePublicKey) {
      if (credential.credentialType !== 'basic') return false;
      const id = decodeIdentity(credential.identity);
      if (id === null) return false;
      if (id.kind === 'records') {
        const key = directory.get(id.officeId);
        return key !== undefined && equalBytes(key, signaturePublicKey);
      }
      return true;
    },
  };
}

function clientConfig(directory: RecordsDirectory): ClientConfig {
  return {
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: authService(directory),
  };
}

export async function newKeyPackage(identity: MemberIdentity): Promise<KeyPackageBundle> {
  const cs = await suite();
  const kp = await generateKeyPackage(
    { credentialType: 'basic', identity: encodeIdentity(identity) },
    defaultCapabilities(),
    defaultLifetime,
    [],
    cs,
  );
  return {
    publicBytes: encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_key_package',
      keyPackage: kp.publicPackage,
    }),
    privateKeys: kp.privatePackage,
  };
}

export function decodeKeyPackage(bytes: Uint8Array): KeyPackage {
  const m = decodeMlsMessage(bytes, 0)?.[0];
  if (m?.wireformat !== 'mls_key_package') throw new Error('not an MLS key package message');
  return m.keyPackage;
}

/** The roster of a conversation: one entry per non-blank leaf. */
export function rosterOf(session: Session): RosterEntry[] {
  const roster: RosterEntry[] = [];
  session.state.ratchetTree.forEach((node, nodeIndex) => {
    if (node?.nodeType !== 'leaf') return;
    const leaf = node.leaf;
    roster.push({
      leafIndex: nodeIndex / 2,
      identity: leaf.credential.credentialType === 'basic' ? decodeIdentity(leaf.credential.identity) : null,
      signatureKey: leaf.signaturePublicKey,
    });
  });
  return roster;
}

export function ownLeafIndex(session: Session): number {
  return session.state.privatePath.leafIndex;
}

export function epochOf(session: Session): bigint {
  return session.state.groupContext.epoch;
}

export async function createConversation(
  groupId: Uint8Array,
  own: KeyPackageBundle,
  directory: RecordsDirectory,
): Promise<Session> {
  const cs = await suite();
  const state = await createGroup(
    groupId,
    decodeKeyPackage(own.publicBytes),
    own.privateKeys,
    [],
    cs,
    clientConfig(directory),
  );
  return { state, directory };
}

export function proposalsToRosterChanges(proposals: readonly Proposal[]): RosterChange[] {
  const changes: RosterChange[] = [];
  for (const p of proposals) {
    if ('add' in p && p.proposalType === 'add') {
      const leaf = p.add.keyPackage.leafNode;
      changes.push({
        type: 'add',
        identity:
          leaf.credential.credentialType === 'basic' ? decodeIdentity(leaf.credential.identity) : null,
        signatureKey: leaf.signaturePublicKey,
      });
    } else if ('remove' in p && p.proposalType === 'remove') {
      changes.push({ type: 'remove', leafIndex: p.remove.removed });
    }
  }
  return changes;
}

export interface CommitOutput {
  session: Session;
  /** MLSMessage(mls_public_message) carrying the Commit: the server can read its membership changes. */
  commit: Uint8Array;
  /** MLSMessage(mls_welcome) for the added members (the ratchet tree travels in the GroupInfo), if any. */
  welcome: Uint8Array | undefined;
}

/**
 * Commit adds (key packages from the directory) and removes (leaf indices) in one epoch change.
 * Refused before anything is sent when the roster afterwards would lack a valid records member.
 */
export async function commitChanges(
  session: Session,
  change: { add?: readonly Uint8Array[]; remove?: readonly number[] },
): Promise<CommitOutput> {
  const cs = await suite();
  const proposals: Proposal[] = [
    ...(change.remove ?? []).map((removed): Proposal => ({ proposalType: 'remove', remove: { removed } })),
    ...(change.add ?? []).map(
      (kp): Proposal => ({ proposalType: 'add', add: { keyPackage: decodeKeyPackage(kp) } }),
    ),
  ];
  const check = checkCommitKeepsRecords(
    rosterOf(session),
    proposalsToRosterChanges(proposals),
    session.directory,
  );
  if (!check.ok) throw new RecordsMemberError(check.reason);
  const r = await createCommit(
    { state: session.state, cipherSuite: cs },
    { extraProposals: proposals, wireAsPublicMessage: true, ratchetTreeExtension: true },
  );
  r.consumed.forEach(zeroOutUint8Array);
  return {
    session: { state: r.newState, directory: session.directory },
    commit: encodeMlsMessage(r.commit),
    welcome:
      r.welcome && encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: r.welcome }),
  };
}

/** Join a conversation from a Welcome addressed to one of this device's key packages. */
export async function joinFromWelcome(
  welcomeBytes: Uint8Array,
  own: KeyPackageBundle,
  directory: RecordsDirectory,
): Promise<Session> {
  const cs = await suite();
  const m = decodeMlsMessage(welcomeBytes, 0)?.[0];
  if (m?.wireformat !== 'mls_welcome') throw new Error('not an MLS Welcome message');
  const state = await joinGroup(
    m.welcome,
    decodeKeyPackage(own.publicBytes),
    own.privateKeys,
    emptyPskIndex,
    cs,
    undefined,
    undefined,
    clientConfig(directory),
  );
  return { state, directory };
}

function recordsGuard(session: Session): IncomingMessageCallback {
  return (incoming) => {
    if (incoming.kind !== 'commit') return 'accept';
    const changes = proposalsToRosterChanges(incoming.proposals.map((p) => p.proposal));
    return checkCommitKeepsRecords(rosterOf(session), changes, session.directory).ok ? 'accept' : 'reject';
  };
}

/** Apply a Commit (PublicMessage) from another member. A Commit that breaks the records-member rule is refused. */
export async function applyCommit(session: Session, commitBytes: Uint8Array): Promise<Session> {
  const cs = await suite();
  const m = decodeMlsMessage(commitBytes, 0)?.[0];
  if (m?.wireformat !== 'mls_public_message' || m.publicMessage.content.contentType !== 'commit') {
    throw new Error('not a Commit sent as an MLS PublicMessage');
  }
  const r = await processPublicMessage(
    session.state,
    m.publicMessage,
    emptyPskIndex,
    cs,
    recordsGuard(session),
  );
  if (r.actionTaken === 'reject') {
    const changes = proposalsToRosterChanges(
      m.publicMessage.content.commit.proposals.flatMap((p) =>
        p.proposalOrRefType === 'proposal' ? [p.proposal] : [],
      ),
    );
    const check = checkCommitKeepsRecords(rosterOf(session), changes, session.directory);
    throw new RecordsMemberError(check.ok ? 'The Commit was refused.' : check.reason);
  }
  r.consumed.forEach(zeroOutUint8Array);
  return { state: r.newState, directory: session.directory };
}

/** Encrypt an application message as a PrivateMessage; refused when the roster lacks a records member. */
export async function encryptMessage(
  session: Session,
  plaintext: Uint8Array,
): Promise<{ session: Session; message: Uint8Array }> {
  const check = checkRecordsMembers(rosterOf(session), session.directory);
  if (!check.ok) throw new RecordsMemberError(check.reason);
  const cs = await suite();
  const r = await createApplicationMessage(session.state, plaintext, cs);
  r.consumed.forEach(zeroOutUint8Array);
  return {
    session: { state: r.newState, directory: session.directory },
    message: encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_private_message',
      privateMessage: r.privateMessage,
    }),
  };
}

/**
 * Decrypt an application message (PrivateMessage); returns the plaintext and its sender. The
 * sender is the leaf named in the message's encrypted sender data, whose signature over the
 * content ts-mls verifies with that leaf's signature key: so the sender is authenticated by MLS,
 * not taken from the server or from the message body.
 */
export async function decryptMessage(
  session: Session,
  bytes: Uint8Array,
): Promise<{ session: Session; plaintext: Uint8Array; sender: RosterEntry }> {
  const cs = await suite();
  const m = decodeMlsMessage(bytes, 0)?.[0];
  if (m?.wireformat !== 'mls_private_message') throw new Error('not an MLS PrivateMessage');
  const senderData = await decryptSenderData(
    m.privateMessage,
    session.state.keySchedule.senderDataSecret,
    cs,
  );
  if (!senderData) throw new Error('the PrivateMessage sender data cannot be decrypted in this epoch');
  const sender = rosterOf(session).find((e) => e.leafIndex === senderData.leafIndex);
  if (!sender)
    throw new Error(`the PrivateMessage names leaf ${senderData.leafIndex}, which is not a member`);
  const r = await processPrivateMessage(
    session.state,
    m.privateMessage,
    emptyPskIndex,
    cs,
    recordsGuard(session),
  );
  if (r.kind !== 'applicationMessage') throw new Error('the PrivateMessage is not an application message');
  r.consumed.forEach(zeroOutUint8Array);
  return { session: { state: r.newState, directory: session.directory }, plaintext: r.message, sender };
}

/** The epoch authenticator (RFC 9420 §8.7): members compare it to detect a forked group. */
export function epochAuthenticator(session: Session): Uint8Array {
  return session.state.keySchedule.epochAuthenticator;
}

/** Serialise a session's MLS state (it holds private keys: seal it before storing). */
export function exportSession(session: Session): Uint8Array {
  return encodeGroupState(session.state);
}

export function importSession(bytes: Uint8Array, directory: RecordsDirectory): Session {
  const decoded = decodeGroupState(bytes, 0);
  if (decoded === undefined) throw new Error('not a serialised MLS group state');
  return { state: { ...decoded[0], clientConfig: clientConfig(directory) }, directory };
}

export function encodePrivateKeys(keys: PrivateKeyPackage): string {
  const b = bytesToBase64;
  return JSON.stringify({
    init: b(keys.initPrivateKey),
    hpke: b(keys.hpkePrivateKey),
    sig: b(keys.signaturePrivateKey),
  });
}

export function decodePrivateKeys(text: string): PrivateKeyPackage {
  const o = JSON.parse(text) as { init: string; hpke: string; sig: string };
  const b = base64ToBytes;
  return { initPrivateKey: b(o.init), hpkePrivateKey: b(o.hpke), signaturePrivateKey: b(o.sig) };
}
