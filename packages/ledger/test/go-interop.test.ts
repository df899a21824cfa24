import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  formatCheckpoint,
  fromBase64,
  generateCosignerKey,
  generateSignerKey,
  openCosignedCheckpoint,
  parseCosignerKey,
  parseSignerKey,
  parseVerifierKey,
  parseWitnessPolicy,
  signNote,
} from '../src/index.js';

/**
 * Independent checks: signed notes, cosignatures and key IDs against Go's
 * golang.org/x/mod/sumdb/note and crypto/ed25519 (Debian's golang-go and
 * golang-golang-x-mod-dev; .ci/run installs them). Built offline from /usr/share/gocode.
 */
const hasGo = spawnSync('go', ['version']).status === 0;
if (!hasGo)
  console.warn(
    "go-interop: SKIPPED — `go` is not installed here. Install Debian's golang-go and golang-golang-x-mod-dev (CI does) to run the Go cross-checks.",
  );

describe.skipIf(!hasGo)('cross-check with golang.org/x/mod/sumdb/note (Go)', () => {
  let tmp: string;
  let bin: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'hotline-go-'));
    mkdirSync(join(tmp, 'src'));
    symlinkSync(new URL('./go/notecheck', import.meta.url).pathname, join(tmp, 'src', 'notecheck'));
    bin = join(tmp, 'notecheck');
    execFileSync('go', ['build', '-o', bin, '.'], {
      cwd: join(tmp, 'src', 'notecheck'),
      env: {
        ...process.env,
        GO111MODULE: 'off',
        GOPATH: `${tmp}:/usr/share/gocode`,
        GOFLAGS: '',
        GOPROXY: 'off',
        GOCACHE: join(tmp, 'cache'),
      },
      stdio: 'pipe',
    });
  }, 120_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const go = (args: string[], input: string) => spawnSync(bin, args, { input, encoding: 'utf8' });
  const body = formatCheckpoint({
    origin: 'example.gov/hotline/records',
    size: 4321,
    root: fromBase64('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='),
    extensions: [],
  });

  it('Go verifies the signed note and cosignature TypeScript produced, ignoring 20 unknown signatures', () => {
    const log = generateSignerKey('example.gov/hotline/records');
    const w = generateCosignerKey('archive.example/witness');
    const strangers = Array.from({ length: 20 }, (_, i) =>
      parseSignerKey(generateSignerKey(`s${i}.example`).signer),
    );
    const note =
      signNote(body, parseSignerKey(log.signer), ...strangers) +
      parseCosignerKey(w.signer).cosign(body, 1767225600);
    const r = go(['verify', log.verifier, w.verifier], note);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const ids = [log.verifier, w.verifier].map((v) => v.split('+')[1]);
    expect(r.stdout).toContain(`verified example.gov/hotline/records ${ids[0]}\n`);
    expect(r.stdout).toContain(`verified archive.example/witness ${ids[1]}\n`);
    expect(r.stdout).toContain('time 1767225600\n');
    expect(r.stdout).toContain('unverified 20\n');
  });

  it('Go refuses a cosignature whose timestamp was changed', () => {
    const log = generateSignerKey('example.gov/hotline/records');
    const w = generateCosignerKey('archive.example/witness');
    const line = parseCosignerKey(w.signer).cosign(body, 1767225600);
    const raw = fromBase64(line.trim().split(' ')[2]!);
    raw[11] = raw[11]! ^ 1;
    const bad = `${signNote(body, parseSignerKey(log.signer))}— archive.example/witness ${Buffer.from(raw).toString('base64')}\n`;
    const r = go(['verify', log.verifier, w.verifier], bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/invalid signature/);
  });

  it('TypeScript verifies the note, cosignature and key id Go produced', () => {
    const log = generateSignerKey('example.gov/hotline/records');
    const r = go(['sign', log.signer, 'archive.example/witness', '1767225601'], body);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    const vkey = lines.at(-2)!;
    const note = `${lines.slice(0, -2).join('\n')}\n`;
    const policy = parseWitnessPolicy(`witness archive ${vkey}\nquorum archive\n`);
    const opened = openCosignedCheckpoint(
      note,
      [parseVerifierKey(log.verifier)],
      policy,
      'example.gov/hotline/records',
    );
    expect(opened.quorum).toBe(true);
    expect(opened.cosigners).toEqual([{ name: 'archive', vkey, time: 1767225601 }]);
    expect(opened.checkpoint.size).toBe(4321);
  });
});
