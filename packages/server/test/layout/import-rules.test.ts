import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The server's import rules (biome.json's overrides, run by `npm run lint`) fail on a bad
 * import. Each case writes a probe file into packages/server/src, lints it with the project's
 * Biome and its configuration, and removes it again.
 */
const root = join(import.meta.dirname, '../../../..');
const src = join(root, 'packages/server/src');
const run = promisify(execFile);
const probes: string[] = [];

async function lint(files: Record<string, string>): Promise<string> {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(src, rel);
    if (!existsSync(dirname(path))) {
      mkdirSync(dirname(path));
      probes.push(dirname(path));
    }
    probes.push(path);
    writeFileSync(path, text);
  }
  const paths = Object.keys(files).map((rel) => join('packages/server/src', rel));
  try {
    await run(join(root, 'node_modules/.bin/biome'), ['lint', '--max-diagnostics=50', ...paths], {
      cwd: root,
    });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
}

afterEach(() => {
  for (const p of probes.splice(0).reverse()) rmSync(p, { force: true, recursive: true });
});

describe('import rules', () => {
  it('a route that imports Kysely or db/ fails', async () => {
    const out = await lint({
      'calls/zz-probe-routes.ts':
        "import { sql } from 'kysely';\nimport { openDatabase } from '../db/database.js';\n\nexport const probe = [sql, openDatabase];\n",
    });
    expect(out).toContain('lint/style/noRestrictedImports');
    expect(out).toContain('Routes never touch the database');
  });

  it('a service that imports Kysely fails, and the same import in a repository passes', async () => {
    const bad = await lint({
      'capture/zz-probe-service.ts': "import { sql } from 'kysely';\n\nexport const probe = sql;\n",
    });
    expect(bad).toContain("Only a domain's repository.ts");
    const good = await lint({
      'capture/zz-probe/repository.ts': "import { sql } from 'kysely';\n\nexport const probe = sql;\n",
    });
    expect(good).toBe('');
  }, 30_000);

  it('policy/ importing a service fails', async () => {
    const out = await lint({
      'policy/zz-probe.ts':
        "import { CaptureService } from '../capture/capture-service.js';\n\nexport const probe = CaptureService;\n",
    });
    expect(out).toContain('policy/ decides from facts it is given');
  });

  it('an import cycle fails, type-only imports included', async () => {
    const out = await lint({
      'http/zz-probe-a.ts': "import type { B } from './zz-probe-b.js';\n\nexport type A = { b?: B };\n",
      'http/zz-probe-b.ts': "import type { A } from './zz-probe-a.js';\n\nexport type B = { a?: A };\n",
    });
    expect(out).toContain('lint/suspicious/noImportCycles');
  });
});
