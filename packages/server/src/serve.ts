import { createLogger } from '@hotline/common';
import { buildApp } from './app.js';
import type { ServerConfig } from './config/config.js';
import { AppContext } from './context.js';
import { assertCanListen, explainListenError } from './http/port-check.js';
import { startDemoRecordsMembers } from './messaging/demo-records-members.js';
import { type LogToFollow, startDemoWitness } from './witness/demo-witness.js';

export interface Served {
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/**
 * Start Hotline: port check, context, migrations, demo seed, HTTP. Clear errors for the usual
 * failures; a taken port is reported before the database is opened.
 */
export async function serve(cfg: ServerConfig): Promise<Served> {
  await assertCanListen(cfg.host, cfg.port);
  // The demo's witness process starts first: it opens its own database while Hotline opens,
  // migrates and seeds its own, and learns the log it follows once Hotline knows its key.
  let logKnown: (log: LogToFollow) => void = () => {};
  let logUnknown: (err: unknown) => void = () => {};
  const demo =
    cfg.demo && !cfg.witnessPolicyFile
      ? await startDemoWitness(
          {
            dataDir: cfg.dataDir,
            port: cfg.demoWitnessPort,
            log: new Promise<LogToFollow>((ok, no) => {
              logKnown = ok;
              logUnknown = no;
            }),
          },
          createLogger({ level: cfg.logLevel }).child({ component: 'witnesses' }),
        )
      : undefined;
  let ctx: AppContext;
  try {
    ctx = await AppContext.fromConfig(cfg);
  } catch (err) {
    logUnknown(err);
    await demo?.close();
    throw err;
  }
  logKnown(ctx.log);
  try {
    await ctx.startWitnessing(demo);
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
    ctx.startBackground();
    const app = await buildApp(ctx);
    try {
      await app.listen({ host: cfg.host, port: cfg.port });
    } catch (err) {
      throw explainListenError(err, cfg.host, cfg.port) ?? err;
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
    const url = cfg.publicUrl.includes('localhost') ? `http://localhost:${port}` : cfg.publicUrl;
    ctx.onDispose(() => app.close());
    // The demo's records members: one process per demo office, ending with the server.
    if (cfg.demo && process.env.HOTLINE_DEMO_RECORDS_MEMBERS !== '0') {
      const host = cfg.host === '0.0.0.0' || cfg.host === '::' ? '127.0.0.1' : cfg.host;
      const members = await startDemoRecordsMembers(
        ctx,
        `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        createLogger({ level: cfg.logLevel }).child({ component: 'records-members' }),
      );
      ctx.onDispose(members.close);
    }
    return { ctx, url, close: () => ctx.close() };
  } catch (err) {
    await ctx.close();
    throw err;
  }
}
