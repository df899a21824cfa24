import { assertCanListen, startEmbeddedDatabase } from '@hotline/server/light';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { server } from '../lazy.js';

export function serveCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Start the Hotline server (migrates the database first; seeds the demo when HOTLINE_DEMO=1).',
    )
    .addHelpText(
      'after',
      '\nConfiguration comes from the environment: HOTLINE_HOST, HOTLINE_PORT, HOTLINE_DATA_DIR, DATABASE_URL, HOTLINE_DEMO, …\nSee the README section "Configuration".',
    )
    .action(async () => {
      const cfg = loadConfig();
      const started = performance.now();
      try {
        // The embedded database starts opening on its own thread (the other core) before the
        // server's modules load on this one; a taken port is still reported before it opens.
        await assertCanListen(cfg.host, cfg.port);
        const pglite = startEmbeddedDatabase(cfg);
        const { serve } = await server();
        const s = await serve(cfg, { pglite });
        pglite?.onLost((err) => {
          process.stderr.write(
            `\nhotline serve: the embedded database stopped: ${err.message}\nHotline stops too (nothing acknowledged is lost); start it again with npm start.\n`,
          );
          process.exit(1);
        });
        const ms = Math.round(performance.now() - started);
        process.stdout.write(
          `\nHotline is running at ${s.url}/app/  (${s.ctx.database.describe}${cfg.demo ? ', demo mode' : ''}; ready in ${ms} ms)\n` +
            `Public readouts: ${s.url}/readouts   API docs: ${s.url}/api/docs\nPress Ctrl+C to stop.\n\n`,
        );
        const stop = async () => {
          process.stdout.write('\nStopping Hotline…\n');
          await s.close();
          process.exit(0);
        };
        process.once('SIGINT', () => void stop());
        process.once('SIGTERM', () => void stop());
      } catch (err) {
        fail(err);
      }
    });
}
