import type { AppContext } from '@hotline/server';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { server } from '../lazy.js';
import { progressBar } from '../progress.js';
import { usingContext } from './admin.js';

/** The record kind that announces a new log verifier key in the log itself. */
export const LOG_KEY_ROTATED = 'log.key-rotated';

async function reseal(ctx: AppContext): Promise<number> {
  const { resealArchive } = await server();
  const bar = progressBar('re-seal');
  try {
    return await resealArchive(ctx.db, ctx.cipher, (done, total) => bar.update(done, total, 'content rows'));
  } finally {
    bar.stop();
  }
}

export function keysRotateCommands(keys: Command): void {
  const rotate = keys.command('rotate').description('Replace a key, keeping what it protected readable.');

  rotate
    .command('log')
    .description(
      'New records-log signing key: checkpoints carry both signatures during the transition, then only the new one.',
    )
    .option('--transition-days <n>', 'days during which the old key also signs checkpoints', '30')
    .action(async (opts: { transitionDays: string }) => {
      const cfg = loadConfig();
      try {
        if (!/^\d+$/.test(opts.transitionDays) || Number(opts.transitionDays) > 3650)
          throw new Error(
            `--transition-days must be a whole number of days (0–3650), got "${opts.transitionDays}"`,
          );
        const { readLogTransition, rotateLogKeyFile } = await server();
        const current = readLogTransition(cfg.logKeyFile);
        if (current && current.until > new Date())
          throw new Error(
            `a log key rotation is in transition until ${current.until.toISOString()}; rotate again after that`,
          );
        const until = new Date(Date.now() + Number(opts.transitionDays) * 86_400_000);
        const keys = rotateLogKeyFile(cfg.logKeyFile, cfg.logOrigin, until);
        await usingContext(async (ctx) => {
          await ctx.db.transaction().execute((tx) =>
            ctx.records.append(tx, {
              kind: LOG_KEY_ROTATED,
              content: {
                previousVerifierKey: keys.previousVerifierKey,
                verifierKey: keys.verifierKey,
                transitionEnds: until.toISOString(),
              },
            }),
          );
          await ctx.log.integrateAll();
        });
        process.stdout.write(
          `Rotated the log signing key (${cfg.logKeyFile}).\n` +
            `Until ${until.toISOString()} checkpoints are signed by the old and the new key; after that only by the new key.\n` +
            `The previous key is kept in ${cfg.logKeyFile}.previous for the transition; delete it afterwards.\n` +
            `The rotation is recorded in the log (a ${LOG_KEY_ROTATED} record).\n\n` +
            `New verifier key (publish it; auditors switch to it before the transition ends):\n${keys.verifierKey}\n`,
        );
      } catch (err) {
        fail(err);
      }
    });

  rotate
    .command('archive')
    .description(
      'New archive key: new content is sealed under it, existing content is re-sealed (the old key stays readable until then).',
    )
    .option('--resume', 'do not create a new key; finish re-sealing under the current one')
    .action(async (opts: { resume?: boolean }) => {
      const cfg = loadConfig();
      try {
        const { countStaleSealed, rotateArchiveKeyFile } = await server();
        if (!opts.resume) {
          const r = rotateArchiveKeyFile(cfg.archiveKeyFile);
          process.stdout.write(
            `New archive key ${r.newId} in ${cfg.archiveKeyFile}; the old key ${r.oldId} is kept in ${r.retiredFile} for reading.\n`,
          );
        }
        await usingContext(async (ctx) => {
          const n = await reseal(ctx);
          const left = await countStaleSealed(ctx.db, ctx.cipher);
          if (left > 0)
            throw new Error(
              `${left} content rows were sealed under an older key while re-sealing (a server still running with the old key?); restart the servers, then run "hotline keys rotate archive --resume"`,
            );
          process.stdout.write(
            `Re-sealed ${n} content rows under archive key ${ctx.cipher.keyId}; every row now uses it.\n` +
              (ctx.cipher.retiredKeyIds.length
                ? `The retired key files (${cfg.archiveKeyFile}.retired-*) are only needed to read backups taken before this rotation; keep them as long as those backups, then delete them.\n`
                : ''),
          );
        });
      } catch (err) {
        fail(err);
      }
    });
}
