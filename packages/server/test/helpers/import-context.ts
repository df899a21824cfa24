import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { newTestContext, type TestContext } from './test-context.js';

/** The seeded app context an import test uses, and a scratch folder for the files it writes. */
export type ImportTestContext = Pick<TestContext, 'ctx' | 'clock' | 'cfg'> & { readonly dir: string };

/**
 * For the capture import tests (call inside a describe): a demo-seeded context and an empty
 * folder hotline-<name>-*, made before the file's tests and removed after them.
 */
export function importTestContext(name: string): ImportTestContext {
  let t: TestContext | undefined;
  let dir = '';
  beforeAll(async () => {
    t = await newTestContext({ demo: '1' });
    await t.ctx.prepare();
    dir = mkdtempSync(join(tmpdir(), `hotline-${name}-`));
  });
  afterAll(async () => {
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const ready = () => {
    if (!t) throw new Error('importTestContext: read before its beforeAll ran');
    return t;
  };
  return {
    get ctx() {
      return ready().ctx;
    },
    get clock() {
      return ready().clock;
    },
    get cfg() {
      return ready().cfg;
    },
    get dir() {
      return dir;
    },
  };
}
