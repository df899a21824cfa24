import { HealthSchema, ProblemSchema, ReadySchema } from '@hotline/contract';
import { describeQuorum } from '@hotline/ledger';
import type { AppContext } from '../context.js';
import { sendProblem } from './problem.js';
import type { App } from './types.js';

export function healthRoutes(app: App, ctx: AppContext): void {
  const tags = ['health'];
  app.get(
    '/healthz',
    { schema: { tags, summary: 'The process is up', response: { 200: HealthSchema } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags,
        summary: 'Ready for traffic: the database answers and every migration is applied',
        response: { 200: ReadySchema, 503: ProblemSchema },
      },
    },
    async (_req, reply) => {
      try {
        const pending = await ctx.pendingMigrations();
        if (pending.length) {
          return sendProblem(
            reply,
            503,
            'not_migrated',
            'Not ready',
            `Migrations pending: ${pending.join(', ')}. Run "hotline migrate".`,
          );
        }
        const witnesses = ctx.witnesses
          ? await ctx.witnesses.summary(describeQuorum(ctx.witnesses.policy.quorum))
          : undefined;
        return { status: 'ready' as const, database: ctx.database.kind, ...(witnesses ? { witnesses } : {}) };
      } catch {
        return sendProblem(reply, 503, 'database_unreachable', 'Not ready', 'The database is not reachable.');
      }
    },
  );
}
