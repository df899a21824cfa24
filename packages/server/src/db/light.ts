/**
 * The database alone (open, migrate), without the HTTP or domain modules that `@hotline/server`
 * brings: CLI commands that only read tables (`hotline users list`) load this and answer in about
 * half the time of a command that builds the whole server context.
 */
export { type DatabaseHandle, openDatabase } from './database.js';
export { migrateToLatest } from './migrate.js';
