export { buildApp, registerRoutes } from './app.js';
export { envToConfig, type ServerConfig } from './config/config.js';
export { readEnv } from './config/env.js';
export { AppContext } from './context.js';
export { openDatabase } from './db/database.js';
export { migrateToLatest } from './db/migrate.js';
export { createArchiveKeyFile, createLogKeyFile, readLogSignerKey } from './keys.js';
export { verifyLocal } from './records/verify.js';
export { serve } from './serve.js';
