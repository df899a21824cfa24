import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock, silentLogger } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { envToConfig, type ServerConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ArchiveKeyCustody } from '../../src/records/key-custody.js';
import { resealArchive } from '../../src/records/key-rotation.js';
import { formatShare, splitArchiveKey } from '../../src/records/key-shares.js';
import { beginSplit, finishSplit, splitState } from '../../src/records/key-split.js';
import { createArchiveKeyFile } from '../../src/records/keys.js';
import { openTestDatabase } from './test-context.js';

export interface SplitKeyFolder {
  dataDir: string;
  cfg: ServerConfig;
  db: Awaited<ReturnType<typeof openTestDatabase>>;
  /** A context on the folder and the database (migrated), as a server started on it opens one. */
  open(): Promise<AppContext>;
  /** Drop the database and remove the folder (close the contexts first). */
  remove(): Promise<void>;
}

/**
 * A data folder (named with `prefix`) as a server has it before `hotline keys split`: its
 * symmetric archive key file created, with the test database and one log signer that every
 * context `open()` opens shares. `env` is added to the configuration (demo, say).
 */
export async function openSplitKeyFolder(
  prefix: string,
  env: Record<string, string>,
  clock = new ManualClock('2026-03-02T14:00:00Z'),
): Promise<SplitKeyFolder> {
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  const cfg = envToConfig({ dataDir, logLevel: 'silent', ...env });
  const db = await openTestDatabase();
  const signer = parseSignerKey(generateSignerKey(cfg.logOrigin).signer);
  createArchiveKeyFile(cfg.archiveKeyFile);
  return {
    dataDir,
    cfg,
    db,
    async open() {
      const ctx = await AppContext.fromConfig(cfg, { db, clock, logger: silentLogger(), logSigner: signer });
      await migrateToLatest(ctx.db);
      return ctx;
    },
    async remove() {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * What `hotline keys split` does, on a context opened on a data folder whose server is stopped:
 * re-seal every content to a new X25519 public key, split its private key `threshold` of
 * `names.length`, record the split, write `archive.pub` and remove the key files. Returns the
 * archive key id and the share files' texts. The context is left open (close it: a server
 * started afterwards on the folder is a split server).
 */
export async function splitArchiveKeyOf(
  ctx: AppContext,
  names: string[],
  threshold: number,
): Promise<{ keyId: string; shares: string[] }> {
  const file = ctx.cfg.archiveKeyFile;
  const pair = beginSplit(file);
  try {
    await resealArchive(ctx.db, pair);
    const privateKey = pair.exportPrivateKey();
    const split = await splitArchiveKey(privateKey, names, threshold, new Date(), 'x25519');
    privateKey.fill(0);
    await new ArchiveKeyCustody(ctx.db, ctx.records.withCipher(pair)).recordSplit(split, 'operator@host');
    await finishSplit(ctx.db, file, pair.publicKey, {
      threshold,
      of: names.length,
      split: split[0]!.splitId,
    });
    if (splitState(file).state !== 'split') throw new Error(`the split of ${file} did not finish`);
    return { keyId: pair.keyId, shares: split.map(formatShare) };
  } finally {
    pair.wipe();
  }
}
