import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './run-cli.js';

describe('hotline keys', () => {
  let cli: Awaited<ReturnType<typeof buildCli>>;
  let dataDir: string;
  beforeAll(async () => {
    cli = await buildCli();
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-keys-'));
  });
  afterAll(() => {
    cli?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ HOTLINE_DATA_DIR: dataDir });

  it('init creates the archive, log and session keys, mode 0600', async () => {
    const r = await runCli(cli.path, ['keys', 'init'], env());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Created the session-cookie key: ${join(dataDir, 'keys', 'session.key')}`);
    for (const f of ['archive.key', 'log.key', 'session.key'])
      expect(statSync(join(dataDir, 'keys', f)).mode & 0o777).toBe(0o600);
  });

  it('rotate archive re-seals existing content under a new key, showing progress', async () => {
    const office = await runCli(
      cli.path,
      [
        ...['offices', 'add', '--slug', 'de-chancellery', '--name', 'Federal Chancellery of Germany'],
        ...['--country', 'DE', '--leader-title', 'Chancellor', '--leader-name', 'Friedrich Merz'],
        ...['--time-zone', 'Europe/Berlin'],
      ],
      env(),
    );
    expect(office.stderr).toBe('');
    expect(office.code).toBe(0);
    const r = await runCli(cli.path, ['keys', 'rotate', 'archive'], env());
    expect(r.stderr).toMatch(/re-seal: content rows (\d+)\/\1/);
    expect(r.stdout).toMatch(/Re-sealed [1-9]\d* content rows under archive key [0-9a-f]{16}/);
    expect(r.code).toBe(0);
    expect(readdirSync(join(dataDir, 'keys')).some((f) => f.startsWith('archive.key.retired-'))).toBe(true);
    const verify = await runCli(cli.path, ['verify'], env());
    expect(verify.stdout).toMatch(/^OK: /);
  });

  it('rotate log prints the new verifier key, records it, and checkpoints carry both signatures', async () => {
    const before = (await runCli(cli.path, ['log', 'key'], env())).stdout.trim();
    const r = await runCli(cli.path, ['keys', 'rotate', 'log', '--transition-days', '7'], env());
    expect(r.code).toBe(0);
    const key = r.stdout.trim().split('\n').at(-1)!;
    expect(key).not.toBe(before);
    expect((await runCli(cli.path, ['log', 'key'], env())).stdout.trim()).toBe(key);
    const cp = await runCli(cli.path, ['log', 'checkpoint'], env());
    expect(cp.stdout.match(/^— /gm)).toHaveLength(2);
    const again = await runCli(cli.path, ['keys', 'rotate', 'log'], env());
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/in transition until/);
  });
});
