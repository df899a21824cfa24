import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArchiveSearchSchema } from '@hotline/contract';
import type { Command } from 'commander';
import { fail } from '../config.js';
import { server } from '../lazy.js';
import { progressBar } from '../progress.js';
import { usingContext } from './admin.js';
import { archiveGroup } from './archive-replicate.js';
import { operatorName, readShares } from './keys-split.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** "500MB", "2GiB", "1000000" → bytes. */
export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(v.trim());
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) > 0))
    fail(new Error(`--bag-size must be a size such as 500MB, 2GB or 1GiB, got "${v}"`), 2);
  return Math.floor(Number(m[1]) * unit);
}

interface TransferOpts {
  scope: string;
  to: string;
  as: string;
  kind?: string;
  account?: string;
  person?: string;
  since?: string;
  until?: string;
  classification?: string;
  bagSize: string;
  bagItems?: string;
  shares?: string[];
}

/** The archive search a transfer's flags name: `--scope office` (everything) or a query, and filters. */
export function scopeOf(o: Omit<TransferOpts, 'to' | 'as' | 'bagSize' | 'bagItems' | 'shares'>) {
  const raw = {
    ...(o.scope.trim().toLowerCase() === 'office' ? {} : { q: o.scope }),
    ...(o.kind ? { kind: o.kind } : {}),
    ...(o.account ? { account: o.account } : {}),
    ...(o.person ? { person: o.person } : {}),
    ...(o.since ? { from: new Date(o.since).toISOString() } : {}),
    ...(o.until ? { to: new Date(o.until).toISOString() } : {}),
    ...(o.classification ? { classification: o.classification } : {}),
  };
  const r = ArchiveSearchSchema.safeParse(raw);
  if (!r.success)
    fail(
      new Error(
        `invalid scope: ${r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`,
      ),
      2,
    );
  return r.data;
}

