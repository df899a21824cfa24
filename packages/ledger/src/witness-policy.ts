import { type Checkpoint, parseCheckpointBody } from './checkpoint.js';
import {
  type CosignatureVerifier,
  cosignatureTime,
  parseCosignerVerifierKey,
  signatureLines,
} from './cosignature.js';
import { fromBase64, toBase64, toHex } from './hash.js';
import { NoteError, openNote, parseVerifierKey, type Verifier } from './note.js';

/**
 * Witness policies in the format Tessera and sigsum share:
 *
 *   log <vkey> [url]                    (optional: the log this policy is for)
 *   witness <name> <vkey> [url]         (url: the witness's submission prefix)
 *   group <name> <k|all|any> <member>…  (members: witnesses or groups defined above)
 *   quorum <name|none>
 *
 * '#' starts a comment; blank lines are ignored. Exactly one quorum line.
 */
export interface PolicyWitness {
  name: string;
  vkey: string;
  url?: string;
  verifier: CosignatureVerifier;
}

export type PolicyNode =
  | { kind: 'witness'; name: string; witness: PolicyWitness }
  | { kind: 'group'; name: string; threshold: number; members: PolicyNode[] }
  | { kind: 'none' };

export interface WitnessPolicy {
  logs: { vkey: string; url?: string; verifier: Verifier }[];
  witnesses: PolicyWitness[];
  quorum: PolicyNode;
}

export class PolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyError';
  }
}

const NAME = /^[^\s#]+$/;

export function parseWitnessPolicy(text: string): WitnessPolicy {
  const logs: WitnessPolicy['logs'] = [];
  const witnesses: PolicyWitness[] = [];
  const nodes = new Map<string, PolicyNode>();
  let quorum: PolicyNode | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const where = `policy line ${i + 1}`;
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (!line) continue;
    const [kw, ...args] = line.split(/\s+/) as [string, ...string[]];
    const need = (min: number, max: number, usage: string) => {
      if (args.length < min || args.length > max) throw new PolicyError(`${where}: expected "${usage}"`);
    };
    const url = (u: string | undefined) => {
      if (u === undefined) return undefined;
      try {
        const parsed = new URL(u);
        if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error();
      } catch {
        throw new PolicyError(`${where}: "${u}" is not an http(s) URL`);
      }
      return u;
    };
    switch (kw) {
      case 'log': {
        need(1, 2, 'log <vkey> [url]');
        try {
          logs.push({ vkey: args[0]!, url: url(args[1]), verifier: parseVerifierKey(args[0]!) });
        } catch (err) {
          throw new PolicyError(`${where}: ${(err as Error).message}`);
        }
        break;
      }
      case 'witness': {
        need(2, 3, 'witness <name> <vkey> [url]');
        const [name, vkey] = args as [string, string];
        if (!NAME.test(name) || nodes.has(name) || name === 'none')
          throw new PolicyError(`${where}: the name "${name}" is taken or invalid`);
        let verifier: CosignatureVerifier;
        try {
          verifier = parseCosignerVerifierKey(vkey);
        } catch (err) {
          throw new PolicyError(`${where}: ${(err as Error).message}`);
        }
        if (witnesses.some((w) => w.verifier.name === verifier.name && w.verifier.keyId === verifier.keyId))
          throw new PolicyError(`${where}: the key of witness "${name}" is listed twice`);
        const w: PolicyWitness = { name, vkey, url: url(args[2]), verifier };
        witnesses.push(w);
        nodes.set(name, { kind: 'witness', name, witness: w });
        break;
      }
      case 'group': {
        if (args.length < 3) throw new PolicyError(`${where}: expected "group <name> <k|all|any> <member>…"`);
        const [name, k, ...memberNames] = args as [string, string, ...string[]];
        if (!NAME.test(name) || nodes.has(name) || name === 'none')
          throw new PolicyError(`${where}: the name "${name}" is taken or invalid`);
        if (new Set(memberNames).size !== memberNames.length)
          throw new PolicyError(`${where}: a member is listed twice in group "${name}"`);
        const members = memberNames.map((m) => {
          const n = nodes.get(m);
          if (!n) throw new PolicyError(`${where}: "${m}" is not a witness or group defined above`);
          return n;
        });
        let threshold: number;
        if (k === 'all') threshold = members.length;
        else if (k === 'any') threshold = 1;
        else if (/^[1-9]\d*$/.test(k) && Number(k) <= members.length) threshold = Number(k);
        else
          throw new PolicyError(
            `${where}: the threshold must be all, any or 1..${members.length}, got "${k}"`,
          );
        nodes.set(name, { kind: 'group', name, threshold, members });
        break;
      }
      case 'quorum': {
        need(1, 1, 'quorum <name|none>');
        if (quorum) throw new PolicyError(`${where}: a second quorum line`);
        if (args[0] === 'none') quorum = { kind: 'none' };
        else {
          const n = nodes.get(args[0]!);
          if (!n) throw new PolicyError(`${where}: "${args[0]}" is not a witness or group defined above`);
          quorum = n;
        }
        break;
      }
      default:
        throw new PolicyError(`${where}: unknown keyword "${kw}" (log, witness, group, quorum)`);
    }
  }
  if (!quorum) throw new PolicyError('the policy has no quorum line');
  return { logs, witnesses, quorum };
}

/** Whether the witnesses named (policy names) satisfy the quorum. */
export function quorumSatisfied(node: PolicyNode, cosignedBy: ReadonlySet<string>): boolean {
  switch (node.kind) {
    case 'none':
      return true;
    case 'witness':
      return cosignedBy.has(node.name);
    case 'group':
      return node.members.filter((m) => quorumSatisfied(m, cosignedBy)).length >= node.threshold;
  }
}

