import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@hotline/common';
import { silentLogger } from '@hotline/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { envToConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { securePrivateTree } from '../../src/db/data-dir.js';

/** Every path under `dir` whose mode lets group or others in. */
function loose(dir: string): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return;
    if (st.mode & 0o077) out.push(`${p} ${(st.mode & 0o777).toString(8)}`);
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(join(p, n));
  };
  visit(dir);
  return out;
}

describe('the data folder is private to Hotline whatever the umask', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    umask = process.umask(0);
    root = mkdtempSync(join(tmpdir(), 'hotline-modes-'));
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  function looseDataDir(): string {
    const dataDir = join(root, 'data');
    mkdirSync(join(dataDir, 'db'), { recursive: true, mode: 0o777 });
    mkdirSync(join(dataDir, 'exports'), { mode: 0o777 });
    writeFileSync(join(dataDir, 'exports', 'old.csv'), 'x', { mode: 0o666 });
    for (const d of [dataDir, join(dataDir, 'db'), join(dataDir, 'exports')]) chmodSync(d, 0o777);
    chmodSync(join(dataDir, 'exports', 'old.csv'), 0o666);
    return dataDir;
  }

  it('tightens a pre-existing 0777/0666 folder and writes the database and keys 0700/0600 (demo start)', async () => {
    const dataDir = looseDataDir();
    const cfg = envToConfig({ dataDir, demo: '1', logLevel: 'silent' });
    const ctx = await AppContext.fromConfig(cfg, { logger: silentLogger() });
    try {
      await ctx.prepare();
      await ctx.log.integrateAll();
    } finally {
      await ctx.close();
    }
    expect(readdirSync(join(dataDir, 'db')).length).toBeGreaterThan(0);
    expect(readdirSync(join(dataDir, 'keys')).sort()).toEqual(['archive.key', 'log.key', 'session.key']);
    expect(loose(dataDir)).toEqual([]);
    expect(lstatSync(dataDir).mode & 0o777).toBe(0o700);
    expect(lstatSync(join(dataDir, 'exports', 'old.csv')).mode & 0o777).toBe(0o600);
    expect(process.umask()).toBe(0o077);
  });

  it('warns naming each path it tightened', () => {
    const dataDir = looseDataDir();
    const warnings: string[] = [];
    const logger = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as unknown as Logger;
    const fixed = securePrivateTree(dataDir, logger);
    expect(fixed.sort()).toEqual(
      [dataDir, join(dataDir, 'db'), join(dataDir, 'exports'), join(dataDir, 'exports', 'old.csv')].sort(),
    );
    expect(warnings.some((w) => w.includes(join(dataDir, 'exports', 'old.csv')) && w.includes('666'))).toBe(
      true,
    );
    expect(loose(dataDir)).toEqual([]);
  });
});
