import { Command } from 'commander';
import { adminCommands } from './commands/admin.js';
import { extraCommands } from './commands/registry.js';
import { serveCommand } from './commands/serve.js';

/** The `hotline` command with every subcommand; hotline.ts runs it, tests read its help. */
export function buildProgram(): Command {
  const program = new Command();
  program
    .name('hotline')
    .description('Hotline: secure, records-by-design leader communications.')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');

  serveCommand(program);
  adminCommands(program);
  for (const add of extraCommands) add(program);
  return program;
}
