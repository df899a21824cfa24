/**
 * The MLS working group's interop vectors for suite 1, run through the ts-mls functions our e2ee
 * package relies on: crypto basics, key schedule, secret tree, message protection, tree math.
 */
import { type GroupContext, getCiphersuiteFromName, getCiphersuiteImpl } from 'ts-mls';
import { decodeCommit, encodeCommit } from 'ts-mls/commit.js';
import { refhash } from 'ts-mls/crypto/hash.js';
import { decryptWithLabel, encryptWithLabel } from 'ts-mls/crypto/hpke.js';
import { deriveSecret, deriveTreeSecret, expandWithLabel } from 'ts-mls/crypto/kdf.js';
import { signWithLabel, verifyWithLabel } from 'ts-mls/crypto/signature.js';
import { encodeGroupContext } from 'ts-mls/groupContext.js';
import { defaultKeyRetentionConfig } from 'ts-mls/keyRetentionConfig.js';
import { initializeEpoch, mlsExporter } from 'ts-mls/keySchedule.js';
import { decodeMlsMessage } from 'ts-mls/message.js';
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { unprotectPublicMessage } from 'ts-mls/messageProtectionPublic.js';
import { decodeProposal, encodeProposal } from 'ts-mls/proposal.js';
import { createSecretTree, ratchetToGeneration } from 'ts-mls/secretTree.js';
import { expandSenderDataKey, expandSenderDataNonce, type ReuseGuard } from 'ts-mls/sender.js';
import { left, parent, right, root, sibling, toLeafIndex, toNodeIndex } from 'ts-mls/treemath.js';
import { describe, expect, it } from 'vitest';
import { SUITE_NAME } from '../src/suite.js';
import { hex, loadVectors } from './vectors/load.js';

const cs = () => getCiphersuiteImpl(getCiphersuiteFromName(SUITE_NAME));

describe('MLS interop vectors (suite 1): crypto-basics', () => {
  type V = {
    cipher_suite: number;
    ref_hash: { label: string; value: string; out: string };
    expand_with_label: { secret: string; label: string; context: string; length: number; out: string };
    derive_secret: { secret: string; label: string; out: string };
    derive_tree_secret: { secret: string; label: string; generation: number; length: number; out: string };
    sign_with_label: { priv: string; pub: string; content: string; label: string; signature: string };
    encrypt_with_label: {
      priv: string;
      pub: string;
      label: string;
      context: string;
      plaintext: string;
      kem_output: string;
      ciphertext: string;
    };
  };
  const vectors = loadVectors<V>('crypto-basics');
  it('has the suite 1 entry', () => expect(vectors.map((v) => v.cipher_suite)).toEqual([1]));
  for (const v of vectors) {
    it('RefHash, ExpandWithLabel, DeriveSecret, DeriveTreeSecret, SignWithLabel, EncryptWithLabel', async () => {
      const impl = await cs();
      expect(await refhash(v.ref_hash.label, hex(v.ref_hash.value), impl.hash)).toEqual(hex(v.ref_hash.out));
      const e = v.expand_with_label;
      expect(await expandWithLabel(hex(e.secret), e.label, hex(e.context), e.length, impl.kdf)).toEqual(
        hex(e.out),
      );
      expect(await deriveSecret(hex(v.derive_secret.secret), v.derive_secret.label, impl.kdf)).toEqual(
        hex(v.derive_secret.out),
      );
      const t = v.derive_tree_secret;
      expect(await deriveTreeSecret(hex(t.secret), t.label, t.generation, t.length, impl.kdf)).toEqual(
        hex(t.out),
      );
      const s = v.sign_with_label;
      expect(
        await verifyWithLabel(hex(s.pub), s.label, hex(s.content), hex(s.signature), impl.signature),
      ).toBe(true);
      // Ed25519 is deterministic: our signature is the vector's.
      expect(await signWithLabel(hex(s.priv), s.label, hex(s.content), impl.signature)).toEqual(
        hex(s.signature),
      );
      const tampered = hex(s.signature);
      tampered[0] = (tampered[0] ?? 0) ^ 1;
      expect(await verifyWithLabel(hex(s.pub), s.label, hex(s.content), tampered, impl.signature)).toBe(
        false,
      );
      const h = v.encrypt_with_label;
      const priv = await impl.hpke.importPrivateKey(hex(h.priv));
      const pub = await impl.hpke.importPublicKey(hex(h.pub));
      const opened = await decryptWithLabel(
        priv,
        h.label,
        hex(h.context),
        hex(h.kem_output),
        hex(h.ciphertext),
        impl.hpke,
      );
      expect(new Uint8Array(opened)).toEqual(hex(h.plaintext));
      const sealed = await encryptWithLabel(pub, h.label, hex(h.context), hex(h.plaintext), impl.hpke);
      const reopened = await decryptWithLabel(
        priv,
        h.label,
        hex(h.context),
        sealed.enc,
        sealed.ct,
        impl.hpke,
      );
      expect(new Uint8Array(reopened)).toEqual(hex(h.plaintext));
    });
  }
});

