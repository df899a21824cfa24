import type { Clock } from '@hotline/common';
import {
  type Cosigner,
  defaultHasher,
  equalBytes,
  type Hasher,
  NoteError,
  openNote,
  parseAddCheckpoint,
  parseCheckpointBody,
  type Verifier,
  verifyConsistency,
} from '@hotline/ledger';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** The logs a witness follows: origin → the log's verifier keys (more than one during a rotation). */
export type FollowedLogs = ReadonlyMap<string, readonly Verifier[]>;

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

const text = (status: WitnessAnswer['status'], body: string): WitnessAnswer => ({
  status,
  contentType: 'text/plain; charset=utf-8',
  body: body.endsWith('\n') ? body : `${body}\n`,
});

/**
 * Hotline as a witness, per C2SP tlog-witness v1.0.0 (pinned) with tlog-cosignature v1.0.1
 * Ed25519 cosignatures. add-checkpoint checks, in the order of the spec: the origin is followed
 * (404), a trusted log key signed it and no trusted signature is bad (403), old ≤ new (400), old is
 * the stored size (409 with the stored size as text/x.tlog.size), the consistency proof (422), and
 * at equal sizes the same root (409). Then it stores the checkpoint (a compare-and-swap on the
 * stored size in one transaction: a request that lost the race gets 409 and nothing rolls back) and
 * answers the cosignature line.
 */
export class WitnessService {
  constructor(
    private readonly db: Db,
    readonly cosigner: Cosigner,
    private readonly logs: FollowedLogs,
    private readonly clock: Clock,
    private readonly hasher: Hasher = defaultHasher,
  ) {}

  get origins(): string[] {
    return [...this.logs.keys()];
  }

  async addCheckpoint(body: string): Promise<WitnessAnswer> {
    let req: ReturnType<typeof parseAddCheckpoint>;
    let origin: string;
    try {
      req = parseAddCheckpoint(body);
      const split = req.checkpoint.indexOf('\n\n');
      if (split < 0) throw new NoteError('the checkpoint has no signature block');
      origin = req.checkpoint.slice(0, req.checkpoint.indexOf('\n'));
    } catch (err) {
      return text(400, `malformed add-checkpoint request: ${(err as Error).message}`);
    }
    const verifiers = this.logs.get(origin);
    if (!verifiers) return text(404, `this witness does not follow the log "${origin}"`);
    let cp: ReturnType<typeof parseCheckpointBody>;
    let noteText: string;
    try {
      const opened = openNote(req.checkpoint, [...verifiers]);
      noteText = opened.text;
      cp = parseCheckpointBody(opened.text);
    } catch (err) {
      // openNote fails on a bad signature by a trusted key, on none at all, or on a malformed note.
      const msg = (err as Error).message;
      if (/^(invalid signature|no signature from a known key)/.test(msg))
        return text(403, `checkpoint not signed by the log's key: ${msg}`);
      return text(400, `malformed checkpoint: ${msg}`);
    }
    if (cp.origin !== origin) return text(400, 'malformed checkpoint');
    if (req.oldSize > cp.size)
      return text(400, `old size ${req.oldSize} is above the checkpoint size ${cp.size}`);
    if (req.oldSize === 0 && req.proof.length > 0)
      return text(400, 'the consistency proof must be empty when the old size is 0');
    return repo.transaction(this.db, async (tx) => {
      const stored = await repo.witnessState(tx, origin);
      const storedSize = stored?.size ?? 0;
      if (req.oldSize !== storedSize) return conflict(storedSize);
      if (stored) {
        const ok = verifyConsistency(this.hasher, stored.size, cp.size, stored.root, cp.root, req.proof);
        if (!ok) {
          if (stored.size === cp.size && req.proof.length === 0 && !equalBytes(stored.root, cp.root))
            return conflict(storedSize);
          return text(422, `the consistency proof from ${stored.size} to ${cp.size} does not verify`);
        }
      } else if (req.proof.length > 0) {
        return text(422, 'the consistency proof must be empty from size 0');
      }
      const at = this.clock.now();
      const swapped = await repo.compareAndSwapWitnessState(tx, origin, storedSize, {
        size: cp.size,
        root: cp.root,
        note: req.checkpoint,
        at,
      });
      if (!swapped) {
        const now = await repo.witnessState(tx, origin);
        return conflict(now?.size ?? 0);
      }
      return {
        status: 200 as const,
        contentType: 'text/plain; charset=utf-8',
        body: this.cosigner.cosign(noteText, Math.floor(at.getTime() / 1000)),
      };
    });
  }

  /** The latest checkpoint this witness cosigned for an origin (for monitors and the operator). */
  async latest(origin: string): Promise<{ size: number; root: Uint8Array } | null> {
    return repo.witnessState(this.db, origin);
  }
}

function conflict(size: number): WitnessAnswer {
  return { status: 409, contentType: 'text/x.tlog.size', body: `${size}\n` };
}
