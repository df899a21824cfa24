import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@hotline/server';
import { describe, expect, it } from 'vitest';
import { cliDataFolder } from './run-cli.js';

/**
 * `hotline archive transfer --shares` on a data folder whose archive key is split (the demo's
 * records, its records officer T. Brennan): without shares it is refused and writes no bag; with
 * 2 of the 3 shares the bags verify and the opening is a record in the log.
 */
describe('hotline archive transfer on a split archive key', () => {
  const { dataDir, out, run } = cliDataFolder({
    prefix: 'hotline-transfer-split-',
    outPrefix: 'hotline-transfer-split-out-',
    extraEnv: { HOTLINE_DEMO: '1' },
  });
  let shares: string[];
  const as = ['--as', 't.brennan@us.example.gov'];
  /** The `archive.key-opened` records in the data folder's log (read with the CLI stopped). */
  const openings = async () => {
    const h = await openDatabase({ pgliteDir: join(dataDir, 'db') });
    try {
      return await h.db
        .selectFrom('records as r')
        .leftJoin('users as u', 'u.id', 'r.actor_id')
        .select(['r.subject', 'u.email', 'r.seq'])
        .where('r.kind', '=', 'archive.key-opened')
        .orderBy('r.seq')
        .execute();
    } finally {
      await h.close();
    }
  };

  it('splits the demo folder’s archive key (the demo seeded by a first, unsplit transfer)', {
    timeout: 600_000,
  }, async () => {
    // A transfer seeds the demo world (as `serve` would), before the key is split.
    const first = await run(
      ...['archive', 'transfer', '--scope', 'office', '--kind', 'memcon', '--to', join(out, 'before')],
      ...as,
    );
    expect(first.stderr).not.toMatch(/hotline:/);
    expect(first.code).toBe(0);
    const split = await run(
      ...['keys', 'split', '--custodians', '3', '--threshold', '2'],
      ...['--names', 'Ada Lovelace,Ben Franklin,Cleo Archivist', '--out', join(dataDir, 'shares')],
    );
    expect(split.stderr).not.toMatch(/hotline:/);
    expect(split.code).toBe(0);
    expect(readdirSync(join(dataDir, 'keys')).filter((f) => f.startsWith('archive'))).toEqual([
      'archive.pub',
    ]);
    shares = readdirSync(join(dataDir, 'shares'))
      .sort()
      .map((f) => join(dataDir, 'shares', f));
    expect(shares).toHaveLength(3);
  });

  it('without --shares it is refused with a clear message and writes no bag', {
    timeout: 300_000,
  }, async () => {
    const to = join(out, 'refused');
    const r = await run('archive', 'transfer', '--scope', 'office', '--to', to, ...as);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs 2 of the 3 custodians' shares/);
    expect(r.stderr).toMatch(/--shares/);
    expect(r.stdout).not.toMatch(/Finished transfer/);
    expect(existsSync(to)).toBe(false);
    expect(await openings()).toEqual([]);
  });

  it('with 2 of the 3 shares the bags are valid and the opening is recorded', {
    timeout: 600_000,
  }, async () => {
    const to = join(out, 'opened');
    const r = await run(
      ...['archive', 'transfer', '--scope', 'office', '--to', to, ...as],
      ...['--shares', shares[0]!, shares[2]!],
    );
    expect(r.stderr).not.toMatch(/hotline:/);
    expect(r.stdout).toMatch(/^Finished transfer [0-9a-f-]+: [1-9]\d* item\(s\)/m);
    expect(r.code).toBe(0);
    const v = await run('archive', 'verify-bag', to, '--complete', ...as);
    expect(v.stdout).toMatch(/bag-0001: ok/);
    expect(v.stdout).toMatch(/Complete: all \d+ records of the scope/);
    expect(v.stdout.trim().endsWith('verified')).toBe(true);
    expect(v.code).toBe(0);
    const opened = await openings();
    expect(opened).toHaveLength(1);
    expect(opened[0]!.subject).toMatch(/^archive-key:[0-9a-f]{16}$/);
    expect(opened[0]!.email).toBe('t.brennan@us.example.gov');
    // One share is not enough: refused, nothing written, nothing recorded.
    const one = await run(
      ...['archive', 'transfer', '--scope', 'office', '--to', join(out, 'one'), ...as],
      ...['--shares', shares[1]!],
    );
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/needs 2 of 3 custodians' shares; got 1 \(Ben Franklin\)/);
    expect(existsSync(join(out, 'one'))).toBe(false);
    expect(await openings()).toHaveLength(1);
  });
});
