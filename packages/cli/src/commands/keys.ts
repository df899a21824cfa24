import { existsSync } from 'node:fs';
import { parseSignerKey, verifierKeyString } from '@hotline/ledger';
import {
  createArchiveKeyFile,
  createLogKeyFile,
  createSessionKeyFile,
  readLogSignerKey,
} from '@hotline/server/light';
import type { Command } from 'commander';
import { fail, loadConfig } from '../config.js';
import { keysRotateCommands } from './keys-rotate.js';
import { keysSplitCommand } from './keys-split.js';

export function keysCommands(program: Command): void {
  const keys = program
    .command('keys')
    .description("Create the server's keys (files with mode 0600, outside the database).");
  keys
    .command('init')
    .description(
      'Create the archive encryption key, the records-log Ed25519 signing key and the session-cookie key, and print the verifier key.',
    )
    .action(() => {
      const cfg = loadConfig();
      try {
        if (existsSync(cfg.archiveKeyFile)) {
          process.stdout.write(`Archive key exists, left unchanged: ${cfg.archiveKeyFile}\n`);
        } else {
          createArchiveKeyFile(cfg.archiveKeyFile);
          process.stdout.write(`Created the archive key: ${cfg.archiveKeyFile}\n`);
        }
        if (existsSync(cfg.logKeyFile)) {
          process.stdout.write(`Log signing key exists, left unchanged: ${cfg.logKeyFile}\n`);
        } else {
          createLogKeyFile(cfg.logKeyFile, cfg.logOrigin);
          process.stdout.write(`Created the log signing key: ${cfg.logKeyFile}\n`);
        }
        if (existsSync(cfg.sessionKeyFile)) {
          process.stdout.write(`Session key exists, left unchanged: ${cfg.sessionKeyFile}\n`);
        } else {
          createSessionKeyFile(cfg.sessionKeyFile);
          process.stdout.write(`Created the session-cookie key: ${cfg.sessionKeyFile}\n`);
        }
        const s = parseSignerKey(readLogSignerKey(cfg.logKeyFile));
        process.stdout.write(
          `\nVerifier key (publish it; auditors use it to check checkpoints):\n${verifierKeyString(s.name, s.publicKey)}\n`,
        );
      } catch (err) {
        fail(err);
      }
    });
  keysRotateCommands(keys);
  keysSplitCommand(keys);
}
