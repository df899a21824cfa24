import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envToConfig } from '../src/config/config.js';
import { ListenError } from '../src/http/port-check.js';
import { serve } from '../src/serve.js';

function holdPort(host: string): Promise<{ server: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const a = server.address();
      resolve({ server, port: typeof a === 'object' && a ? a.port : 0 });
    });
  });
}

describe('serve on a port another program holds', () => {
  let dataDir: string;
  let held: { server: Server; port: number };
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-port-'));
    held = await holdPort('127.0.0.1');
  });
  afterEach(async () => {
    await new Promise((r) => held.server.close(r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says which port and host and what to do, before creating keys or opening the database', async () => {
    const cfg = envToConfig({ dataDir, port: String(held.port), demo: '1', logLevel: 'silent' });
    const err = await serve(cfg).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).code).toBe('EADDRINUSE');
    expect((err as Error).message).toBe(
      `port ${held.port} on 127.0.0.1 is already in use by another program; stop it or set HOTLINE_PORT to a free port (e.g. HOTLINE_PORT=8081).`,
    );
    // Demo mode would have created key files and the embedded database: nothing was started.
    expect(readdirSync(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, 'db'))).toBe(false);
  });

  it('reports the taken port even when the keys a real deployment needs are missing', async () => {
    const cfg = envToConfig({ dataDir, port: String(held.port), demo: '0', logLevel: 'silent' });
    await expect(serve(cfg)).rejects.toThrow(
      /already in use by another program; stop it or set HOTLINE_PORT/,
    );
  });

  it('names an address that is not this machine’s', async () => {
    const cfg = envToConfig({ dataDir, host: '192.0.2.1', port: '18080', demo: '1', logLevel: 'silent' });
    await expect(serve(cfg)).rejects.toThrow(
      /192\.0\.2\.1 is not an address of this machine; set HOTLINE_HOST/,
    );
    expect(readdirSync(dataDir)).toEqual([]);
  });
});
