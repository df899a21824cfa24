export { buildApp, registerRoutes } from './app.js';
export { envToConfig, type ServerConfig } from './config/config.js';
export { readEnv } from './config/env.js';
export { AppContext } from './context.js';
export { restrictUmask, securePrivateTree } from './data-dir.js';
export { openDatabase } from './db/database.js';
export { migrateToLatest } from './db/migrate.js';
export {
  countStaleSealed,
  readLogTransition,
  resealArchive,
  rotateArchiveKeyFile,
  rotateLogKeyFile,
} from './key-rotation.js';
export { createArchiveKeyFile, createLogKeyFile, readLogSignerKey } from './keys.js';
export { verifyLocal } from './records/verify.js';
export { serve } from './serve.js';
export type { ImportFormat } from './services/capture-service.js';
export { createSessionKeyFile } from './session-key.js';
