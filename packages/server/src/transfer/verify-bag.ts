import { hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  defaultHasher,
  fromBase64,
  leafCommitment,
  openCheckpoint,
  openCosignedCheckpoint,
  parseVerifierKey,
  parseWitnessPolicy,
  verifyInclusion,
} from '@hotline/ledger';
import { type BagReport, validateBag } from './bag-validator.js';
import { decodeManifestPath } from './bagit.js';
import type { ProofLine } from './proof.js';
import { originalBytes } from './render.js';

/**
 * `hotline archive verify-bag DIR`, offline: DIR is one bag or a transfer folder of bags. For
 * each bag: the BagIt checks (bag-validator.ts; a transfer bag must be complete, no fetch.txt),
 * the checkpoint's signature (the log key given, else the bag's own, said so), the witnesses'
 * quorum when the bag names witnesses, and for every record line: the envelope and salt open
 * the leaf, the inclusion proof folds to the checkpoint's root, and each file it names hashes
 * to the envelope's digest. Every payload file the proofs do not name must be a derived one
 * (an .mbox or a .pdf). Reports every fault it finds.
 */
export interface BagVerification {
  bag: string;
  bagit: BagReport;
  errors: string[];
  records: number;
  seqs: number[];
  checkpointSize: number | null;
  cosigners: string[];
  keySource: 'given' | 'bag';
}

export async function bagDirs(dir: string): Promise<string[]> {
  if (existsSync(join(dir, 'bagit.txt'))) return [dir];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }))
    if (e.isDirectory() && existsSync(join(dir, e.name, 'bagit.txt'))) out.push(join(dir, e.name));
  return out.sort();
}

const sha256Hex = (b: Uint8Array) => hash('sha256', b, 'hex');

export async function verifyBag(dir: string, opts: { logKey?: string } = {}): Promise<BagVerification> {
  const bagit = await validateBag(dir);
  const v: BagVerification = {
    bag: dir,
    bagit,
    errors: bagit.errors.map((e) => `BagIt: ${e}`),
    records: 0,
    seqs: [],
    checkpointSize: null,
    cosigners: [],
    keySource: opts.logKey ? 'given' : 'bag',
  };
  if (bagit.hasFetch) v.errors.push('fetch.txt: a transfer bag must be complete (no fetch.txt).');
  const read = async (p: string) => (existsSync(join(dir, p)) ? readFile(join(dir, p), 'utf8') : null);
  const note = await read('proof/checkpoint.txt');
  const keyText = opts.logKey ?? (await read('proof/log-key.txt'))?.trim();
  if (!note || !keyText) {
    v.errors.push('proof/: the bag has no checkpoint or log key; it carries no proof.');
    return v;
  }
  let root: Uint8Array;
  let size: number;
  try {
    const verifier = parseVerifierKey(keyText);
    const policyText = await read('proof/witnesses.txt');
    if (policyText) {
      const c = openCosignedCheckpoint(note, [verifier], parseWitnessPolicy(policyText));
      v.cosigners = c.cosigners.map((w) => w.name);
      if (!c.quorum)
        v.errors.push('proof/checkpoint.txt: the witnesses\u2019 quorum did not cosign this checkpoint.');
      root = c.checkpoint.root;
      size = c.checkpoint.size;
    } else {
      const c = openCheckpoint(note, verifier);
      root = c.root;
      size = c.size;
    }
  } catch (err) {
    v.errors.push(`proof/checkpoint.txt: ${(err as Error).message}`);
    return v;
  }
  v.checkpointSize = size;
  const named = new Set<string>();
  if (!existsSync(join(dir, 'proof/records.jsonl'))) {
    v.errors.push('proof/records.jsonl: missing.');
    return v;
  }
  const lines = createInterface({
    input: createReadStream(join(dir, 'proof/records.jsonl')),
    crlfDelay: Infinity,
  });
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    const where = `proof/records.jsonl line ${n}`;
    let p: ProofLine;
    try {
      p = JSON.parse(text) as ProofLine;
    } catch {
      v.errors.push(`${where}: not JSON.`);
      continue;
    }
    const env = new TextEncoder().encode(p.envelope);
    let digest: string;
    try {
      digest = (JSON.parse(p.envelope) as { digest: string }).digest;
      const leaf = defaultHasher.leaf(leafCommitment(fromBase64(p.salt), env));
      if (!verifyInclusion(defaultHasher, p.seq, size, leaf, p.proof.map(fromBase64), root)) {
        v.errors.push(
          `${where}: record ${p.seq} is not proven in the tree of size ${size} (envelope, salt or proof altered).`,
        );
        continue;
      }
    } catch (err) {
      v.errors.push(`${where}: ${(err as Error).message}`);
      continue;
    }
    for (const f of p.files) {
      named.add(f.path);
      if (!existsSync(join(dir, f.path))) {
        v.errors.push(`${where}: names ${f.path}, which is not in the bag.`);
        continue;
      }
      const bytes = new Uint8Array(await readFile(join(dir, f.path)));
      let got: string;
      try {
        got = sha256Hex(f.part === 'original' ? originalBytes(bytes) : bytes);
      } catch (err) {
        v.errors.push(`${where}: ${f.path}: ${(err as Error).message}`);
        continue;
      }
      if (got !== digest)
        v.errors.push(
          `${where}: ${f.path} hashes to ${got.slice(0, 16)}…, record ${p.seq} committed to ${digest.slice(0, 16)}….`,
        );
    }
    v.records++;
    v.seqs.push(p.seq);
  }
  const manifest = await read('manifest-sha512.txt');
  for (const l of (manifest ?? '').split('\n')) {
    const path = decodeManifestPath(l.slice(l.indexOf(' ') + 1));
    if (!l || named.has(path) || /\.(mbox|pdf)$/.test(path)) continue;
    v.errors.push(`${path}: a payload file no proof names (and not a derived .mbox or .pdf).`);
  }
  const claimed = bagit.info.get('Hotline-Bag-Records')?.[0];
  if (claimed !== undefined && Number(claimed) !== v.records)
    v.errors.push(
      `bag-info.txt: Hotline-Bag-Records says ${claimed}, proof/records.jsonl proves ${v.records}.`,
    );
  return v;
}

/** Verify a bag or every bag of a transfer folder; also that the bags' record lists do not overlap. */
export async function verifyTransfer(dir: string, opts: { logKey?: string } = {}) {
  const dirs = await bagDirs(dir);
  const bags: BagVerification[] = [];
  for (const d of dirs) bags.push(await verifyBag(d, opts));
  const errors: string[] = [];
  if (dirs.length === 0) errors.push(`${dir}: no bag here (no bagit.txt in it or in a folder under it).`);
  const sizes = new Set(bags.map((b) => b.checkpointSize));
  if (sizes.size > 1) errors.push('The bags prove against different checkpoints; they are not one transfer.');
  const seen = new Set<number>();
  for (const b of bags)
    for (const s of b.seqs) {
      if (seen.has(s)) errors.push(`Record ${s} is in more than one bag.`);
      seen.add(s);
    }
  const ok = errors.length === 0 && bags.every((b) => b.errors.length === 0);
  return { ok, bags, errors, seqs: seen };
}
