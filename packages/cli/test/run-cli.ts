import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;

/**
 * Bundle the CLI the way scripts/build.mjs does (our packages from source, third-party packages
 * external), into a folder of its own under node_modules so those externals resolve. A bundle
 * starts in about half the CPU time of running the sources through tsx.
 */
export async function buildCli(): Promise<{ path: string; remove(): void }> {
  const dir = join(root, 'node_modules', '.cache', `hotline-cli-test-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const external = new Set<string>();
  for (const p of ['common', 'ledger', 'contract', 'server', 'cli']) {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8'));
    for (const d of Object.keys({ ...pkg.dependencies })) external.add(d);
  }
  const path = join(dir, 'hotline.js');
  await build({
    // The mail parser's worker beside hotline.js, as scripts/build.mjs builds it (imports use it).
    entryPoints: {
      hotline: join(root, 'packages/cli/src/hotline.ts'),
      'mime-parse-worker': join(root, 'packages/server/src/capture/importers/mime-parse-worker.ts'),
    },
    outdir: dir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...external].flatMap((d) => [d, `${d}/*`]),
    banner: {
      js: "import { createRequire as __hotlineRequire } from 'node:module'; const require = __hotlineRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI with only the given HOTLINE_* / DATABASE_URL variables set. */
export function runCli(cli: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('HOTLINE_') && k !== 'DATABASE_URL'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The help text commander prints for `hotline <args> --help`, without exiting the process. */
export function helpText(program: Command, args: string[]): string {
  let out = '';
  const quiet = (c: Command) => {
    c.exitOverride().configureOutput({
      writeOut: (s) => {
        out += s;
      },
      writeErr: (s) => {
        out += s;
      },
    });
    for (const sub of c.commands) quiet(sub);
  };
  quiet(program);
  try {
    program.parse(['node', 'hotline', ...args, '--help']);
  } catch (err) {
    if ((err as { code?: string }).code !== 'commander.helpDisplayed') throw err;
  }
  return out;
}

/**
 * The built CLI on a data folder of its own, for the tests of one describe block (call it in the
 * block's body): the folder (and, given `outPrefix`, a second folder for what the tests write) is
 * made at once; beforeAll builds the CLI and, with `keysInit`, runs `hotline keys init` on the
 * folder; afterAll removes the bundle and the folders. `run` runs the CLI with `env()`: the data
 * folder, and `extraEnv` (HOTLINE_DEMO, say).
 */
export function cliDataFolder(opts: {
  prefix: string;
  outPrefix?: string;
  keysInit?: boolean;
  extraEnv?: Record<string, string>;
}) {
  let built: Awaited<ReturnType<typeof buildCli>> | undefined;
  const dataDir = mkdtempSync(join(tmpdir(), opts.prefix));
  const out = opts.outPrefix ? mkdtempSync(join(tmpdir(), opts.outPrefix)) : '';
  const cli = {
    get path(): string {
      if (!built) throw new Error('the CLI is not built yet: use it in a test, after beforeAll');
      return built.path;
    },
  };
  const env = () => ({ HOTLINE_DATA_DIR: dataDir, ...opts.extraEnv });
  const run = (...args: string[]) => runCli(cli.path, args, env());
  beforeAll(async () => {
    built = await buildCli();
    if (opts.keysInit) expect((await run('keys', 'init')).code).toBe(0);
  }, 300_000);
  // Removing the data folder and the bags takes more than the default 10 s on a loaded machine.
  afterAll(() => {
    built?.remove();
    rmSync(dataDir, { recursive: true, force: true });
    if (out) rmSync(out, { recursive: true, force: true });
  }, 120_000);
  return { cli, dataDir, out, env, run };
}
