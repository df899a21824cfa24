import { resolve } from 'node:path';
import { cosignerVerifierKey } from '@hotline/ledger';
import { type Command, Option } from 'commander';
import { fail } from '../config.js';
import { server } from '../lazy.js';

interface WitnessOpts {
  dir: string;
  key?: string;
  config?: string;
  name?: string;
}

const withFolder = (c: Command) =>
  c
    .option('--dir <folder>', 'the witness folder: key, config and embedded database', 'hotline-witness')
    .option('--key <file>', 'the witness key file (default <dir>/witness.key)')
    .option('--name <name>', 'the witness name (e.g. witness.example.org/w1), needed to create the key');

/**
 * `hotline witness serve|key`: a standalone witness (C2SP tlog-witness v1.0.0, tlog-cosignature
 * v1.0.1 Ed25519), with its own key, port and state, cosigning the logs listed in its config.
 */
export function witnessCommands(program: Command): void {
  const witness = program
    .command('witness')
    .description('Run a witness that cosigns other logs (C2SP tlog-witness v1.0.0).');

  withFolder(witness.command('key'))
    .description(
      "Print the witness's verifier key (creating the key, mode 0600, when --name is given and none exists).",
    )
    .action(async (opts: WitnessOpts) => {
      try {
        const { ensureWitnessKey } = await server();
        const c = ensureWitnessKey(resolve(opts.key ?? `${opts.dir}/witness.key`), opts.name);
        process.stdout.write(`${cosignerVerifierKey(c.name, c.publicKey)}\n`);
      } catch (err) {
        fail(err);
      }
    });

  withFolder(witness.command('serve'))
    .description(
      'Serve POST /add-checkpoint for the logs listed in the config ("log <origin> <verifier key>" lines).',
    )
    .option('--config <file>', 'the followed logs (default <dir>/witness.conf)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on', '7380')
    .addOption(
      new Option(
        '--config-from-parent',
        'the config comes over the IPC channel (the demo witness)',
      ).hideHelp(),
    )
    .addHelpText(
      'after',
      '\nState: an embedded PGlite database in <dir>/db, or PostgreSQL when DATABASE_URL is set.',
    )
    .action(async (opts: WitnessOpts & { host: string; port: string; configFromParent?: boolean }) => {
      try {
        const dir = resolve(opts.dir);
        const { parseWitnessConfig, startWitnessServer } = await server();
        const fromParent = opts.configFromParent
          ? new Promise<ReturnType<typeof parseWitnessConfig>>((ok, no) => {
              if (!process.send) return no(new Error('--config-from-parent needs an IPC channel'));
              process.once('message', (m: { witnessConfig?: string }) =>
                ok(parseWitnessConfig(m.witnessConfig ?? '', 'the config from the parent process')),
              );
              process.once('disconnect', () => no(new Error('the parent process ended first')));
            })
          : undefined;
        fromParent?.catch(() => {});
        const w = await startWitnessServer({
          dir,
          keyFile: opts.key ? resolve(opts.key) : undefined,
          configFile: opts.config ? resolve(opts.config) : undefined,
          logs: fromParent,
          name: opts.name,
          databaseUrl: process.env.DATABASE_URL || undefined,
          host: opts.host,
          port: Number(opts.port),
        });
        process.stdout.write(
          `Witness ${w.vkey}\nlistening at ${w.url}/add-checkpoint for ${w.service.origins.join(', ') || 'no logs (add "log <origin> <vkey>" lines to the config)'}\n`,
        );
        // Ctrl+C reaches this process and the Hotline that started it (the demo) at once, and that
        // Hotline then asks again with SIGTERM: close once, whatever arrives while closing.
        let stopping = false;
        const stop = () => {
          if (stopping) return;
          stopping = true;
          void w.close().then(() => process.exit(0));
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        // Started by Hotline (its demo witness): end with it, even when it is killed.
        if (process.send) process.on('disconnect', stop);
      } catch (err) {
        fail(err);
      }
    });
}
