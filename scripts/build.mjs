#!/usr/bin/env node
// Build what `npm start` needs: the CLI/server bundle (esbuild) and the web package (Vite: the
// staff app and the public readout pages' verifier, packages/web/vite.config.ts).
// --if-stale skips a part whose output is newer than all of its sources. scripts/start.mjs (npm
// start) imports it and calls buildWhatIsNeeded(true) in its own process.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
let ifStale = false;

function newest(dir) {
  if (!statSync(dir).isDirectory()) return statSync(dir).mtimeMs;
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
function stale(output, sourceDirs) {
  if (!ifStale || !existsSync(output)) return true;
  const out = statSync(output).mtimeMs;
  return sourceDirs.some((d) => newest(join(root, d)) > out);
}

/** Build the CLI bundle, the embedded database's baseline and the web app (only what is stale with `stale`). */
export async function buildWhatIsNeeded(onlyStale) {
  ifStale = onlyStale;
  const serverSources = [
    'packages/common/src',
    'packages/ledger/src',
    'packages/contract/src',
    'packages/e2ee/src',
    'packages/server/src',
    'packages/cli/src',
  ];
  const cliOut = join(root, 'packages/cli/dist/hotline.js');
  const baselineOut = join(root, 'packages/cli/dist/pgdata-baseline.tar.gz');
  if (
    stale(cliOut, serverSources) ||
    !existsSync(join(root, 'packages/cli/dist/mime-parse-worker.js')) ||
    !existsSync(join(root, 'packages/cli/dist/pglite-thread-worker.js')) ||
    !existsSync(join(root, 'packages/cli/dist/db-baseline.js'))
  ) {
    const t0 = performance.now();
    // Chunks of an earlier build (their names change with their content).
    const dist = join(root, 'packages/cli/dist');
    if (existsSync(dist))
      for (const f of readdirSync(dist)) if (/^chunk-.*\.js(\.map)?$/.test(f)) rmSync(join(dist, f));
    // Third-party packages stay external (resolved from node_modules at run time); our own
    // workspace packages are bundled from their TypeScript sources.
    const external = new Set();
    for (const p of ['common', 'ledger', 'contract', 'server', 'cli']) {
      const pkg = JSON.parse(readFileSync(join(root, 'packages', p, 'package.json'), 'utf8'));
      for (const d of Object.keys({ ...pkg.dependencies })) external.add(d);
    }
    // Loaded only to build: a start with nothing stale does not pay for it.
    const { build, stop } = await import('esbuild');
    await build({
      // The mail parser's worker thread is a module of its own, beside hotline.js
      // (packages/server/src/capture/importers/mime-worker.ts starts it from there).
      entryPoints: {
        hotline: join(root, 'packages/cli/src/hotline.ts'),
        'mime-parse-worker': join(root, 'packages/server/src/capture/importers/mime-parse-worker.ts'),
        // The embedded database's thread (packages/server/src/db/pglite-thread.ts starts it).
        'pglite-thread-worker': join(root, 'packages/server/src/db/pglite-thread-worker.ts'),
        // Writes the embedded database's baseline (packages/server/src/db/baseline.ts), below.
        'db-baseline': join(root, 'packages/server/src/db/baseline-main.ts'),
      },
      outdir: join(root, 'packages/cli/dist'),
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The server's modules are a chunk of their own that the CLI imports only for the commands
      // that use them (packages/cli/src/lazy.ts): `hotline --help` loads no database or HTTP module.
      splitting: true,
      // Beside hotline.js, as the modules find the mail parser's worker there (no chunk folder).
      chunkNames: 'chunk-[hash]',
      target: 'node20',
      sourcemap: 'linked',
      external: [...external].flatMap((d) => [d, `${d}/*`]),
      banner: {
        js: "import { createRequire as __hotlineRequire } from 'node:module'; const require = __hotlineRequire(import.meta.url);",
      },
      logLevel: 'warning',
    });
    // esbuild's service process would otherwise live as long as this one (npm start goes on to
    // run the server in it).
    await stop();
    console.log(
      `built packages/cli/dist/hotline.js and mime-parse-worker.js in ${Math.round(performance.now() - t0)} ms`,
    );
    rmSync(baselineOut, { force: true });
  }

  // The embedded database with every migration applied, which a first start loads instead of
  // running initdb and the migrations (made again whenever the bundle, and so its migrations, is).
  if (!existsSync(baselineOut)) {
    const t0 = performance.now();
    execFileSync(process.execPath, [join(root, 'packages/cli/dist/db-baseline.js'), baselineOut], {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    console.log(`built packages/cli/dist/pgdata-baseline.tar.gz in ${Math.round(performance.now() - t0)} ms`);
  }

  const webOut = join(root, 'packages/web/dist/index.html');
  if (
    existsSync(join(root, 'packages/web/index.html')) &&
    stale(webOut, [
      'packages/web/src',
      'packages/web/index.html',
      'packages/web/vite.config.ts',
      'packages/ledger/src',
      'packages/contract/src',
      'packages/e2ee/src',
    ])
  ) {
    const t0 = performance.now();
    // The staff app, then the public verifier on its own (one self-contained file; vite.config.ts).
    for (const entry of ['app', 'verify'])
      execFileSync(
        process.execPath,
        [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
        {
          cwd: join(root, 'packages/web'),
          stdio: 'inherit',
          env: { ...process.env, HOTLINE_WEB_ENTRY: entry },
        },
      );
    console.log(`built packages/web/dist in ${Math.round(performance.now() - t0)} ms`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await buildWhatIsNeeded(process.argv.includes('--if-stale'));
