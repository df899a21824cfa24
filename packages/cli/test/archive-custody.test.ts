import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from './run-cli.js';

/** The split archive key and the second copy, through the `hotline` command (PGlite data folder). */
describe('hotline keys split, verify --shares, archive replicate, verify --replica', () => {
  let cli: Awaited<ReturnType<typeof buildCli>>;
  let dataDir: string;
  let sharesDir: string;
  let replicaDir: string;
  let files: string[];
  beforeAll(async () => {
    cli = await buildCli();
    dataDir = mkdtempSync(join(tmpdir(), 'hotline-custody-'));
    sharesDir = join(dataDir, 'shares');
    replicaDir = join(dataDir, 'replica');
  });
  afterAll(() => {
    cli?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const env = () => ({ HOTLINE_DATA_DIR: dataDir });
  const run = (...args: string[]) => runCli(cli.path, args, env());

  it('splits the archive key into one private file per custodian', async () => {
    expect((await run('keys', 'init')).code).toBe(0);
    const office = await run(
      ...['offices', 'add', '--slug', 'fr-elysee', '--name', 'Élysée Palace', '--country', 'FR'],
      ...['--leader-title', 'President', '--leader-name', 'Emmanuel Macron', '--time-zone', 'Europe/Paris'],
    );
    expect(office.code).toBe(0);
    const bad = await run('keys', 'split', '--custodians', '3', '--threshold', '4', '--out', sharesDir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/threshold 4 of 3 custodians/);
    const r = await run(
      ...['keys', 'split', '--custodians', '3', '--threshold', '2'],
      ...['--names', 'Ada Lovelace,Ben Franklin,Cleo Archivist', '--out', sharesDir],
    );
    expect(r.stderr).not.toMatch(/hotline:/);
    // The re-seal to the public key shows its progress (plain lines when not a terminal).
    expect(r.stderr).toMatch(/re-seal: content rows \d+\/\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Split archive key [0-9a-f]{16}: 2 of 3 shares open the archive/);
    expect(r.stdout).toMatch(/Re-sealed [1-9]\d* content rows to the archive public key/);
    // Only the public key is left on the server.
    expect(readdirSync(join(dataDir, 'keys')).filter((f) => f.startsWith('archive'))).toEqual([
      'archive.pub',
    ]);
    files = readdirSync(sharesDir)
      .sort()
      .map((f) => join(sharesDir, f));
    expect(files.map((f) => f.split('/').at(-1))).toEqual([
      'archive-key-share-1-ada-lovelace.txt',
      'archive-key-share-2-ben-franklin.txt',
      'archive-key-share-3-cleo-archivist.txt',
    ]);
    for (const f of files) expect(statSync(f).mode & 0o777).toBe(0o600);
    expect(readFileSync(files[1]!, 'utf8')).toMatch(/custodian: Ben Franklin\nshare: 2 of 3\nthreshold: 2\n/);
  }, 300_000);

  it('a split server: verify without shares checks the log and says what it did not open; a second split needs the shares', async () => {
    const plain = await run('verify');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/every content is stored/);
    expect(plain.stdout).toMatch(/sealed content was not opened.*2 of the 3 custodians/s);
    const again = await run('keys', 'split', '--custodians', '3', '--threshold', '2', '--out', sharesDir);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already split \(2 of 3\).*--shares/);
    // Split again among four custodians, the key rebuilt from two shares of the current split.
    const newDir = join(dataDir, 'shares-2');
    const re = await run(
      ...['keys', 'split', '--custodians', '4', '--threshold', '3', '--out', newDir],
      ...['--shares', files[0]!, files[1]!],
    );
    expect(re.stderr).toBe('');
    expect(re.code).toBe(0);
    expect(re.stdout).toMatch(/3 of 4 shares open the archive/);
    expect(readFileSync(join(dataDir, 'keys', 'archive.pub'), 'utf8')).toMatch(/threshold: 3\nof: 4\n/);
    const next = readdirSync(newDir)
      .sort()
      .map((f) => join(newDir, f));
    const ok = await run('verify', '--shares', next[0]!, next[1]!, next[3]!);
    expect(ok.stdout).toMatch(/^OK: \d+ entries, every tile, content digest/);
  }, 300_000);

  it('verify opens sealed content with 2 of 3 shares, refuses 1 and an altered one', async () => {
    const ok = await run('verify', '--shares', files[2]!, files[0]!);
    expect(ok.stdout).toMatch(
      /^OK: \d+ entries, every tile, content digest and the signed checkpoint verify/,
    );
    expect(ok.code).toBe(0);
    const one = await run('verify', '--shares', files[1]!);
    expect(one.code).toBe(1);
    expect(one.stderr).toMatch(/needs 2 of 3 custodians' shares; got 1 \(Ben Franklin\)/);
    const altered = join(dataDir, 'altered.txt');
    writeFileSync(
      altered,
      readFileSync(files[1]!, 'utf8').replace(
        /^data: (.)/m,
        (_, c: string) => `data: ${c === 'A' ? 'B' : 'A'}`,
      ),
    );
    const bad = await run('verify', '--shares', files[0]!, altered);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/altered\.txt: the share does not match its "check:" line/);
  }, 300_000);

  it('replicates incrementally to a folder, and the copy verifies alone and with shares', async () => {
    const first = await run('archive', 'replicate', '--to', replicaDir);
    expect(first.stderr).not.toMatch(/hotline:/);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /Replicated to .*: tree 0 → (\d+) entries; copied [1-9]\d* sealed content objects/,
    );
    const again = await run('archive', 'replicate', '--to', replicaDir);
    expect(again.stdout).toMatch(/tree (\d+) → \d+ entries/);
    const alone = await run('verify', '--replica', replicaDir);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toMatch(/^OK: replica .* entries, every tile and entry bundle verify/);
    expect(alone.stdout).toMatch(/pin the published key with --key/);
    const opened = await run('verify', '--replica', `file://${replicaDir}`, '--shares', files[0]!, files[1]!);
    expect(opened.code).toBe(0);
    expect(opened.stdout).toMatch(/[1-9]\d* objects opened with the custodians' key and match their digests/);
    rmSync(join(replicaDir, 'tile', 'entries', '000'), { force: true });
    rmSync(join(replicaDir, 'tile', 'entries', '000.p'), { recursive: true, force: true });
    const broken = await run('verify', '--replica', replicaDir);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/verification FAILED at tile\/entries\/000/);
  }, 300_000);
});