export function describeQuorum(node: PolicyNode): string {
  switch (node.kind) {
    case 'none':
      return 'none';
    case 'witness':
      return node.name;
    case 'group':
      return `${node.threshold === node.members.length ? 'all' : node.threshold} of (${node.members.map(describeQuorum).join(', ')})`;
  }
}

/** Policy names of the witnesses whose key is among the verified signers (note key names + ids). */
export function cosignersIn(
  policy: WitnessPolicy,
  verified: readonly { name: string; keyId: string }[],
): Set<string> {
  const out = new Set<string>();
  for (const w of policy.witnesses)
    if (verified.some((v) => v.name === w.verifier.name && v.keyId === w.verifier.keyId)) out.add(w.name);
  return out;
}

// ─── tlog-witness v1.0.0 add-checkpoint bodies ─────────────────────────────────────────────────

export const MAX_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** the signed checkpoint note, as submitted */
  checkpoint: string;
}

export function formatAddCheckpoint(
  oldSize: number,
  proof: readonly Uint8Array[],
  checkpoint: string,
): string {
  return `old ${oldSize}\n${proof.map((p) => `${toBase64(p)}\n`).join('')}\n${checkpoint}`;
}

/** Parse an add-checkpoint body; throws NoteError for anything malformed (answer 400). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const first = body.indexOf('\n');
  if (first < 0) throw new NoteError('the body must start with an "old <size>" line');
  const m = /^old (0|[1-9]\d*)$/.exec(body.slice(0, first));
  if (!m) throw new NoteError('the first line must be "old <size>" with a canonical decimal size');
  const oldSize = Number(m[1]);
  if (!Number.isSafeInteger(oldSize)) throw new NoteError('the old size is too large');
  const proof: Uint8Array[] = [];
  let at = first + 1;
  for (;;) {
    const nl = body.indexOf('\n', at);
    if (nl < 0) throw new NoteError('no empty line before the checkpoint');
    const line = body.slice(at, nl);
    at = nl + 1;
    if (line === '') break;
    if (proof.length >= MAX_PROOF_LINES)
      throw new NoteError(`more than ${MAX_PROOF_LINES} consistency proof lines`);
    let h: Uint8Array;
    try {
      h = fromBase64(line);
    } catch {
      throw new NoteError('a consistency proof line is not base64');
    }
    if (h.length !== 32) throw new NoteError('a consistency proof hash is not 32 bytes');
    proof.push(h);
  }
  return { oldSize, proof, checkpoint: body.slice(at) };
}

export interface CosignedCheckpoint {
  checkpoint: Checkpoint;
  /** policy names of the witnesses whose cosignatures verified, with each one's timestamp */
  cosigners: { name: string; vkey: string; time: number | null }[];
  quorum: boolean;
}

/**
 * Open a checkpoint carrying cosignatures: the log's signature must verify, every cosignature by a
 * policy witness must verify (a bad one fails the note), unknown signatures are ignored, and
 * `quorum` tells whether the policy's quorum cosigned.
 */
export function openCosignedCheckpoint(
  note: string,
  logVerifiers: readonly Verifier[],
  policy: WitnessPolicy,
  origin?: string,
): CosignedCheckpoint {
  const opened = openNote(note, [...logVerifiers, ...policy.witnesses.map((w) => w.verifier)]);
  if (!opened.verified.some((v) => logVerifiers.some((l) => l.name === v.name && l.keyId === v.keyId)))
    throw new NoteError("the checkpoint carries no valid signature from the log's key");
  const checkpoint = parseCheckpointBody(opened.text);
  if (origin !== undefined && checkpoint.origin !== origin)
    throw new NoteError(`checkpoint origin is "${checkpoint.origin}", expected "${origin}"`);
  const names = cosignersIn(policy, opened.verified);
  const lines = signatureLines(note);
  const cosigners = policy.witnesses
    .filter((w) => names.has(w.name))
    .map((w) => {
      const prefix = `— ${w.verifier.name} `;
      const line = lines.find((l) => l.startsWith(prefix) && cosignatureKeyIdOfLine(l) === w.verifier.keyId);
      return { name: w.name, vkey: w.vkey, time: line ? cosignatureTime(line) : null };
    });
  return { checkpoint, cosigners, quorum: quorumSatisfied(policy.quorum, names) };
}

function cosignatureKeyIdOfLine(line: string): string | null {
  const m = /^— \S+ ([A-Za-z0-9+/=]+)\n?$/u.exec(line);
  if (!m) return null;
  try {
    return toHex(fromBase64(m[1]!).subarray(0, 4));
  } catch {
    return null;
  }
}

/**
 * Keys pinned in the URL fragment: #log=<vkey>&witness=<vkey>&witness=<vkey>[&quorum=<k>].
 * A vkey holds '+', '/' and '=', so the fragment is split by hand (URLSearchParams would turn
 * '+' into a space). With pinned witnesses, the checkpoint must carry k of their cosignatures
 * (all of them by default); without, the witnesses the server names are shown, unpinned.
 */
export function parsePinnedKeys(hash: string): { log?: string; witnesses: string[]; quorum?: number } {
  const out: { log?: string; witnesses: string[]; quorum?: number } = { witnesses: [] };
  for (const part of hash.replace(/^#/, '').split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const k = part.slice(0, eq);
    const v = decodeURIComponent(part.slice(eq + 1));
    if (k === 'log') out.log = v;
    else if (k === 'witness') out.witnesses.push(v);
    else if (k === 'quorum' && /^[1-9]\d*$/.test(v)) out.quorum = Number(v);
  }
  return out;
}