describe('MLS interop vectors (suite 1): key-schedule', () => {
  type Epoch = Record<string, string> & {
    exporter: { label: string; context: string; length: number; secret: string };
  };
  type V = { cipher_suite: number; group_id: string; initial_init_secret: string; epochs: Epoch[] };
  const vectors = loadVectors<V>('key-schedule');
  it('derives every epoch secret of the chained epochs', async () => {
    const impl = await cs();
    expect(vectors).toHaveLength(1);
    for (const v of vectors) {
      let initSecret = hex(v.initial_init_secret);
      for (const [n, ep] of v.epochs.entries()) {
        const gc: GroupContext = {
          version: 'mls10',
          cipherSuite: SUITE_NAME,
          groupId: hex(v.group_id),
          epoch: BigInt(n),
          treeHash: hex(ep.tree_hash as string),
          confirmedTranscriptHash: hex(ep.confirmed_transcript_hash as string),
          extensions: [],
        };
        expect(encodeGroupContext(gc)).toEqual(hex(ep.group_context as string));
        const r = await initializeEpoch(
          initSecret,
          hex(ep.commit_secret as string),
          gc,
          hex(ep.psk_secret as string),
          impl.kdf,
        );
        expect(r.joinerSecret).toEqual(hex(ep.joiner_secret as string));
        expect(r.welcomeSecret).toEqual(hex(ep.welcome_secret as string));
        expect(r.encryptionSecret).toEqual(hex(ep.encryption_secret as string));
        const ks = r.keySchedule;
        expect(ks.initSecret).toEqual(hex(ep.init_secret as string));
        expect(ks.senderDataSecret).toEqual(hex(ep.sender_data_secret as string));
        expect(ks.exporterSecret).toEqual(hex(ep.exporter_secret as string));
        expect(ks.externalSecret).toEqual(hex(ep.external_secret as string));
        expect(ks.confirmationKey).toEqual(hex(ep.confirmation_key as string));
        expect(ks.membershipKey).toEqual(hex(ep.membership_key as string));
        expect(ks.resumptionPsk).toEqual(hex(ep.resumption_psk as string));
        expect(ks.epochAuthenticator).toEqual(hex(ep.epoch_authenticator as string));
        const { publicKey } = await impl.hpke.deriveKeyPair(ks.externalSecret);
        expect(await impl.hpke.exportPublicKey(publicKey)).toEqual(hex(ep.external_pub as string));
        const x = ep.exporter;
        expect(await mlsExporter(ks.exporterSecret, x.label, hex(x.context), x.length, impl)).toEqual(
          hex(x.secret),
        );
        initSecret = ks.initSecret;
      }
    }
  });
});

describe('MLS interop vectors (suite 1): secret-tree', () => {
  type Gen = {
    generation: number;
    application_key: string;
    application_nonce: string;
    handshake_key: string;
    handshake_nonce: string;
  };
  type V = {
    cipher_suite: number;
    encryption_secret: string;
    sender_data: { sender_data_secret: string; ciphertext: string; key: string; nonce: string };
    leaves: Gen[][];
  };
  for (const [i, v] of loadVectors<V>('secret-tree').entries()) {
    it(`vector ${i}: sender-data key/nonce and every leaf's ratchet keys (${v.leaves.length} leaves)`, async () => {
      const impl = await cs();
      const sd = v.sender_data;
      expect(await expandSenderDataKey(impl, hex(sd.sender_data_secret), hex(sd.ciphertext))).toEqual(
        hex(sd.key),
      );
      expect(await expandSenderDataNonce(impl, hex(sd.sender_data_secret), hex(sd.ciphertext))).toEqual(
        hex(sd.nonce),
      );
      let tree = await createSecretTree(v.leaves.length, hex(v.encryption_secret), impl.kdf);
      const keep = { ...defaultKeyRetentionConfig, maximumForwardRatchetSteps: 1 << 20 };
      for (const [leaf, gens] of v.leaves.entries()) {
        for (const g of gens) {
          const senderData = {
            leafIndex: toLeafIndex(leaf),
            generation: g.generation,
            reuseGuard: new Uint8Array(4) as ReuseGuard,
          };
          const app = await ratchetToGeneration(tree, senderData, 'application', keep, impl);
          expect(app.key).toEqual(hex(g.application_key));
          expect(app.nonce).toEqual(hex(g.application_nonce));
          const hs = await ratchetToGeneration(app.newTree, senderData, 'commit', keep, impl);
          expect(hs.key).toEqual(hex(g.handshake_key));
          expect(hs.nonce).toEqual(hex(g.handshake_nonce));
          tree = hs.newTree;
        }
      }
    });
  }
});

