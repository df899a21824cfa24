import { createServer } from 'node:net';

/** Listening failed for a reason the operator can fix (port taken, port not allowed). */
export class ListenError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ListenError';
  }
}

/** The sentence for a listen error the operator can act on, or null for anything else. */
export function explainListenError(err: unknown, host: string, port: number): ListenError | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'EADDRINUSE') {
    return new ListenError(
      `port ${port} on ${host} is already in use by another program; stop it or set HOTLINE_PORT to a free port (e.g. HOTLINE_PORT=${port === 8081 ? 8082 : 8081}).`,
      code,
    );
  }
  if (code === 'EACCES') {
    return new ListenError(
      `not allowed to listen on port ${port} on ${host}; use a port above 1024 with HOTLINE_PORT.`,
      code,
    );
  }
  if (code === 'EADDRNOTAVAIL') {
    return new ListenError(
      `${host} is not an address of this machine; set HOTLINE_HOST to one of its addresses (e.g. 127.0.0.1 or 0.0.0.0).`,
      code,
    );
  }
  return null;
}

/**
 * Bind host:port for a moment and let go, so that a taken port is reported before start-up does
 * any work (migrations and the demo seed take seconds). Port 0 (any free port) always passes.
 * Another program can still take the port in between; the real listen reports that the same way.
 */
export async function assertCanListen(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(explainListenError(err, host, port) ?? err));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}
