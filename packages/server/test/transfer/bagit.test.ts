import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateBag } from '../../src/transfer/bag-validator.js';
import { BagWriter } from '../../src/transfer/bag-writer.js';
import {
  BagPaths,
  bagInfoText,
  decodeManifestPath,
  encodeManifestPath,
  manifestLine,
  safeComponent,
} from '../../src/transfer/bagit.js';
import { mboxEntry } from '../../src/transfer/render.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('BagIt rules', () => {
  it('percent-encodes only %, CR and LF in manifest paths (RFC 8493 §2.1.3), and decodes them back', () => {
    expect(encodeManifestPath('data/a%b\r\nc d.txt')).toBe('data/a%25b%0D%0Ac d.txt');
    expect(decodeManifestPath('data/a%25b%0d%0Ac%20d.txt')).toBe('data/a%b\r\nc%20d.txt');
    expect(manifestLine('ab', 'data/100%.csv')).toBe('ab data/100%25.csv\n');
  });

  it('refuses names that differ only by case or Unicode normalisation, before anything is added', () => {
    const p = new BagPaths();
    p.add(['email/a/Report.pdf']);
    expect(() => p.check(['email/a/report.PDF'])).toThrow(/differ only by letter case/);
    expect(() => new BagPaths().add(['x/caf\u00e9.txt', 'x/cafe\u0301.txt'])).toThrow(
      /Unicode normalisation/,
    );
    const q = new BagPaths();
    expect(() => q.add(['ok.txt', 'OK.txt'])).toThrow();
    expect(q.size).toBe(0);
    expect(() => new BagPaths().add(['../x'])).toThrow(/not a relative path/);
  });

  it('makes safe path components from names others chose', () => {
    expect(safeComponent('a/b\\c:d*?"<>|.txt')).toBe('a_b_c_d______.txt');
    expect(safeComponent('..')).toBe('_');
    expect(safeComponent('line\nbreak')).toBe('line_break');
    expect(safeComponent('figures 100%.csv')).toBe('figures 100_.csv');
    expect(safeComponent(`${'x'.repeat(200)}.pdf`)).toHaveLength(120);
    expect(safeComponent(`${'x'.repeat(200)}.pdf`).endsWith('.pdf')).toBe(true);
  });

  it('writes bag-info values on one line each', () => {
    expect(bagInfoText([['Source-Organization', 'Office of\nthe President']])).toBe(
      'Source-Organization: Office of the President\n',
    );
  });

  it('quotes From lines in MBOX entries (mboxrd)', () => {
    const m = Buffer.from(
      mboxEntry(Buffer.from('Subject: x\n\nFrom here\n>From there\n'), 'a@b', new Date(0)),
    ).toString();
    expect(m).toBe('From a@b Thu 01 Jan 1970 00:00:00 GMT\nSubject: x\n\n>From here\n>>From there\n\n');
  });

  it('a written bag with awkward names passes the validator', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hotline-bagit-')), 'bag');
    dirs.push(dir);
    const w = await BagWriter.create(dir, ['proof/records.jsonl']);
    await w.addFile('a/100% sure.txt', Buffer.from('one'));
    await w.addFile('a/new\nline.txt', Buffer.from('two'));
    await w.addFile('a/\u00e9t\u00e9.txt', Buffer.from('three'));
    await w.appendTo('a/all.mbox', Buffer.from('From x\n'));
    await w.appendTo('a/all.mbox', Buffer.from('From y\n'));
    await w.tag('proof/records.jsonl', '{}\n');
    await w.finish([['Source-Organization', 'Test']], { 'proof/README.txt': 'hi\n' });
    const r = await validateBag(dir);
    expect(r.errors).toEqual([]);
    expect(r.info.get('Payload-Oxum')).toEqual([`${3 + 3 + 5 + 14}.4`]);
    const manifest = readFileSync(join(dir, 'manifest-sha512.txt'), 'utf8');
    expect(manifest).toContain(' data/a/100%25 sure.txt\n');
    expect(manifest).toContain(' data/a/new%0Aline.txt\n');
    expect(readFileSync(join(dir, 'tagmanifest-sha512.txt'), 'utf8')).toMatch(/ proof\/records\.jsonl\n/);
  });

  it('writes many files behind, and a write that fails fails finish(): no bag with a file missing', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hotline-bagit-')), 'bag');
    dirs.push(dir);
    const w = await BagWriter.create(dir, []);
    for (let i = 0; i < 100; i++) await w.addFile(`p/${i}.json`, Buffer.from(`{"n":${i}}`));
    await w.finish([['Source-Organization', 'Test']], {});
    expect((await validateBag(dir)).errors).toEqual([]);
    expect(readdirSync(join(dir, 'data/p'))).toHaveLength(100);

    const bad = join(mkdtempSync(join(tmpdir(), 'hotline-bagit-')), 'bag');
    dirs.push(bad);
    const b = await BagWriter.create(bad, []);
    await b.addFile('same.txt', Buffer.from('one'));
    await b.addFile('same.txt', Buffer.from('two')); // the second write finds the file there
    await expect(b.finish([['Source-Organization', 'Test']], {})).rejects.toThrow(/EEXIST/);
    expect(existsSync(join(bad, 'bagit.txt'))).toBe(false);
  });
});

describe('BagWriter durability', () => {
  it('fsyncs every file once complete and every folder of the bag before finish() returns', async () => {
    const { syncRecorder } = await import('../helpers/sync-recorder.js');
    const root = mkdtempSync(join(tmpdir(), 'hotline-bag-sync-'));
    dirs.push(root);
    const rec = syncRecorder();
    const w = await BagWriter.create(join(root, 'bag'), ['proof/records.jsonl'], rec.sync);
    for (let i = 0; i < 40; i++)
      await w.addFile(`posts/acct/${i}.json`, new TextEncoder().encode(`{"n":${i}}`));
    await w.addFile('email/acct/item/attachment.csv', new TextEncoder().encode('a,b\n'));
    await w.appendTo('email/acct/acct.mbox', new TextEncoder().encode('From x\n'));
    await w.appendTo('email/acct/acct.mbox', new TextEncoder().encode('From y\n'));
    await w.tag('proof/records.jsonl', '{}\n');
    // Before finish: the streams are open, the folders not synced.
    expect(rec.undurable(join(root, 'bag'))).not.toEqual([]);
    await w.finish([['Source-Organization', 'Test']], { 'proof/checkpoint.txt': 'cp\n' });
    expect(rec.undurable(join(root, 'bag'))).toEqual([]);
    // The check itself catches a file written after its sync, and a folder with a new name.
    writeFileSync(join(root, 'bag', 'bag-info.txt'), 'changed');
    writeFileSync(join(root, 'bag', 'data', 'late.txt'), 'late');
    expect(rec.undurable(join(root, 'bag')).sort()).toEqual(
      [
        join(root, 'bag', 'bag-info.txt'),
        join(root, 'bag', 'data', 'late.txt'),
        `${join(root, 'bag', 'data')}/`,
      ].sort(),
    );
  });
});