describe('MLS interop vectors (suite 1): message-protection', () => {
  type V = Record<string, string> & { epoch: number };
  const vectors = loadVectors<V>('message-protection');
  it('opens the vector PublicMessages and PrivateMessages (proposal, commit, application)', async () => {
    const impl = await cs();
    for (const v of vectors) {
      const gc: GroupContext = {
        version: 'mls10',
        cipherSuite: SUITE_NAME,
        groupId: hex(v.group_id as string),
        epoch: BigInt(v.epoch),
        treeHash: hex(v.tree_hash as string),
        confirmedTranscriptHash: hex(v.confirmed_transcript_hash as string),
        extensions: [],
      };
      const sigPub = hex(v.signature_pub as string);
      const membershipKey = hex(v.membership_key as string);
      const proposal = decodeProposal(hex(v.proposal as string), 0)?.[0];
      const commit = decodeCommit(hex(v.commit as string), 0)?.[0];
      if (proposal === undefined || commit === undefined)
        throw new Error('vector proposal/commit does not decode');
      expect(encodeProposal(proposal)).toEqual(hex(v.proposal as string));
      expect(encodeCommit(commit)).toEqual(hex(v.commit as string));

      for (const [field, expected] of [
        ['proposal_pub', 'proposal'],
        ['commit_pub', 'commit'],
      ] as const) {
        const m = decodeMlsMessage(hex(v[field] as string), 0)?.[0];
        if (m?.wireformat !== 'mls_public_message') throw new Error(`${field} is not a PublicMessage`);
        const content = await unprotectPublicMessage(membershipKey, gc, [], m.publicMessage, impl, sigPub);
        const c = content.content;
        if (c.contentType === 'proposal')
          expect(encodeProposal(c.proposal)).toEqual(hex(v.proposal as string));
        else if (c.contentType === 'commit') expect(encodeCommit(c.commit)).toEqual(hex(v.commit as string));
        expect(c.contentType).toBe(expected);
        // A wrong membership key is refused.
        await expect(
          unprotectPublicMessage(new Uint8Array(membershipKey.length), gc, [], m.publicMessage, impl, sigPub),
        ).rejects.toThrow();
      }

      for (const field of ['proposal_priv', 'commit_priv', 'application_priv'] as const) {
        const m = decodeMlsMessage(hex(v[field] as string), 0)?.[0];
        if (m?.wireformat !== 'mls_private_message') throw new Error(`${field} is not a PrivateMessage`);
        const tree = await createSecretTree(2, hex(v.encryption_secret as string), impl.kdf);
        const r = await unprotectPrivateMessage(
          hex(v.sender_data_secret as string),
          m.privateMessage,
          tree,
          [],
          gc,
          defaultKeyRetentionConfig,
          impl,
          sigPub,
        );
        const c = r.content.content;
        if (field === 'application_priv') {
          expect(c.contentType).toBe('application');
          if (c.contentType === 'application')
            expect(c.applicationData).toEqual(hex(v.application as string));
        } else if (field === 'proposal_priv') {
          expect(c.contentType === 'proposal' && encodeProposal(c.proposal)).toEqual(
            hex(v.proposal as string),
          );
        } else {
          expect(c.contentType === 'commit' && encodeCommit(c.commit)).toEqual(hex(v.commit as string));
        }
      }
    }
  });
});

describe('MLS interop vectors: tree-math', () => {
  type V = {
    n_leaves: number;
    n_nodes: number;
    root: number;
    left: (number | null)[];
    right: (number | null)[];
    parent: (number | null)[];
    sibling: (number | null)[];
  };
  for (const v of loadVectors<V>('tree-math')) {
    it(`${v.n_leaves} leaves: root, left, right, parent, sibling of every node`, () => {
      expect(root(v.n_leaves)).toBe(v.root);
      for (let i = 0; i < v.n_nodes; i++) {
        const n = toNodeIndex(i);
        if (v.left[i] !== null) expect(left(n)).toBe(v.left[i]);
        if (v.right[i] !== null) expect(right(n)).toBe(v.right[i]);
        if (v.parent[i] !== null) expect(parent(n, v.n_leaves)).toBe(v.parent[i]);
        if (v.sibling[i] !== null) expect(sibling(n, v.n_leaves)).toBe(v.sibling[i]);
        // Leaves have no children and the root has no parent or sibling.
        expect(v.left[i] === null).toBe(i % 2 === 0);
        expect(v.parent[i] === null).toBe(i === v.root);
      }
    });
  }
});
