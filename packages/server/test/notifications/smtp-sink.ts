import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface SmtpMessage {
  from: string;
  to: string[];
  data: string;
}

/** The SMTP server process (smtp-sink.mjs) and the messages it accepted. */
export interface SmtpSink {
  url: string;
  messages: SmtpMessage[];
  /** The next `n` messages are refused with 451 (try again later). */
  rejectNext(n: number): Promise<void>;
  /** Resolves when `n` messages have arrived (or rejects after `ms`). */
  waitFor(n: number, ms?: number): Promise<SmtpMessage[]>;
  stop(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const child: ChildProcess = spawn(process.execPath, [join(import.meta.dirname, 'smtp-sink.mjs')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages: SmtpMessage[] = [];
  let buf = '';
  let onPort: (p: number) => void = () => undefined;
  let onAck: () => void = () => undefined;
  const port = new Promise<number>((resolve, reject) => {
    onPort = resolve;
    child.once('exit', (code) => reject(new Error(`the SMTP server exited (${code})`)));
  });
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
    let i = buf.indexOf('\n');
    while (i >= 0) {
      const line = JSON.parse(buf.slice(0, i)) as { port?: number; ack?: number } & SmtpMessage;
      buf = buf.slice(i + 1);
      if (line.port) onPort(line.port);
      else if (line.ack !== undefined) onAck();
      else messages.push(line);
      i = buf.indexOf('\n');
    }
  });
  const p = await port;
  return {
    url: `smtp://127.0.0.1:${p}`,
    messages,
    rejectNext(n) {
      const acked = new Promise<void>((r) => {
        onAck = r;
      });
      child.stdin!.write(`reject ${n}\n`);
      return acked;
    },
    async waitFor(n, ms = 10_000) {
      const until = Date.now() + ms;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`only ${messages.length} of ${n} messages arrived`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
