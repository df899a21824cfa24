import { decodeMlsMessage } from 'ts-mls';
import {
  applyCommit,
  decryptMessage,
  epochAuthenticator,
  epochOf,
  exportSession,
  importSession,
  joinFromWelcome,
  type KeyPackageBundle,
  type Session,
} from './mls.js';
import type { RecordsDirectory } from './records-rule.js';
import { suite } from './suite.js';

/** What the records member makes of one delivered message, in delivery order. */
export type RecordsEvent =
  | { kind: 'commit'; groupId: string; epoch: bigint; epochAuthenticator: Uint8Array }
  | { kind: 'application'; groupId: string; epoch: bigint; plaintext: Uint8Array };

const text = (b: Uint8Array) => new TextDecoder().decode(b);

/**
 * An office's records member: a passive MLS client (it never sends application messages; it has
 * no way to). It joins every conversation of its office by Welcome, applies each epoch's Commit
 * (reporting the epoch authenticator, which members compare to detect a forked group) and
 * decrypts each application message so it can be sealed to the office's archive key.
 */
export class RecordsMember {
  private readonly sessions = new Map<string, Session>();

  constructor(
    readonly officeId: string,
    private readonly keyPackage: KeyPackageBundle,
    private readonly directory: RecordsDirectory,
  ) {}

  get groups(): string[] {
    return [...this.sessions.keys()];
  }

  async join(welcome: Uint8Array): Promise<RecordsEvent & { kind: 'commit' }> {
    const s = await joinFromWelcome(welcome, this.keyPackage, this.directory);
    const groupId = text(s.state.groupContext.groupId);
    this.sessions.set(groupId, s);
    return { kind: 'commit', groupId, epoch: epochOf(s), epochAuthenticator: epochAuthenticator(s) };
  }

  /** Take the next delivered message of a conversation (a Commit as PublicMessage, or a PrivateMessage). */
  async handle(groupId: string, bytes: Uint8Array): Promise<RecordsEvent> {
    const s = this.sessions.get(groupId);
    if (!s) throw new Error(`the records member is not in conversation ${groupId}`);
    const wire = decodeMlsMessage(bytes, 0)?.[0]?.wireformat;
    if (wire === 'mls_public_message') {
      const next = await applyCommit(s, bytes);
      this.sessions.set(groupId, next);
      return { kind: 'commit', groupId, epoch: epochOf(next), epochAuthenticator: epochAuthenticator(next) };
    }
    const epoch = epochOf(s);
    const r = await decryptMessage(s, bytes);
    this.sessions.set(groupId, r.session);
    return { kind: 'application', groupId, epoch, plaintext: r.plaintext };
  }

  /** Its state (private keys included: the records member's own key file seals it). */
  exportState(): Map<string, Uint8Array> {
    return new Map([...this.sessions].map(([g, s]) => [g, exportSession(s)]));
  }

  importState(state: Map<string, Uint8Array>): void {
    for (const [g, b] of state) this.sessions.set(g, importSession(b, this.directory));
  }
}

/** Where an archived message sits: sealed together with it, so a sealed record cannot be moved. */
export interface ArchiveContext {
  groupId: string;
  epoch: bigint;
  seq: number;
}

const INFO = new TextEncoder().encode('hotline archive record v1');
const aad = (c: ArchiveContext) =>
  new TextEncoder().encode(JSON.stringify([c.groupId, String(c.epoch), c.seq]));

/** An archive key pair (HPKE, DHKEM-X25519 / HKDF-SHA256 / AES-128-GCM: suite 1's HPKE). */
export async function newArchiveKeyPair(): Promise<{ publicKey: Uint8Array; privateKey: Uint8Array }> {
  const { hpke } = await suite();
  const kp = await hpke.generateKeyPair();
  return {
    publicKey: await hpke.exportPublicKey(kp.publicKey),
    privateKey: await hpke.exportPrivateKey(kp.privateKey),
  };
}

/** Seal a plaintext to the archive public key (HPKE base mode, RFC 9180): enc(32) ‖ ciphertext. */
export async function sealForArchive(
  archivePublicKey: Uint8Array,
  plaintext: Uint8Array,
  at: ArchiveContext,
): Promise<Uint8Array> {
  const { hpke } = await suite();
  const { enc, ct } = await hpke.seal(await hpke.importPublicKey(archivePublicKey), plaintext, INFO, aad(at));
  const out = new Uint8Array(enc.length + ct.length);
  out.set(enc, 0);
  out.set(ct, enc.length);
  return out;
}

/** Open an archived record with the archive private key (held by the records custodians). */
export async function openArchived(
  archivePrivateKey: Uint8Array,
  sealed: Uint8Array,
  at: ArchiveContext,
): Promise<Uint8Array> {
  const { hpke } = await suite();
  if (sealed.length < 32 + 16) throw new Error('sealed archive record is too short');
  const key = await hpke.importPrivateKey(archivePrivateKey);
  return new Uint8Array(await hpke.open(key, sealed.subarray(0, 32), sealed.subarray(32), INFO, aad(at)));
}
