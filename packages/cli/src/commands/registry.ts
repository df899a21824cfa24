import type { Command } from 'commander';
import { archiveReplicateCommand } from './archive-replicate.js';
import { captureCommands } from './capture.js';
import { contactsCommands } from './contacts.js';
import { keysCommands } from './keys.js';
import { logCommands, verifyCommand } from './log.js';
import { messagesCommands } from './messages.js';
import { monitorCommand } from './monitor.js';
import { recordsMemberCommand } from './records-member.js';
import { transferCommands } from './transfer.js';
import { witnessCommands } from './witness.js';

/** Command groups beyond serve/migrate/offices/users. */
export const extraCommands: ((program: Command) => void)[] = [
  keysCommands,
  logCommands,
  verifyCommand,
  captureCommands,
  witnessCommands,
  monitorCommand,
  contactsCommands,
  archiveReplicateCommand,
  transferCommands,
  recordsMemberCommand,
  messagesCommands,
];
