import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setPriority } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, type Logger } from '@hotline/common';
import { cosignerVerifierKey, PolicyError, parseWitnessPolicy, type WitnessPolicy } from '@hotline/ledger';
import { ensureWitnessKey } from './standalone.js';

export function loadWitnessPolicy(file: string): WitnessPolicy {
  try {
    return parseWitnessPolicy(readFileSync(file, 'utf8'));
  } catch (err) {
    if (err instanceof PolicyError)
      throw new ConfigError('HOTLINE_WITNESS_POLICY', `${file}: ${err.message}`);
    throw err;
  }
}

export const DEMO_WITNESS_NAME = 'archive.demo/witness';

export interface LogToFollow {
  origin: string;
  verifierKey: string;
}

export interface DemoWitnessDeps {
  dataDir: string;
  /** 0: any free port */
  port: number;
  /**
   * The records log it follows: its origin and verifier key. A promise lets the process start
   * (and open its database) before Hotline has opened its own and knows its log key.
   */
  log: LogToFollow | Promise<LogToFollow>;
  /**
   * Run it at a lower CPU priority (nice 10): on a restart Hotline does not wait for it, and its
   * own start (modules, database) would otherwise take a core from Hotline's. A first start
   * leaves it as it is (its database is made while Hotline seeds, and Hotline waits for it).
   */
  lowPriority?: boolean;
  /**
   * The program and its first arguments, before `witness serve --dir …`: the built CLI by
   * default ([node, packages/cli/dist/hotline.js]). Tests of how the process is started give
   * another one.
   */
  command?: string[];
}

export interface DemoWitness {
  policy: WitnessPolicy;
  vkey: string;
  url: string;
  /** The witness process's id. */
  pid: number;
  /** Resolves once the witness answers on its port (rejects if it ended before). */
  ready: Promise<void>;
  /** Stop the witness process (SIGTERM) and wait until it has ended. */
  close(): Promise<void>;
}

/**
 * The CLI entry that runs `hotline witness serve`: packages/cli/dist/hotline.js, whether this
 * module runs from that bundle or from the TypeScript sources (tests).
 */
export function hotlineEntry(): string {
  // Bundled, this module is in a chunk beside hotline.js (packages/cli/dist).
  const beside = join(dirname(fileURLToPath(import.meta.url)), 'hotline.js');
  if (existsSync(beside)) return beside;
  const built = fileURLToPath(new URL('../../../cli/dist/hotline.js', import.meta.url));
  if (!existsSync(built))
    throw new ConfigError(
      'demo witness',
      `the demo's witness runs as "hotline witness serve" from ${built}; build it first (npm run build)`,
    );
  return built;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/**
 * The demo's witness, standing for the national archive: a process of its own
 * (`hotline witness serve`), with its own key, config and embedded database in
 * <data dir>/demo-witness and its own port (HOTLINE_DEMO_WITNESS_PORT, default a free one).
 * It ends with Hotline (close(), or when Hotline's process ends: it watches its IPC channel).
 * Writes the policy to <data dir>/demo-witness/policy.txt, for `hotline verify --policy`.
 */
export async function startDemoWitness(deps: DemoWitnessDeps, logger: Logger): Promise<DemoWitness> {
  const dir = join(deps.dataDir, 'demo-witness');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The key is made here (not by the child) so the policy is known before the process is up.
  const cosigner = ensureWitnessKey(join(dir, 'witness.key'), DEMO_WITNESS_NAME);
  const vkey = cosignerVerifierKey(cosigner.name, cosigner.publicKey);
  const port = deps.port || (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const text = `# The demo's witness, standing for the national archive (C2SP tlog-witness v1.0.0).\nwitness archive ${vkey} ${url}\nquorum archive\n`;
  writeFileSync(join(dir, 'policy.txt'), text, { mode: 0o600 });

  const env: NodeJS.ProcessEnv = { ...process.env, HOTLINE_LOG_LEVEL: 'warn' };
  // Its state is its own embedded database, even when Hotline itself runs on PostgreSQL.
  delete env.DATABASE_URL;
  const [program, ...first] = deps.command ?? [process.execPath, hotlineEntry()];
  const child: ChildProcess = spawn(
    program!,
    [
      ...first,
      'witness',
      'serve',
      '--dir',
      dir,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--config-from-parent',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  if (deps.lowPriority && child.pid) {
    try {
      setPriority(child.pid, 10);
    } catch {
      // not allowed here: it runs at Hotline's priority, which is only slower
    }
  }
  // Its config (the followed log) goes to witness.conf, and to the process over its IPC channel
  // once Hotline knows its log key: the process meanwhile opens and migrates its database.
  void Promise.resolve(deps.log).then(
    (log) => {
      const conf = `# The records log this demo witness follows.\nlog ${log.origin} ${log.verifierKey}\n`;
      writeFileSync(join(dir, 'witness.conf'), conf, { mode: 0o600 });
      if (child.connected) child.send({ witnessConfig: conf });
    },
    () => child.kill('SIGTERM'),
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  let stopping = false;
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      output += b.toString();
      if (output.includes('listening at')) resolve();
    });
    child.stderr!.on('data', (b: Buffer) => {
      output += b.toString();
    });
    void exited.then((code) => {
      if (!stopping) logger.error({ code, output }, 'the demo witness process ended');
      reject(new Error(`the demo witness ended (exit code ${code}): ${output.trim()}`));
    });
  });
  ready.then(
    () => logger.info({ url, vkey, pid: child.pid }, 'demo mode: the national archive witness is running'),
    () => {},
  );
  return {
    policy: parseWitnessPolicy(text),
    vkey,
    url,
    pid: child.pid!,
    ready,
    async close() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
