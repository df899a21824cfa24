import { buildApp } from './app.js';
import type { ServerConfig } from './config/config.js';
import { AppContext } from './context.js';

export interface Served {
  ctx: AppContext;
  url: string;
  close(): Promise<void>;
}

/** Start Hotline: context, migrations, demo seed, HTTP. Clear errors for the usual failures. */
export async function serve(cfg: ServerConfig): Promise<Served> {
  const ctx = await AppContext.fromConfig(cfg);
  try {
    await ctx.prepare();
    ctx.startBackground();
    const app = await buildApp(ctx);
    try {
      await app.listen({ host: cfg.host, port: cfg.port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new Error(
          `port ${cfg.port} on ${cfg.host} is already in use by another program. Stop it, or choose another port with HOTLINE_PORT=8081.`,
        );
      }
      if (code === 'EACCES') {
        throw new Error(
          `not allowed to listen on port ${cfg.port}; use a port above 1024 with HOTLINE_PORT.`,
        );
      }
      throw err;
    }
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
    const url = cfg.publicUrl.includes('localhost') ? `http://localhost:${port}` : cfg.publicUrl;
    ctx.onDispose(() => app.close());
    return { ctx, url, close: () => ctx.close() };
  } catch (err) {
    await ctx.close();
    throw err;
  }
}
