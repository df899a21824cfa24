import { existsSync } from 'node:fs';
import { createArchiveKeyFile } from '@hotline/server';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';

export function keysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description("Create and show the server's keys (kept in files, outside the database).");
  keys
    .command('init')
    .description('Create the archive encryption key and the records-log signing key (mode 0600).')
    .action(() => {
      const cfg = loadConfig();
      try {
        if (existsSync(cfg.archiveKeyFile)) {
          process.stdout.write(`Archive key already exists: ${cfg.archiveKeyFile} (left unchanged)\n`);
        } else {
          createArchiveKeyFile(cfg.archiveKeyFile);
          process.stdout.write(`Created archive key: ${cfg.archiveKeyFile}\n`);
        }
      } catch (err) {
        fail(err);
      }
    });
}
