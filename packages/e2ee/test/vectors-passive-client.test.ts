/**
 * passive-client-* interop vectors (suite 1): what a records member must pass. Join by Welcome
 * (with or without an out-of-band ratchet tree and external PSKs), apply each epoch's proposals and
 * Commit, and arrive at the vector's epoch authenticator every epoch.
 */
import {
  type ClientState,
  decodeMlsMessage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  makePskIndex,
  processPrivateMessage,
  processPublicMessage,
} from 'ts-mls';
import { defaultClientConfig } from 'ts-mls/clientConfig.js';
import { decodeRatchetTree } from 'ts-mls/ratchetTree.js';
import { bytesToBase64 } from 'ts-mls/util/byteArray.js';
import { describe, expect, it } from 'vitest';
import { SUITE_NAME } from '../src/suite.js';
import { hex, loadVectors } from './vectors/load.js';

type V = {
  cipher_suite: number;
  external_psks: { psk_id: string; psk: string }[];
  key_package: string;
  signature_priv: string;
  encryption_priv: string;
  init_priv: string;
  welcome: string;
  ratchet_tree: string | null;
  initial_epoch_authenticator: string;
  epochs: { proposals: string[]; commit: string; epoch_authenticator: string }[];
};

// The vectors' credentials are the interop harness's, not Hotline identities, so this replay
// accepts any credential (the Hotline authentication service is tested in mls-flow.test.ts).
const config = {
  ...defaultClientConfig,
  lifetimeConfig: { ...defaultClientConfig.lifetimeConfig, validateLifetimeOnReceive: false },
};

async function apply(
  state: ClientState,
  bytes: Uint8Array,
  psks: Record<string, Uint8Array>,
): Promise<ClientState> {
  const impl = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME));
  const m = decodeMlsMessage(bytes, 0)?.[0];
  if (m?.wireformat === 'mls_public_message') {
    return (await processPublicMessage(state, m.publicMessage, makePskIndex(state, psks), impl)).newState;
  }
  if (m?.wireformat === 'mls_private_message') {
    return (await processPrivateMessage(state, m.privateMessage, makePskIndex(state, psks), impl)).newState;
  }
  throw new Error(`expected a handshake message, got ${m?.wireformat}`);
}

async function replay(v: V): Promise<number> {
  const impl = await getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME));
  const kp = decodeMlsMessage(hex(v.key_package), 0)?.[0];
  const welcome = decodeMlsMessage(hex(v.welcome), 0)?.[0];
  if (kp?.wireformat !== 'mls_key_package' || welcome?.wireformat !== 'mls_welcome')
    throw new Error('vector does not decode');
  const psks: Record<string, Uint8Array> = {};
  for (const p of v.external_psks) psks[bytesToBase64(hex(p.psk_id))] = hex(p.psk);
  const tree = v.ratchet_tree === null ? undefined : decodeRatchetTree(hex(v.ratchet_tree), 0)?.[0];
  let state = await joinGroup(
    welcome.welcome,
    kp.keyPackage,
    {
      initPrivateKey: hex(v.init_priv),
      hpkePrivateKey: hex(v.encryption_priv),
      signaturePrivateKey: hex(v.signature_priv),
    },
    makePskIndex(undefined, psks),
    impl,
    tree,
    undefined,
    config,
  );
  expect(state.keySchedule.epochAuthenticator).toEqual(hex(v.initial_epoch_authenticator));
  for (const [n, epoch] of v.epochs.entries()) {
    for (const p of epoch.proposals) state = await apply(state, hex(p), psks);
    state = await apply(state, hex(epoch.commit), psks);
    expect(state.keySchedule.epochAuthenticator, `epoch ${n + 1}`).toEqual(hex(epoch.epoch_authenticator));
  }
  return v.epochs.length;
}

for (const file of [
  'passive-client-welcome',
  'passive-client-handling-commit',
  'passive-client-random',
] as const) {
  describe(`MLS interop vectors (suite 1): ${file}`, () => {
    const vectors = loadVectors<V>(file);
    it('holds only suite 1 entries', () => {
      expect(vectors.length).toBeGreaterThan(0);
      expect(vectors.every((v) => v.cipher_suite === 1)).toBe(true);
    });
    for (const [i, v] of vectors.entries()) {
      it(`vector ${i}: joins by Welcome and matches the epoch authenticator of ${v.epochs.length} epoch(s)`, async () => {
        expect(await replay(v)).toBe(v.epochs.length);
      }, 120_000);
    }
    if (file === 'passive-client-handling-commit') {
      it('a tampered Commit is refused (the replay can fail)', async () => {
        const v = vectors.find((x) => x.epochs.length > 0);
        if (v === undefined) throw new Error('no vector with epochs');
        const commit = hex(v.epochs[0]?.commit ?? '');
        commit[commit.length - 5] = (commit[commit.length - 5] ?? 0) ^ 0x40;
        const broken = {
          ...v,
          epochs: [{ ...(v.epochs[0] as V['epochs'][number]), commit: Buffer.from(commit).toString('hex') }],
        };
        await expect(replay(broken)).rejects.toThrow();
      });
    }
  });
}
