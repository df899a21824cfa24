import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import {
  formatShare,
  type KeyShare,
  parseShare,
  readArchiveKeyBytes,
  splitArchiveKey,
} from '@hotline/server/light';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { usingContext } from './admin.js';

/** Who runs the command, as the records name them: OS user@host. */
export function operatorName(): string {
  let user = process.env.SUDO_USER || '';
  try {
    user ||= userInfo().username;
  } catch {
    user ||= process.env.USER || 'unknown';
  }
  return `${user}@${hostname()}`;
}

/** Read the share files custodians bring (`--shares a.txt b.txt …`). */
export function readShares(files: string[]): KeyShare[] {
  return files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      throw new Error(`cannot read the share file ${f}`);
    }
    return parseShare(text, f);
  });
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[^\w]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase()
    .slice(0, 40) || 'custodian';

export function keysSplitCommand(keys: Command): void {
  keys
    .command('split')
    .description(
      "Split the archive key among custodians (Shamir's secret sharing): any <k> of the <n> shares open the archive for reading, fewer reveal nothing.",
    )
    .requiredOption('--custodians <n>', 'number of custodians (shares), 2–255')
    .requiredOption('--threshold <k>', 'shares needed to open the archive, 2–n')
    .option('--names <list>', "custodians' names, comma-separated (default: custodian-1 … custodian-n)")
    .option('--out <dir>', 'folder for the share files (default: the current folder)', '.')
    .addHelpText(
      'after',
      '\nHand each file to its custodian and delete it here; the README says how custodians keep them.\n' +
        'The split is a record in the log (custodians and threshold, never a share).',
    )
    .action(async (opts: { custodians: string; threshold: string; names?: string; out: string }) => {
      const cfg = loadConfig();
      try {
        const n = Number(opts.custodians);
        const k = Number(opts.threshold);
        if (!/^\d+$/.test(opts.custodians) || !/^\d+$/.test(opts.threshold))
          throw new Error('--custodians and --threshold must be whole numbers');
        const names = opts.names
          ? opts.names.split(',').map((x) => x.trim())
          : Array.from({ length: n }, (_, i) => `custodian-${i + 1}`);
        if (names.length !== n)
          throw new Error(`--names lists ${names.length} custodians, --custodians says ${n}`);
        const key = readArchiveKeyBytes(cfg.archiveKeyFile);
        let shares: KeyShare[];
        try {
          shares = await splitArchiveKey(key, names, k);
        } finally {
          key.fill(0);
        }
        const dir = resolve(opts.out);
        const paths = shares.map((s) => join(dir, `archive-key-share-${s.index}-${slug(s.custodian)}.txt`));
        const exists = paths.find((p) => existsSync(p));
        if (exists) throw new Error(`${exists} exists; choose another --out folder`);
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        await usingContext(async (ctx) => {
          await ctx.custody.recordSplit(shares, operatorName());
          await ctx.log.integrateAll();
        });
        for (const [i, s] of shares.entries())
          writeFileSync(paths[i]!, formatShare(s), { mode: 0o600, flag: 'wx' });
        process.stdout.write(
          `Split archive key ${shares[0]!.keyId}: ${k} of ${n} shares open the archive.\n` +
            shares.map((s, i) => `  share ${s.index}: ${s.custodian} → ${paths[i]}\n`).join('') +
            'Give each custodian their file, then delete the files here. The split is recorded in the log.\n',
        );
      } catch (err) {
        fail(err);
      }
    });
}
