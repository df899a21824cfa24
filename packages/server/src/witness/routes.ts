import type { Logger } from '@hotline/common';
import { cosignerVerifierKey } from '@hotline/ledger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { WitnessService } from './witness-service.js';

/**
 * A witness's own HTTP server (its own port, never the Hotline app's): POST /add-checkpoint
 * (C2SP tlog-witness v1.0.0), GET / (its name, verifier key and the logs it follows) and
 * GET /healthz. The body is read as text whatever its content type, at most 64 KiB (63 proof
 * lines and a checkpoint with many signatures fit well within it).
 */
export async function buildWitnessApp(witness: WitnessService, logger?: Logger): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger.child({ component: 'witness-http' }) as FastifyBaseLogger } : {}),
    bodyLimit: 64 * 1024,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));

  app.post('/add-checkpoint', async (req, reply) => {
    const body = typeof req.body === 'string' ? req.body : '';
    const answer = await witness.addCheckpoint(body);
    if (answer.status !== 200)
      req.log.info({ status: answer.status, reason: answer.body.trim() }, 'add-checkpoint refused');
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  app.get('/', async (_req, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .send(
        `Hotline witness (C2SP tlog-witness v1.0.0, tlog-cosignature v1.0.1 Ed25519)\n` +
          `name ${witness.cosigner.name}\n` +
          `vkey ${cosignerVerifierKey(witness.cosigner.name, witness.cosigner.publicKey)}\n` +
          witness.origins.map((o) => `log ${o}\n`).join(''),
      ),
  );
  app.get('/healthz', async () => ({ status: 'ok' }));
  return app;
}
