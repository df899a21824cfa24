import { resolve } from 'node:path';
import { httpFetcher, LogClient } from '@hotline/ledger';
import type { Command } from 'commander';
import { fail } from '../config.js';
import { loadState, monitorOnce, saveState } from '../monitor.js';
import { readPolicy } from './log.js';

interface MonitorOpts {
  url: string;
  policy?: string;
  key?: string;
  origin?: string;
  state: string;
  interval: string;
  once?: boolean;
}

/**
 * `hotline monitor`: follow a log and its witnesses, keep every checkpoint seen in a local file,
 * and exit 1 with the reason when two checkpoints of the origin are inconsistent or a witness
 * holds a size the log never served.
 */
export function monitorCommand(program: Command): void {
  program
    .command('monitor')
    .description(
      'Follow a records log and its witnesses; exit 1 on a fork, a rollback or a witness shown another history.',
    )
    .requiredOption('--url <url>', 'the log, e.g. https://host/log')
    .option(
      '--policy <file>',
      'the witness policy (its "log <vkey>" line pins the log key; its witnesses are asked too)',
    )
    .option('--key <verifier>', "the log's verifier key (pin it; default: the policy's log line)")
    .option('--origin <origin>', 'the expected origin (default: the key name)')
    .option('--state <file>', 'where the checkpoints seen are kept', 'hotline-monitor.json')
    .option('--interval <seconds>', 'seconds between checks', '60')
    .option('--once', 'check once and exit')
    .action(async (opts: MonitorOpts) => {
      const policy = opts.policy ? readPolicy(opts.policy) : null;
      const key = opts.key ?? policy?.logs[0]?.vkey;
      if (!key)
        fail(new Error('give the log key with --key, or a "log <vkey>" line in the --policy file'), 2);
      const client = new LogClient(httpFetcher(opts.url), key, opts.origin ?? key.split('+')[0]!);
      const file = resolve(opts.state);
      for (;;) {
        try {
          const state = loadState(file, client.origin);
          const r = await monitorOnce(client, state, policy);
          saveState(file, state);
          for (const w of r.warnings) process.stderr.write(`hotline monitor: warning: ${w}\n`);
          if (r.alerts.length) {
            for (const a of r.alerts) process.stderr.write(`hotline monitor: ALERT: ${a}\n`);
            process.exit(1);
          }
          process.stdout.write(
            `${new Date().toISOString()} ${client.origin} size ${r.checkpoint.size} consistent with ${state.checkpoints.length} checkpoint(s) kept${policy ? `; cosigned by ${r.cosigners.join(', ') || 'none'}${r.quorum ? ' (quorum)' : ' (NO quorum)'}` : ''}\n`,
          );
        } catch (err) {
          // A bad signature or a log that cannot prove itself fails --once; a long-running
          // monitor reports it and tries again (the network may be at fault).
          if (opts.once) fail(new Error(`monitor: ${(err as Error).message}`));
          process.stderr.write(`hotline monitor: warning: ${(err as Error).message}\n`);
        }
        if (opts.once) return;
        await new Promise((r) => setTimeout(r, Number(opts.interval) * 1000));
      }
    });
}
