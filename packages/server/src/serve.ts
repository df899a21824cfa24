import { createLogger } from '@hotline/common';
import { buildApp } from './app.js';
import type { ServerConfig } from './config/config.js';
import { AppContext, type PGliteThread, startEmbeddedDatabase } from './context.js';
import { assertCanListen, explainListenError } from './http/port-check.js';
import { demoRecordsOfficers, startRecordsMembers } from './messaging/demo-records-members.js';
import { traceStartup } from './startup-trace.js';
import { type LogToFollow, startDemoWitness } from './witness/demo-witness.js';

export interface Served {
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  /**
   * The embedded database, already opening on its thread (startEmbeddedDatabase): the CLI starts
   * it before loading this module, so PostgreSQL starts on the other core while the modules load.
   * Without it, `serve` starts it itself. Owned by `serve` from then on.
   */
  pglite?: PGliteThread | undefined;
}

/**
 * Start Hotline: port check, context, migrations, demo seed, HTTP. Clear errors for the usual
 * failures; a taken port is reported before the database is opened.
 */
export async function serve(cfg: ServerConfig, opts: ServeOptions = {}): Promise<Served> {
  traceStartup('server modules loaded');
  let pglite = opts.pglite;
  try {
    await assertCanListen(cfg.host, cfg.port);
    pglite ??= startEmbeddedDatabase(cfg);
  } catch (err) {
    await pglite?.close();
    throw err;
  }
  // The demo's witness process starts first: it opens its own database while Hotline opens,
  // migrates and seeds its own, and learns the log it follows once Hotline knows its key.
  let logKnown: (log: LogToFollow) => void = () => {};
  let logUnknown: (err: unknown) => void = () => {};
  let demo: Awaited<ReturnType<typeof startDemoWitness>> | undefined;
  try {
    demo =
      cfg.demo && !cfg.witnessPolicyFile
        ? await startDemoWitness(
            {
              dataDir: cfg.dataDir,
              port: cfg.demoWitnessPort,
              // A restart (the database is there) does not wait for it: it must not slow the start.
              lowPriority: pglite?.existed ?? false,
              log: new Promise<LogToFollow>((ok, no) => {
                logKnown = ok;
                logUnknown = no;
              }),
            },
            createLogger({ level: cfg.logLevel }).child({ component: 'witnesses' }),
          )
        : undefined;
  } catch (err) {
    // The database thread is already opening: a witness that cannot start leaves it closed and
    // the folder unlocked.
    await pglite?.close();
    throw err;
  }
  traceStartup('demo witness process started');
  let ctx: AppContext;
  try {
    ctx = await AppContext.fromConfig(cfg, pglite ? { pgliteThread: pglite, whileOpening: true } : {});
  } catch (err) {
    logUnknown(err);
    await pglite?.close();
    await demo?.close();
    throw err;
  }
  traceStartup('keys read');
  logKnown(ctx.log);
  // The routes are built while the embedded database may still be opening on its thread: they
  // only hold the context's services, which query it when a request comes.
  let app: Awaited<ReturnType<typeof buildApp>> | undefined;
  let appHandedOver = false;
  try {
    app = await buildApp(ctx);
    traceStartup('HTTP routes built');
    await ctx.startWitnessing(demo);
    traceStartup('witnessing set up');
    await ctx.prepare();
    if (ctx.witnesses) {
      await ctx.log.integrateAll();
      const [served, latest] = await Promise.all([ctx.witnesses.served(), ctx.log.latestCheckpoint()]);
      // Serve a cosigned checkpoint from the first request on. On a restart with nothing new to
      // cosign, the background collector takes later checkpoints to the witness once it answers.
      if (!served || (latest && served.size < latest.size)) {
        await ctx.witnessReady;
        await ctx.witnesses.collectOnce().catch(() => false);
      }
    }
    traceStartup('witness has cosigned');
    // Who publishes each demo office's records member, read before the background work (the log
    // integrator) can keep the database busy.
    const recordsOfficers =
      cfg.demo && process.env.HOTLINE_DEMO_RECORDS_MEMBERS !== '0' ? await demoRecordsOfficers(ctx) : [];
    ctx.startBackground();
    try {
      await app.listen({ host: cfg.host, port: cfg.port });
    } catch (err) {
      throw explainListenError(err, cfg.host, cfg.port) ?? err;
    }
    traceStartup('listening');
    const listening = app;
    ctx.onDispose(() => listening.close());
    appHandedOver = true;
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
    const url = cfg.publicUrl.includes('localhost') ? `http://localhost:${port}` : cfg.publicUrl;
    // The demo's records members: one process per demo office, ending with the server. The start
    // never waited for them to publish (on a restart their key packages are already there); it
    // no longer waits for them to be spawned either.
    if (recordsOfficers.length) {
      const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host;
      const logger = createLogger({ level: cfg.logLevel }).child({ component: 'records-members' });
      const stopping = new AbortController();
      const starting = startRecordsMembers(
        ctx,
        recordsOfficers,
        `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        logger,
        undefined,
        stopping.signal,
      );
      starting.catch((err: unknown) => logger.error({ err }, 'the demo records members did not start'));
      ctx.onDispose(async () => {
        stopping.abort();
        const members = await starting.catch(() => undefined);
        await members?.close();
      });
    }
    return { ctx, url, close: () => ctx.close() };
  } catch (err) {
    if (app && !appHandedOver) await app.close().catch(() => {});
    await ctx.close();
    throw err;
  }
}
