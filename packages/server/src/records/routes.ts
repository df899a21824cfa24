import { NotFoundError, ValidationError } from '@hotline/common';
import {
  CheckpointText,
  ConsistencyProofQuery,
  ConsistencyProofSchema,
  InclusionProofQuery,
  InclusionProofSchema,
  LogKeySchema,
  LogWitnessesSchema,
  ProblemSchema,
  TileBytes,
} from '@hotline/contract';
import { describeQuorum, parseTilePath, TILE_WIDTH, toBase64 } from '@hotline/ledger';
import type { FastifyReply } from 'fastify';
import type { AppContext } from '../context.js';
import { requireActor } from '../http/session.js';
import type { App } from '../http/types.js';
import { authorize } from '../policy/policy.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The records log over HTTP, per C2SP tlog-tiles: /log/checkpoint, /log/tile/<L>/<N>[.p/<W>],
 * /log/tile/entries/<N>[.p/<W>]; plus JSON proofs for clients that do not read tiles.
 * Public, no login, rate-limited.
 */
export function logRoutes(app: App, ctx: AppContext): void {
  const limited = {
    config: { rateLimit: { max: ctx.cfg.publicRateLimitPerMinute, timeWindow: '1 minute' } },
  };
  const tags = ['log'];
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: ProblemSchema } },
  });

  app.get(
    '/log/checkpoint',
    {
      ...limited,
      schema: {
        tags,
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint, an Ed25519 signed note)',
        response: {
          200: { description: 'The signed note', content: { 'text/plain': { schema: CheckpointText } } },
          404: problem('No checkpoint has been published yet'),
        },
      },
    },
    async (_req, reply) => {
      // With a witness policy, only a checkpoint carrying its quorum of cosignatures is served.
      const cp = await ctx.servedCheckpoint();
      if (!cp) throw new NotFoundError('checkpoint', 'latest');
      return reply
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-cache')
        .header('access-control-allow-origin', '*')
        .send(cp.note);
    },
  );

  app.get(
    '/log/tile/*',
    {
      ...limited,
      schema: {
        tags,
        summary:
          'A hash tile (tile/<L>/<N>[.p/<W>]) or an entry bundle (tile/entries/<N>[.p/<W>]), C2SP tlog-tiles',
        response: {
          200: {
            description: 'The tile bytes',
            content: { 'application/octet-stream': { schema: TileBytes } },
          },
          400: problem('Not a tile path'),
          404: problem('No such tile (yet)'),
        },
      },
    },
    async (req, reply) => {
      const rest = (req.params as { '*': string })['*'];
      let parsed: ReturnType<typeof parseTilePath>;
      try {
        parsed = parseTilePath(`tile/${rest}`);
      } catch (err) {
        throw new ValidationError(
          `${(err as Error).message}. Tile paths look like /log/tile/0/x001/234 or /log/tile/entries/000.p/17.`,
        );
      }
      const body =
        parsed.kind === 'entries'
          ? await ctx.log.entryBundle(parsed.index, parsed.width)
          : await ctx.log.tile(parsed.level, parsed.index, parsed.width);
      if (!body) throw new NotFoundError('tile', `tile/${rest}`);
      // Bytes go out as they are (Fastify never serializes a Buffer); the schema only documents them,
      // so the reply is used untyped here.
      const raw: FastifyReply = reply;
      return raw
        .type('application/octet-stream')
        .header('cache-control', parsed.width === TILE_WIDTH ? IMMUTABLE : 'no-cache')
        .header('access-control-allow-origin', '*')
        .send(Buffer.from(body));
    },
  );

  app.get(
    '/api/v1/log/key',
    {
      ...limited,
      schema: { tags, response: { 200: LogKeySchema } },
    },
    async () => ({
      origin: ctx.log.origin,
      verifierKey: ctx.log.verifierKey,
      ...(ctx.witnesses
        ? {
            witnesses: ctx.witnesses.policy.witnesses.map((w) => ({ name: w.name, vkey: w.vkey })),
            quorum: describeQuorum(ctx.witnesses.policy.quorum),
          }
        : {}),
    }),
  );

  app.get(
    '/api/v1/log/proof',
    {
      ...limited,
      schema: {
        tags,
        querystring: InclusionProofQuery,
        response: { 200: InclusionProofSchema, 400: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (req) => {
      const cp = req.query.size ? await ctx.log.checkpointAt(req.query.size) : await ctx.servedCheckpoint();
      if (!cp) throw new NotFoundError('checkpoint', String(req.query.size ?? 'latest'));
      if (req.query.index >= cp.size) {
        throw new ValidationError(
          `Entry ${req.query.index} is not in the published tree of size ${cp.size} yet; retry in a second.`,
          { field: 'index' },
        );
      }
      const p = await ctx.log.inclusionProof(req.query.index, cp.size);
      return {
        index: req.query.index,
        size: cp.size,
        leafHash: toBase64(p.leafHash),
        proof: p.proof.map(toBase64),
        checkpoint: cp.note,
      };
    },
  );

  app.get(
    '/api/v1/log/consistency',
    {
      ...limited,
      schema: {
        tags,
        querystring: ConsistencyProofQuery,
        response: { 200: ConsistencyProofSchema, 400: ProblemSchema },
      },
    },
    async (req) => {
      const { from, to } = req.query;
      const cp = await ctx.servedCheckpoint();
      if (!cp || to > cp.size || from > to) {
        throw new ValidationError(`Give 0 ≤ from ≤ to ≤ ${cp?.size ?? 0} (the published size).`, {
          field: 'to',
        });
      }
      return { from, to, proof: (await ctx.log.consistencyProof(from, to)).map(toBase64) };
    },
  );

  app.get(
    '/api/v1/log/witnesses',
    {
      schema: {
        tags,
        summary: 'The witness policy and what each witness last cosigned or why it failed (log.admin)',
        response: { 200: LogWitnessesSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (req) => {
      authorize(await requireActor(ctx, req), 'log.admin', 'see the witnesses of the records log');
      const w = ctx.witnesses;
      if (!w)
        return { quorum: 'none (no witness policy)', servedSize: null, latestSize: null, witnesses: [] };
      const summary = await w.summary(describeQuorum(w.policy.quorum));
      return {
        quorum: summary.quorum,
        servedSize: summary.servedSize,
        latestSize: summary.latestSize,
        witnesses: await w.status(),
      };
    },
  );
}
