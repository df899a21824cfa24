/**
 * What the CLI's quick commands need (configuration, key files, the data folder's modes), without
 * loading the database, HTTP or domain modules that `@hotline/server` brings: `hotline --help`,
 * `hotline log key` and `hotline keys init` answer from this alone.
 */
export { envToConfig, type ServerConfig } from './config/config.js';
export { readEnv } from './config/env.js';
export { restrictUmask } from './db/data-dir.js';
export { startEmbeddedDatabase } from './db/embedded.js';
export type { PGliteThread } from './db/pglite-thread.js';
export { assertCanListen } from './http/port-check.js';
export { createSessionKeyFile } from './identity/session-key.js';
export {
  checkSplitInput,
  formatShare,
  type KeyShare,
  parseShare,
  splitArchiveKey,
} from './records/key-shares.js';
export {
  createArchiveKeyFile,
  createLogKeyFile,
  readArchiveKeyBytes,
  readLogSignerKey,
} from './records/keys.js';
