#!/usr/bin/env node
import { Command } from 'commander';
import { adminCommands } from './commands/admin.js';
import { extraCommands } from './commands/registry.js';
import { serveCommand } from './commands/serve.js';

const program = new Command();
program
  .name('hotline')
  .description('Hotline: secure, records-by-design leader communications.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

serveCommand(program);
adminCommands(program);
for (const add of extraCommands) add(program);

await program.parseAsync(process.argv);
