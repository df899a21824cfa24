import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliDataFolder, runCli } from './run-cli.js';

/**
 * `hotline archive transfer` and `verify-bag` as a records officer runs them, on the demo's
 * records in an embedded database: progress on stderr, bags that verify, a transfer killed
 * (SIGKILL) part-way that resumes, a tampered bag that fails.
 */
describe('hotline archive transfer / verify-bag', () => {
  const { cli, out, env } = cliDataFolder({
    prefix: 'hotline-transfer-cli-',
    outPrefix: 'hotline-transfer-out-',
    extraEnv: { HOTLINE_DEMO: '1' },
  });
  const as = ['--as', 't.brennan@us.example.gov'];

  it('transfers the office as bags, with progress, and verify-bag checks them and their completeness', {
    timeout: 300_000,
  }, async () => {
    const to = join(out, 'office');
    const r = await runCli(
      cli.path,
      ['archive', 'transfer', '--scope', 'office', '--to', to, ...as, '--bag-size', '64KB'],
      env(),
    );
    expect(r.stderr).toMatch(/transfer: bag-0001 \d+\/\d+/);
    expect(r.stdout).toMatch(
      /^Finished transfer [0-9a-f-]+: \d+ item\(s\), \d+ proven record\(s\) in \d+ bag\(s\)/m,
    );
    expect(r.code).toBe(0);
    const v = await runCli(cli.path, ['archive', 'verify-bag', to, '--complete', ...as], env());
    expect(v.stdout).toMatch(/bag-0001: ok/);
    expect(v.stdout).toMatch(
      /Complete: all \d+ records of the scope in the log of size \d+ are in the bags\./,
    );
    expect(v.stdout.trim().endsWith('verified')).toBe(true);
    expect(v.code).toBe(0);
    // A record altered in the bag is found, offline.
    const bag = join(to, 'bag-0001');
    const line = readFileSync(join(bag, 'proof/records.jsonl'), 'utf8').split('\n')[0]!;
    const file = (JSON.parse(line) as { files: { path: string }[] }).files[0]!.path;
    writeFileSync(join(bag, file), 'altered');
    const bad = await runCli(cli.path, ['archive', 'verify-bag', bag], env());
    expect(bad.stdout).toMatch(/FAILED/);
    expect(bad.stdout).toContain(`${file} hashes to`);
    expect(bad.code).toBe(1);
  });

  it('seal-transferred seals a verified transfer once, with progress, and refuses bags that do not verify', {
    timeout: 300_000,
  }, async () => {
    // The first test's transfer has an altered file: nothing is sealed.
    const bad = await runCli(cli.path, ['archive', 'seal-transferred', join(out, 'office'), ...as], env());
    expect(bad.stderr).toMatch(/does not verify .*hashes to.*nothing was sealed/);
    expect(bad.code).not.toBe(0);
    const to = join(out, 'to-seal');
    const tr = await runCli(
      cli.path,
      ['archive', 'transfer', '--scope', 'office', '--kind', 'email', '--to', to, ...as],
      env(),
    );
    expect(tr.code).toBe(0);
    const id = /^Finished transfer ([0-9a-f-]+)/m.exec(tr.stdout)![1]!;
    const r = await runCli(cli.path, ['archive', 'seal-transferred', to, ...as], env());
    expect(r.stderr).toMatch(/seal: sealing (\d+)\/\1/);
    expect(r.stdout).toMatch(
      new RegExp(`^Transfer ${id}: (\\d+) item\\(s\\) in the verified bags; \\1 sealed now\\.`, 'm'),
    );
    expect(r.stdout).toMatch(/Recorded as records-log entr(y|ies) \d+/);
    expect(r.code).toBe(0);
    const again = await runCli(cli.path, ['archive', 'seal-transferred', to, ...as], env());
    expect(again.stdout).toMatch(/; 0 sealed now, \d+ sealed before\.\nNothing left to seal\./);
    expect(again.code).toBe(0);
  });

  it('a transfer killed part-way resumes where it stopped and verifies', { timeout: 600_000 }, async () => {
    // Enough items that the transfer is still writing when it is killed.
    const mbox = join(out, 'many.mbox');
    const msgs: string[] = [];
    for (let i = 0; i < 1500; i++)
      msgs.push(
        `From sender@personal.example.com Mon Jan  5 10:00:00 2026\nFrom: sender@personal.example.com\nTo: potus@personal.example.com\nSubject: Note ${i}\nMessage-ID: <many-${i}@personal.example.com>\nDate: Mon, 5 Jan 2026 10:00:00 +0000\n\nNote number ${i}. ${'words '.repeat(40)}\n`,
      );
    writeFileSync(mbox, msgs.join('\n'));
    const imp = await runCli(
      cli.path,
      ['import', 'mbox', mbox, '--account', 'potus@personal.example.com', '--owner', 'potus@us.example.gov'],
      env(),
    );
    expect(imp.code).toBe(0);
    const to = join(out, 'killed');
    const args = ['archive', 'transfer', '--scope', 'office', '--to', to, ...as, '--bag-items', '100'];
    const child = spawn(process.execPath, [cli.path, ...args], {
      cwd: new URL('../../..', import.meta.url).pathname,
      env: { ...process.env, ...env() },
      stdio: 'ignore',
    });
    const state = join(to, 'hotline-transfer.json');
    const bags = () => (existsSync(state) ? JSON.parse(readFileSync(state, 'utf8')).bags.length : 0);
    await new Promise<void>((resolve, reject) => {
      const tick = setInterval(() => {
        if (bags() >= 2) {
          clearInterval(tick);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(tick);
        reject(new Error('the transfer finished before it could be killed'));
      });
    });
    await new Promise((r) => child.once('exit', r));
    const before = JSON.parse(readFileSync(state, 'utf8'));
    expect(before.done).toBe(false);
    const r = await runCli(cli.path, args, env());
    expect(r.stdout).toMatch(/^Resumed and finished transfer/m);
    expect(r.code).toBe(0);
    const after = JSON.parse(readFileSync(state, 'utf8'));
    expect(after.bags.slice(0, before.bags.length)).toEqual(before.bags);
    const v = await runCli(cli.path, ['archive', 'verify-bag', to, '--complete', ...as], env());
    expect(v.stdout).toMatch(/Complete: all \d+ records/);
    expect(v.code).toBe(0);
  });
});
