import {
  type AuditProgress,
  type Checkpoint,
  LogClient,
  type LogFetcher,
  parseTilePath,
  VerificationError,
} from '@hotline/ledger';
import type { LogService } from './log-service.js';
import type { RecordsService } from './records-service.js';
import { sha256Hex } from './records-service.js';
import type { Db } from './repository.js';

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
}

/**
 * `hotline verify` from the database and content store: the checkpoint signature, every entry
 * and tile against the root, every entry's digest against its stored content, and optionally
 * consistency with an older checkpoint. Throws VerificationError naming the first fault.
 */
export async function verifyLocal(
  db: Db,
  log: LogService,
  records: RecordsService,
  opts: { olderCheckpoint?: string; onProgress?: (p: AuditProgress) => void } = {},
): Promise<LocalVerifyResult> {
  const client = new LogClient(databaseFetcher(log), log.verifierKey, log.origin, log.hasher);
  const { checkpoint } = await client.checkpoint();
  const dec = new TextDecoder();
  await client.audit(checkpoint, {
    onProgress: opts.onProgress,
    checkEntry: async (index, entry) => {
      let env: { digest?: unknown };
      try {
        env = JSON.parse(dec.decode(entry));
      } catch {
        throw new Error('the envelope is not JSON');
      }
      if (typeof env.digest !== 'string') throw new Error('the envelope has no digest');
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
      void index;
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
    ...(consistentWith !== undefined ? { consistentWith } : {}),
  };
}

export { VerificationError };
