import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { pendingMigrations } from '../db/migrate.js';
import { sendProblem } from '../http/problem.js';
import type { App } from '../http/types.js';

export function healthRoutes(app: App, ctx: AppContext): void {
  app.get(
    '/healthz',
    { schema: { hide: true, response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        hide: true,
        response: { 200: z.object({ status: z.literal('ready'), database: z.string() }) },
      },
    },
    async (_req, reply) => {
      try {
        await sql`select 1`.execute(ctx.db);
        const pending = await pendingMigrations(ctx.db);
        if (pending.length) {
          return sendProblem(
            reply,
            503,
            'not_migrated',
            'Not ready',
            `Migrations pending: ${pending.join(', ')}. Run "hotline migrate".`,
          );
        }
        return { status: 'ready' as const, database: ctx.database.kind };
      } catch {
        return sendProblem(reply, 503, 'database_unreachable', 'Not ready', 'The database is not reachable.');
      }
    },
  );
}
