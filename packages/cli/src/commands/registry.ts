import type { Command } from 'commander';
import { keysCommands } from './keys.js';

/** Command groups added by later parts (keys, log, verify, import). */
export const extraCommands: ((program: Command) => void)[] = [keysCommands];
