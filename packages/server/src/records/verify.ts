import {
  type AuditProgress,
  type Checkpoint,
  LogClient,
  type LogFetcher,
  opensLeaf,
  parseTilePath,
  TILE_WIDTH,
  VerificationError,
} from '@hotline/ledger';
import type { LogService } from './log-service.js';
import { nodeSha256 } from './node-hash.js';
import { envelopeJson, type RecordEnvelope, type RecordsService, sha256Hex } from './records-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

/** Serves the log's C2SP paths straight from the database, as the HTTP routes do. */
export function databaseFetcher(log: LogService): LogFetcher {
  return {
    async get(path) {
      if (path === 'checkpoint') {
        const cp = await log.latestCheckpoint();
        return cp ? new TextEncoder().encode(cp.note) : null;
      }
      const p = parseTilePath(path);
      return p.kind === 'entries' ? log.entryBundle(p.index, p.width) : log.tile(p.level, p.index, p.width);
    },
  };
}

export interface LocalVerifyResult {
  checkpoint: Checkpoint;
  entries: number;
  consistentWith?: number;
  /** False on a split server verified without shares: content was found, not opened. */
  contentOpened: boolean;
}

/** The rows of one entry bundle with what opens each leaf, and the seq of each prev they name. */
interface OpenedBundle {
  start: number;
  rows: Awaited<ReturnType<typeof repo.openings>>;
  prevSeqs: Map<string, number>;
}

/**
 * `hotline verify` from the database and content store, for whoever holds the archive key: the
 * checkpoint signature, every entry and tile against the root, and for every entry that it opens:
 * the stored salt and envelope give exactly the public leaf, the envelope is canonical and agrees
 * with the record's columns, the content decrypts and hashes to the envelope's digest, and a prev
 * link names an earlier record. Optionally consistency with an older checkpoint. Throws
 * VerificationError naming the first fault.
 */
export async function verifyLocal(
  db: Db,
  log: LogService,
  records: Pick<RecordsService, 'content'> & { canOpen?: boolean },
  opts: { olderCheckpoint?: string; onProgress?: (p: AuditProgress) => void } = {},
): Promise<LocalVerifyResult> {
  // A split server holds only the archive's public key: without custodians' shares the content
  // is checked to be stored, not opened (hotline verify --shares opens it).
  const contentOpened = records.canOpen !== false;
  await log.assertV2(db);
  const client = new LogClient(databaseFetcher(log), log.verifierKey, log.origin, log.hasher);
  const { checkpoint } = await client.checkpoint();
  const dec = new TextDecoder();
  let bundle: OpenedBundle | null = null;
  const openBundle = async (start: number): Promise<OpenedBundle> => {
    const rows = await repo.openings(db, start, TILE_WIDTH);
    const prevs = [...new Set(rows.flatMap((r) => (r.prev ? [r.prev] : [])))];
    return { start, rows, prevSeqs: await repo.seqsOf(db, prevs) };
  };
  await client.audit(checkpoint, {
    onProgress: opts.onProgress,
    checkEntry: async (index, entry) => {
      const start = index - (index % TILE_WIDTH);
      if (bundle?.start !== start) bundle = await openBundle(start);
      const row = bundle.rows[index - start];
      if (!row || Number(row.seq) !== index) throw new Error('the record is missing from the database');
      if (!row.salt || !row.leaf) throw new Error('the record has no salt or leaf (a v1 row)');
      const envBytes = new Uint8Array(row.envelope);
      if (!opensLeaf(entry, new Uint8Array(row.salt), envBytes, nodeSha256))
        throw new Error(
          'the stored salt and envelope do not open the leaf commitment (altered envelope or salt)',
        );
      const text = dec.decode(envBytes);
      let env: RecordEnvelope;
      try {
        env = JSON.parse(text) as RecordEnvelope;
      } catch {
        throw new Error('the envelope is not JSON');
      }
      if (typeof env.digest !== 'string') throw new Error('the envelope has no digest');
      if (envelopeJson(env) !== text) throw new Error('the envelope is not canonical JSON');
      const columns: [string, unknown, unknown][] = [
        ['id', env.id, row.id],
        ['kind', env.kind, row.kind],
        ['at', env.at, new Date(row.at).toISOString()],
        ['office', env.office, row.office_id],
        ['actor', env.actor, row.actor_id],
        ['subject', env.subject, row.subject],
        ['digest', env.digest, row.digest],
        ['prev', env.prev ?? null, row.prev],
      ];
      for (const [name, inEnvelope, inColumn] of columns)
        if (inEnvelope !== inColumn)
          throw new Error(
            `the record's ${name} column is ${JSON.stringify(inColumn)}, its committed envelope says ${JSON.stringify(inEnvelope)}`,
          );
      if (env.prev !== undefined) {
        const p = bundle.prevSeqs.get(env.prev);
        if (p === undefined) throw new Error(`prev names record ${env.prev}, which is not in the log`);
        if (p >= index) throw new Error(`prev names record ${env.prev} at entry ${p}, not an earlier one`);
      }
      if (!contentOpened) {
        if (!(await repo.findContent(db, env.digest)))
          throw new Error(`content ${env.digest.slice(0, 16)}… is missing from the store`);
        return;
      }
      let content: Uint8Array | null;
      try {
        content = await records.content(db, env.digest);
      } catch {
        throw new Error(
          `content ${env.digest.slice(0, 16)}… cannot be decrypted with the archive key (altered or wrong key)`,
        );
      }
      if (!content) throw new Error(`content ${env.digest.slice(0, 16)}… is missing from the store`);
      const actual = sha256Hex(content);
      if (actual !== env.digest)
        throw new Error(
          `content digest is ${actual.slice(0, 16)}…, the log says ${env.digest.slice(0, 16)}…`,
        );
    },
  });
  let consistentWith: number | undefined;
  if (opts.olderCheckpoint) {
    const older = client.openCheckpoint(opts.olderCheckpoint);
    await client.proveConsistency(older, checkpoint);
    consistentWith = older.size;
  }
  return {
    checkpoint,
    entries: checkpoint.size,
    contentOpened,
    ...(consistentWith !== undefined ? { consistentWith } : {}),
  };
}

export { VerificationError };