export function transferCommands(program: Command): void {
  const archive = archiveGroup(program);
  archive
    .command('transfer')
    .description(
      'Write the records of a scope as RFC 8493 BagIt bags, with the proofs that they are the records the log holds.',
    )
    .requiredOption('--scope <query>', '"office" for every record of the office, or an archive search query')
    .requiredOption(
      '--to <dir>',
      'an empty or new folder (or the folder of a stopped transfer, to resume it)',
    )
    .requiredOption('--as <email>', 'the records officer the transfer is recorded under')
    .option('--kind <kind>', 'only records of this kind (email, memcon, call_log, …)')
    .option('--account <id>', 'only items of this captured account (its id)')
    .option('--person <id>', 'only records by this person (their user id)')
    .option('--since <date>', 'only records from this date (ISO 8601)')
    .option('--until <date>', 'only records up to this date (ISO 8601)')
    .option('--classification <c>', 'only records of this classification (presidential, personal, …)')
    .option('--bag-size <size>', 'largest payload per bag, e.g. 500MB, 2GB', '1GB')
    .option('--bag-items <n>', 'most items per bag')
    .option(
      '--shares <files...>',
      "k custodians' share files: needed when the archive key is split (the opening is recorded with who took part)",
    )
    .addHelpText(
      'after',
      '\nA transfer stopped part-way (killed, power lost) resumes when run again with the same --to and scope:\n' +
        'finished bags are kept, the bag that was being written is written again. Check the result with\n' +
        '"hotline archive verify-bag DIR". Stop the server first when it runs on the embedded database.',
    )
    .action(async (o: TransferOpts) => {
      const search = scopeOf(o);
      const maxBagBytes = parseSize(o.bagSize);
      const maxBagItems = o.bagItems ? Number(o.bagItems) : null;
      if (maxBagItems !== null && !(Number.isInteger(maxBagItems) && maxBagItems > 0))
        fail(new Error(`--bag-items must be a positive whole number, got "${o.bagItems}"`), 2);
      const bar = progressBar('transfer');
      try {
        await usingContext(async (ctx) => {
          // Demo mode: the demo world is seeded as `serve` would (once), so a fresh demo can transfer.
          if (ctx.cfg.demo) await ctx.prepare();
          // With a witness policy, the proofs are against the latest checkpoint its quorum cosigned.
          if (ctx.cfg.witnessPolicyFile) await ctx.startWitnessing();
          const actor = await ctx.transfer.actorFor(o.as);
          const r = await ctx.transfer.transfer(actor, {
            to: o.to,
            search,
            maxBagBytes,
            maxBagItems,
            ...(o.shares?.length ? { shares: readShares(o.shares), by: operatorName() } : {}),
            onProgress: (p) => bar.update(p.done, p.total, p.bag),
          });
          bar.stop();
          process.stdout.write(
            `${r.resumed ? 'Resumed and finished' : 'Finished'} transfer ${r.id}: ${r.items} item(s), ${r.records} proven record(s) in ${r.bags.length} bag(s) under ${r.dir}, against the log's checkpoint of size ${r.checkpointSize}.\n` +
              r.bags
                .map((b) => `  ${b.name}: ${b.items} items, ${b.files} files, ${b.octets} bytes\n`)
                .join('') +
              `Recorded as records-log entry ${r.recordSeq}. Check it with: hotline archive verify-bag ${r.dir}\n`,
          );
        });
      } catch (err) {
        bar.stop();
        fail(err);
      }
    });

  archive
    .command('seal-transferred <dir>')
    .description(
      "After a complete, verified transfer: drop the plaintext of the records it holds from the office's search index and captured items' working copies (the sealed content and the log stay).",
    )
    .requiredOption('--as <email>', 'the records officer the seal is recorded under')
    .addHelpText(
      'after',
      '\n<dir> is the folder "hotline archive transfer --to" wrote, bags and hotline-transfer.json still in it.\n' +
        "The bags are verified first, against this server's log key; only records they prove are sealed.\n" +
        'Refused when the transfer is not done or does not verify, or an item is under legal hold. A run\n' +
        'stopped part-way continues when run again; a second run seals nothing. Stop the server first when\n' +
        'it runs on the embedded database.',
    )
    .action(async (dir: string, o: { as: string }) => {
      const bar = progressBar('seal');
      try {
        await usingContext(async (ctx) => {
          const actor = await ctx.transfer.actorFor(o.as);
          const r = await ctx.sealTransferred.seal(actor, dir, {
            onProgress: (p) =>
              bar.update(p.done, p.total, p.phase === 'verify' ? 'verifying the bags' : 'sealing'),
          });
          bar.stop();
          const seqs = r.recordSeqs;
          process.stdout.write(
            `Transfer ${r.transferId}: ${r.entries} item(s) in the verified bags; ${r.sealed} sealed now${
              r.already ? `, ${r.already} sealed before` : ''
            }.\n` +
              (seqs.length
                ? `Recorded as records-log entries ${seqs[0]}${seqs.length > 1 ? `–${seqs.at(-1)}` : ''} (audit.archive.sealed_transferred).\n`
                : 'Nothing left to seal.\n') +
              `Search finds them by kind, date, account or person, and by "${r.transferId}"; no longer by their words.\n`,
          );
        });
      } catch (err) {
        bar.stop();
        fail(err);
      }
    });

  archive
    .command('verify-bag <dir>')
    .description(
      'Check a bag (or a transfer folder of bags) offline: BagIt manifests and Oxum, and every record proof.',
    )
    .option(
      '--key <vkey>',
      "the log's verifier key, from a source you trust (default: the key inside the bag, said so)",
    )
    .option(
      '--complete',
      'also ask the records log which records of the scope the bags do not hold (needs --as)',
    )
    .option('--as <email>', 'the records officer, for --complete')
    .action(async (dir: string, o: { key?: string; complete?: boolean; as?: string }) => {
      try {
        const { verifyTransfer } = await server();
        const r = await verifyTransfer(dir, o.key ? { logKey: o.key } : {});
        for (const b of r.bags) {
          process.stdout.write(
            `${b.bag}: ${b.errors.length ? 'FAILED' : 'ok'} — ${b.bagit.payloadFiles} payload files, ${b.records} records proven against the checkpoint of size ${b.checkpointSize ?? '?'}` +
              `${b.cosigners.length ? ` cosigned by ${b.cosigners.join(', ')}` : ''}; log key from ${b.keySource === 'given' ? '--key' : 'the bag (compare it with one you trust, or pass --key)'}\n`,
          );
          for (const e of b.errors.slice(0, 50)) process.stdout.write(`  ${e}\n`);
          if (b.errors.length > 50) process.stdout.write(`  … and ${b.errors.length - 50} more\n`);
        }
        for (const e of r.errors) process.stdout.write(`${e}\n`);
        let complete = true;
        if (o.complete) {
          if (!o.as) fail(new Error('--complete needs --as <email> (a records officer of the office)'), 2);
          const first = r.bags[0];
          if (!first?.checkpointSize) fail(new Error('no bag with a checkpoint to compare with'), 1);
          const info = readFileSync(join(first.bag, 'bag-info.txt'), 'utf8');
          const scope = JSON.parse(/^Hotline-Scope: (.*)$/m.exec(info)?.[1] ?? '{}');
          await usingContext(async (ctx) => {
            const actor = await ctx.transfer.actorFor(o.as!);
            const m = await ctx.transfer.missing(actor, scope, first.checkpointSize!, r.seqs);
            complete = m.missing.length === 0;
            process.stdout.write(
              complete
                ? `Complete: all ${m.entries} records of the scope in the log of size ${first.checkpointSize} are in the bags.\n`
                : `INCOMPLETE: ${m.missing.length} record(s) of the scope are not in the bags:\n${m.missing
                    .slice(0, 50)
                    .map((x) => `  entry ${x.seq}: ${x.refKind} ${x.refId}\n`)
                    .join('')}`,
            );
          });
        }
        if (!r.ok || !complete) process.exitCode = 1;
        else process.stdout.write('verified\n');
      } catch (err) {
        fail(err);
      }
    });
}
