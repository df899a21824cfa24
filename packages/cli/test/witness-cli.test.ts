import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCosignerVerifierKey } from '@hotline/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../src/program.js';
import { buildCli, helpText, runCli } from './run-cli.js';

describe('hotline witness and monitor', () => {
  let cli: Awaited<ReturnType<typeof buildCli>>;
  const dir = mkdtempSync(join(tmpdir(), 'hotline-witness-cli-'));
  beforeAll(async () => {
    cli = await buildCli();
  }, 120_000);
  afterAll(() => {
    cli.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists witness and monitor, and explains them', () => {
    const out = helpText(buildProgram(), []);
    for (const c of ['witness', 'monitor']) expect(out).toMatch(new RegExp(`\\n  ${c}\\b`));
    expect(helpText(buildProgram(), ['witness', 'serve'])).toMatch(/DATABASE_URL/);
    expect(helpText(buildProgram(), ['monitor'])).toMatch(/--state/);
  });

  it('witness key creates the key once (mode 0600) and prints its verifier key', async () => {
    const none = await runCli(cli.path, ['witness', 'key', '--dir', dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--name/);
    const first = await runCli(cli.path, [
      'witness',
      'key',
      '--dir',
      dir,
      '--name',
      'archive.example/witness',
    ]);
    expect(first.code).toBe(0);
    const vkey = first.stdout.trim();
    expect(parseCosignerVerifierKey(vkey).name).toBe('archive.example/witness');
    expect(statSync(join(dir, 'witness.key')).mode & 0o777).toBe(0o600);
    const again = await runCli(cli.path, ['witness', 'key', '--dir', dir]);
    expect(again.stdout.trim()).toBe(vkey);
  });
});
