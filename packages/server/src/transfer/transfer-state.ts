import { existsSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArchiveSearch } from '@hotline/contract';
import { fsSyncer, type Syncer, writeSynced } from './durable.js';
import type { Cursor } from './repository.js';

/**
 * A transfer's progress, kept beside its bags in `<DIR>/hotline-transfer.json` (outside every
 * bag) and replaced atomically after each finished bag. A transfer killed part-way resumes
 * from it: finished bags are kept as they are, the bag that was being written is written
 * again from the first record after the last finished bag, against the same checkpoint.
 */
export interface TransferState {
  v: 1;
  id: string;
  office: string;
  search: ArchiveSearch;
  startedAt: string;
  startRecordSeq: number;
  checkpoint: { size: number; note: string; origin: string; verifierKey: string; witnesses: string | null };
  maxBagBytes: number;
  maxBagItems: number | null;
  /** entries of the scope at the checkpoint's size */
  total: number;
  bags: FinishedBag[];
  done: boolean;
  finishRecordSeq?: number;
}

export interface FinishedBag {
  name: string;
  items: number;
  records: number;
  octets: number;
  files: number;
  first: Cursor;
  last: Cursor;
}

export const STATE_FILE = 'hotline-transfer.json';

export function bagName(n: number): string {
  return `bag-${String(n).padStart(4, '0')}`;
}

export async function readState(dir: string): Promise<TransferState | null> {
  const f = join(dir, STATE_FILE);
  if (!existsSync(f)) return null;
  return JSON.parse(await readFile(f, 'utf8')) as TransferState;
}

/**
 * Replace the state file durably: the new state written and fsynced beside it, renamed over it,
 * then the transfer folder synced (which also makes durable the bag folders it names). Called
 * only after what the state records is itself synced (a finished bag: BagWriter.finish), so a
 * power cut never leaves a state naming a bag the disk does not hold whole.
 */
export async function saveState(dir: string, s: TransferState, sync: Syncer = fsSyncer): Promise<void> {
  const f = join(dir, STATE_FILE);
  await writeSynced(`${f}.tmp`, `${JSON.stringify(s, null, 2)}\n`, sync);
  await rename(`${f}.tmp`, f);
  await sync.dir(dir);
}

/** Whether `dir` may start a new transfer: it does not exist, or is empty. */
export async function isEmptyOrMissing(dir: string): Promise<boolean> {
  if (!existsSync(dir)) return true;
  return (await readdir(dir)).length === 0;
}
