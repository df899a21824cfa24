import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { fail } from '../config.js';

interface Opts {
  office: string;
  dir?: string;
  url: string;
  pollMs: string;
  fromParent?: boolean;
  once?: boolean;
}

/**
 * `hotline records-member --office ID`: an office's records member (issue 16) as its own process,
 * with its own key file. Loads only packages/e2ee and fetch (no database, no server modules).
 */
export function recordsMemberCommand(program: Command): void {
  program
    .command('records-member')
    .description(
      "Run an office's records member: join its conversations, seal each message to the archive key, acknowledge it archived.",
    )
    .requiredOption('--office <id>', 'the office (its id) whose records member this is')
    .option('--dir <folder>', 'its key and state (default ./data/records-member/<office>)')
    .option('--url <url>', 'the Hotline server', process.env.HOTLINE_PUBLIC_URL || 'http://localhost:3000')
    .option(
      '--poll-ms <ms>',
      'the fallback: fetch what is new this often even without a live event (it follows the live channel)',
      '30000',
    )
    .option('--once', 'one pass (join, archive what is new), then exit')
    .addOption(
      new Option('--from-parent', 'started by the demo server: hand it the key package over IPC').hideHelp(),
    )
    .addHelpText(
      'after',
      `
First start: makes its key (<dir>/records-member.key, mode 0600) and prints its key package. A
records officer of the office publishes it with the archive public key:
  POST /api/v1/messaging/records-members { keyPackage, archivePublicKey }
The demo (npm start) does this itself for each demo office.`,
    )
    .action(async (opts: Opts) => {
      try {
        const { ensureRecordsMemberKey, RecordsMemberClient } = await import(
          '@hotline/server/records-member'
        );
        const dir = resolve(opts.dir ?? `data/records-member/${opts.office}`);
        const { bundle, created } = await ensureRecordsMemberKey(dir, opts.office);
        const keyPackage = Buffer.from(bundle.publicBytes).toString('base64');
        const log = (line: string) => process.stdout.write(`${line}\n`);
        if (opts.fromParent) {
          if (!process.send) throw new Error('--from-parent needs an IPC channel');
          process.send({ recordsMemberKeyPackage: keyPackage });
          await new Promise<void>((ok, no) => {
            process.once('message', (m: { published?: boolean; error?: string }) =>
              m.published ? ok() : no(new Error(m.error ?? 'the server did not publish the records member')),
            );
            process.once('disconnect', () => no(new Error('the parent process ended first')));
          });
        } else if (created) {
          log(
            `Made the records member's key in ${dir}/records-member.key.\nIts key package (a records officer publishes it with the office's archive public key):\n${keyPackage}`,
          );
        }
        const client = new RecordsMemberClient(
          {
            officeId: opts.office,
            dir,
            url: opts.url,
            pollMs: Number(opts.pollMs),
            log,
          },
          bundle,
        );
        if (opts.once) {
          const n = await client.step();
          log(`archived ${n} message(s)`);
          return;
        }
        log(`records member of office ${opts.office} following ${opts.url}`);
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          client.stop();
          setTimeout(() => process.exit(0), 3000).unref();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        if (process.send) process.on('disconnect', stop);
        await client.run();
        process.exit(0);
      } catch (err) {
        fail(err);
      }
    });
}
