/**
 * The server's modules (database, HTTP, domains), loaded only by the commands that use them, so
 * that `hotline --help` and the commands that need no database answer at once.
 */
export const server = () => import('@hotline/server');

/** The database alone (open, migrate): commands that only read tables, such as `users list`. */
export const database = () => import('@hotline/server/db');
