import { hash } from 'node:crypto';
import {
  type Hasher,
  isPowerOfTwo,
  leafCommitment,
  type PolicyNode,
  type TileReader,
  TreeReader,
  toBase64,
  type WitnessPolicy,
} from '@hotline/ledger';

/**
 * What a bag carries to prove its records, as tag files under proof/:
 *
 *   proof/checkpoint.txt   the log's signed checkpoint every proof is against (with the
 *                          witnesses' cosignatures when the log has witnesses)
 *   proof/log-key.txt      the log's verifier key and origin; proof/witnesses.txt the witness
 *                          policy (when there is one) — check both against keys you got elsewhere
 *   proof/records.jsonl    one line per record: its log index (seq), envelope and salt (the
 *                          opening of its leaf), the RFC 6962 inclusion proof, and the bag files
 *                          holding the bytes the envelope's digest names
 *   proof/README.txt       the verifier note: how to check all of it without Hotline
 */

export interface ProofLine {
  seq: number;
  record: string;
  envelope: string;
  salt: string;
  proof: string[];
  files: { path: string; part: 'file' | 'original' }[];
}

/**
 * A tree reader for one tree size that also keeps the roots of the tree's right edge: the
 * ranges [start, size) that are not a perfect subtree. Every inclusion proof in a tree whose
 * size is not a power of two ends with such roots, and the reader would hash each again from
 * its nodes for every proof (O(log n) hashes and tile lookups a proof); there are at most
 * log2(size) of them, so all are kept.
 */
class EdgeTreeReader extends TreeReader {
  private readonly edge = new Map<number, Promise<Uint8Array>>();

  override rangeRoot(start: number, n: number): Promise<Uint8Array> {
    if (n === 0 || start + n !== this.size || (isPowerOfTwo(n) && start % n === 0))
      return super.rangeRoot(start, n);
    let r = this.edge.get(start);
    if (!r) {
      r = super.rangeRoot(start, n);
      this.edge.set(start, r);
      r.catch(() => this.edge.delete(start));
    }
    return r;
  }
}

/**
 * Proofs for records of the tree of size `size`, against that one checkpoint. Asked in log
 * order, neighbours share tiles: the tree reader keeps the tiles it read (each hashed into its
 * interior nodes once) and the right edge's roots, so a proof costs a few lookups and no
 * query once its leaf's tile is read. Proofs are computed one at a time, in the order asked:
 * asked all at once (a batch of 200 records), each would miss the tile cache together and read
 * and hash the same tile for itself (measured before: ~3 tile queries and ~250 hashes a record,
 * a third of a transfer's time).
 */
export class Prover {
  private readonly reader: TreeReader;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    tiles: TileReader,
    readonly size: number,
    private readonly hasher: Hasher,
  ) {
    this.reader = new EdgeTreeReader(tiles, size, hasher);
  }

  /** The proof line of record `seq`; throws if the stored opening does not give the log's leaf. */
  line(
    r: { seq: number; id: string; envelope: Uint8Array; salt: Uint8Array | null },
    files: ProofLine['files'],
  ): Promise<ProofLine> {
    const p = this.queue.then(() => this.compute(r, files));
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async compute(
    r: { seq: number; id: string; envelope: Uint8Array; salt: Uint8Array | null },
    files: ProofLine['files'],
  ): Promise<ProofLine> {
    if (!r.salt)
      throw new Error(`record ${r.seq} has no salt (a v1 log row); run hotline log migrate-v2 first`);
    const leafHash = await this.reader.leafHash(r.seq);
    const mine = this.hasher.leaf(leafCommitment(r.salt, r.envelope, (...p) => sha256(...p)));
    if (Buffer.compare(Buffer.from(leafHash), Buffer.from(mine)) !== 0)
      throw new Error(`record ${r.seq}: its stored envelope and salt do not open the log's leaf`);
    const proof = await this.reader.inclusionProof(r.seq, this.size);
    return {
      seq: r.seq,
      record: r.id,
      envelope: Buffer.from(r.envelope).toString('utf8'),
      salt: toBase64(r.salt),
      proof: proof.map(toBase64),
      files,
    };
  }
}

function sha256(...parts: Uint8Array[]): Uint8Array {
  return hash('sha256', Buffer.concat(parts), 'buffer');
}

/** A witness policy as its text form (parseWitnessPolicy reads it back). */
export function policyText(p: WitnessPolicy): string {
  const lines = [
    '# The witness policy the checkpoint was cosigned under (hotline witness policy format).',
    ...p.logs.map((l) => `log ${l.vkey}`),
    ...p.witnesses.map((w) => `witness ${w.name} ${w.vkey}`),
  ];
  const done = new Set<string>();
  const group = (n: PolicyNode): string => {
    if (n.kind === 'none') return 'none';
    if (n.kind === 'witness') return n.name;
    if (!done.has(n.name)) {
      const members = n.members.map(group);
      lines.push(`group ${n.name} ${n.threshold} ${members.join(' ')}`);
      done.add(n.name);
    }
    return n.name;
  };
  lines.push(`quorum ${group(p.quorum)}`);
  return `${lines.join('\n')}\n`;
}

/** The verifier note, proof/README.txt. */
export function verifierNote(v: {
  size: number;
  origin: string;
  records: number;
  witnessed: boolean;
}): string {
  return `How to check the records in this bag without Hotline
=====================================================

This bag was written by Hotline from its records log "${v.origin}". The log is an
RFC 6962 / RFC 9162 Merkle tree of ${v.size} entries; proof/checkpoint.txt is its signed
checkpoint (a C2SP signed note: origin, tree size, base64 root hash, then signatures).
${v.witnessed ? 'It carries the cosignatures of the witnesses named in proof/witnesses.txt.\n' : ''}
proof/records.jsonl holds one JSON line for each record of this bag (the whole transfer
holds ${v.records} items of its scope):

  seq       the record's index in the log (its leaf number)
  envelope  the record's envelope, canonical JSON (RFC 8785): kind, id, time, office, actor,
            subject, and "digest", the hex SHA-256 of the record's content
  salt      32 random bytes (base64) the log's leaf commits with
  proof     the inclusion proof (base64 hashes) of the leaf in the tree of the checkpoint
  files     the bag files holding the content: "file" means the whole file's bytes;
            "original" means the JSON file's "original" field ("data", decoded as its
            "encoding" says: utf-8 text, or base64)

For each line:
  1. entry     = "hotline-leaf/v2" || SHA-256(salt || envelope)        (47 bytes)
  2. leaf hash = SHA-256(0x00 || entry)
  3. fold the proof to a root (RFC 9162 section 2.1.3.2, index seq, tree size ${v.size}) and
     compare it with the checkpoint's root hash
  4. SHA-256 of each listed file's content equals the envelope's "digest"

Check the checkpoint's signature with the log's public key (proof/log-key.txt holds it; get it
from the office or the published log as well, and compare). "hotline archive verify-bag DIR"
does all of this offline.

Files not named in records.jsonl are derived from proven ones: each account's .mbox is its
.eml messages in mboxrd form, and each .pdf prints the JSON record beside it.

A record missing from the transfer: the checkpoint says the log holds ${v.size} entries, and
every record of the scope at that size is listed by seq across the bags of the transfer
(bag-info.txt names the scope, the tree size and the record count). Whoever holds the log
can list the scope's records at that size ("hotline archive verify-bag DIR --complete"
compares the two lists); an entry of the log missing from the bags, or a seq in the bags
the log does not prove, is then plain.
`;
}
