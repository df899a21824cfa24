import pg from 'pg';

export type Unlisten = () => Promise<void>;

/**
 * LISTEN on one channel over a connection of its own (a pooled connection cannot hold a
 * LISTEN). A dropped connection is re-opened after a second, and LISTEN issued again;
 * notifications sent meanwhile are lost (the live backplane re-reads room state from its tables).
 */
export async function listenOn(
  connectionString: string,
  channel: string,
  onPayload: (payload: string) => void,
  onError: (err: unknown) => void,
): Promise<Unlisten> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  async function open(): Promise<void> {
    const c = new pg.Client({ connectionString });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onPayload(n.payload);
    });
    c.on('error', (err) => {
      onError(err);
      reopen(c);
    });
    c.on('end', () => reopen(c));
    await c.connect();
    await c.query(`LISTEN "${channel.replace(/"/g, '')}"`);
    client = c;
  }

  function reopen(c: pg.Client): void {
    if (stopped || client !== c || retry) return;
    client = null;
    retry = setTimeout(() => {
      retry = null;
      open().catch((err: unknown) => {
        onError(err);
        if (!stopped) retry = setTimeout(() => void open().catch(onError), 1000);
      });
    }, 1000);
    retry.unref?.();
  }

  await open();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    await c?.end().catch(() => undefined);
  };
}
