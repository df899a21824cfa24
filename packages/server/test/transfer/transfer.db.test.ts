import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { validateBag } from '../../src/transfer/bag-validator.js';
import { verifyTransfer } from '../../src/transfer/verify-bag.js';
import { bagitPyValidate } from '../helpers/bagit-python.js';
import { newActor } from '../helpers/builders.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/**
 * Transfer to the national archive on the demo's records: BagIt bags, checked by the project's
 * conformance-tested validator, by the Library of Congress's bagit.py and by verify-bag's offline proofs; split by size; resumed after
 * a stop part-way; names that collide by case refused before anything of the item is written.
 */
let t: TestContext;
let us: Actor;
let usStaff: Actor;
let owner: string;
const dirs: string[] = [];
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), 'hotline-transfer-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  t = await newTestContext({ demo: '1' });
  await t.ctx.prepare();
  const office = (
    await t.ctx.db.selectFrom('offices').select('id').where('slug', '=', 'us-potus').executeTakeFirstOrThrow()
  ).id;
  us = await newActor(t.ctx, office, ['records']);
  usStaff = await newActor(t.ctx, office, ['staff']);
  owner = (
    await t.ctx.db
      .selectFrom('users')
      .select('email')
      .where('office_id', '=', office)
      .executeTakeFirstOrThrow()
  ).email;
  // An email with two attachments, one of them with a name that needs percent-encoding.
  const eml = join(scratch(), 'with-attachments.eml');
  writeFileSync(
    eml,
    [
      'From: Chief of Staff <cos@personal.example.com>',
      'To: President <potus@personal.example.com>',
      'Subject: Budget figures 100% final',
      'Date: Mon, 2 Feb 2026 10:00:00 +0000',
      'Message-ID: <transfer-test-1@personal.example.com>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The figures are attached.',
      '--b1',
      'Content-Type: text/csv; name="figures 100%.csv"',
      'Content-Disposition: attachment; filename="figures 100%.csv"',
      '',
      'year,amount',
      '2026,100',
      '--b1--',
      '',
    ].join('\r\n'),
  );
  await t.ctx.capture.importFile(null, 'eml', eml, {
    identifier: 'cos@personal.example.com',
    ownerEmail: owner,
    official: false,
  });
}, 300_000);
afterAll(async () => {
  await t.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const allFiles = (root: string, rel = ''): string[] =>
  readdirSync(join(root, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? allFiles(root, `${rel}${e.name}/`) : [`${rel}${e.name}`],
  );

describe('transfer', { timeout: 300_000 }, () => {
  it('writes the whole office as valid bags with proofs, split by size, each passing verify-bag', async () => {
    const to = join(scratch(), 'out');
    const seen: number[] = [];
    const r = await t.ctx.transfer.transfer(us, {
      to,
      search: {},
      maxBagBytes: 64 * 1024,
      onProgress: (p) => seen.push(p.done),
    });
    expect(r.bags.length).toBeGreaterThan(1);
    expect(r.items).toBeGreaterThan(20);
    expect(seen.at(-1)).toBe(r.items);
    for (const b of r.bags) {
      const dir = join(to, b.name);
      expect(readFileSync(join(dir, 'bagit.txt'), 'utf8')).toBe(
        'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n',
      );
      expect(existsSync(join(dir, 'fetch.txt'))).toBe(false);
      const report = await validateBag(dir);
      expect(report.errors).toEqual([]);
      expect(report.info.get('Payload-Oxum')).toEqual([`${b.octets}.${b.files}`]);
      // And the Library of Congress's own validator, an outside one, agrees.
      const loc = await bagitPyValidate(dir);
      expect(loc.output).toContain('is valid');
      expect(loc.code).toBe(0);
      expect(report.info.get('Bag-Count')).toEqual([`${r.bags.indexOf(b) + 1} of ${r.bags.length}`]);
      expect(report.info.get('Bag-Group-Identifier')).toEqual([`hotline-transfer:${r.id}`]);
      expect(report.info.get('Bagging-Date')?.[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(report.info.get('Source-Organization')?.[0]).toBeTruthy();
      // The tag manifest lists every tag file and only those; the payload manifest every payload file.
      const files = allFiles(dir);
      const tagged = readFileSync(join(dir, 'tagmanifest-sha512.txt'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.slice(129));
      expect(tagged.sort()).toEqual(
        files.filter((f) => !f.startsWith('data/') && f !== 'tagmanifest-sha512.txt').sort(),
      );
      // The metadata file lists every payload file.
      const meta = readFileSync(join(dir, 'metadata/nara-2015-04.txt'), 'utf8').trim().split('\n');
      expect(meta[0]).toBe(
        'File Name|Record ID|Title|Description|Creator|Creation Date|Rights|Coverage|Relation',
      );
      expect(
        meta
          .slice(1)
          .map((l) => decodeURIComponent(l.split('|')[0]!))
          .sort(),
      ).toEqual(files.filter((f) => f.startsWith('data/')).sort());
    }
    const v = await verifyTransfer(to);
    expect(v.errors).toEqual([]);
    expect(v.bags.flatMap((b) => b.errors)).toEqual([]);
    expect(v.ok).toBe(true);
    const everything = r.bags.flatMap((b) => allFiles(join(to, b.name)));
    // Email as EML and MBOX, attachments as themselves, documents as JSON and PDF.
    expect(everything.some((f) => f.endsWith('.eml'))).toBe(true);
    expect(everything.some((f) => f.endsWith('.mbox'))).toBe(true);
    expect(everything.some((f) => /\/memcon-[^/]+\.pdf$/.test(f))).toBe(true);
    expect(everything.some((f) => /\/memcon-[^/]+\.json$/.test(f))).toBe(true);
    // `%` in a name someone else chose becomes `_` (bagit.py and others do not decode `%25`);
    // the name as it was is in the metadata file's Title.
    expect(everything.some((f) => f.endsWith('/figures 100_.csv'))).toBe(true);
    const manifests = r.bags
      .map((b) => readFileSync(join(to, b.name, 'manifest-sha512.txt'), 'utf8'))
      .join('');
    expect(manifests).toContain('/figures 100_.csv\n');
    const titles = r.bags
      .map((b) => readFileSync(join(to, b.name, 'metadata/nara-2015-04.txt'), 'utf8'))
      .join('');
    expect(titles).toContain(': figures 100%.csv|');
    // Every item of the scope at the checkpoint's size is in exactly one bag.
    const state = JSON.parse(readFileSync(join(to, 'hotline-transfer.json'), 'utf8'));
    expect(state.done).toBe(true);
    expect(r.items).toBe(state.total);
  });

  it('a transfer stopped part-way resumes and ends with the same bags as an uninterrupted one', async () => {
    const whole = join(scratch(), 'whole');
    const a = await t.ctx.transfer.transfer(us, {
      to: whole,
      search: { q: 'summit' },
      maxBagBytes: 1 << 30,
      maxBagItems: 3,
    });
    const to = join(scratch(), 'resumed');
    let n = 0;
    await expect(
      t.ctx.transfer.transfer(us, {
        to,
        search: { q: 'summit' },
        maxBagBytes: 1 << 30,
        maxBagItems: 3,
        onProgress: () => {
          if (++n === 5) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const state = JSON.parse(readFileSync(join(to, 'hotline-transfer.json'), 'utf8'));
    expect(state.done).toBe(false);
    expect(state.bags.length).toBe(1);
    const b = await t.ctx.transfer.transfer(us, {
      to,
      search: { q: 'summit' },
      maxBagBytes: 1 << 30,
      maxBagItems: 3,
    });
    expect(b.resumed).toBe(true);
    expect(b.items).toBe(a.items);
    expect(b.bags.map((x) => [x.name, x.items, x.records])).toEqual(
      a.bags.map((x) => [x.name, x.items, x.records]),
    );
    const v = await verifyTransfer(to);
    expect(v.bags.flatMap((x) => x.errors)).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('verify-bag finds an altered record and a record taken out of the proofs', async () => {
    const to = join(scratch(), 'tamper');
    const r = await t.ctx.transfer.transfer(us, { to, search: { kind: 'email' }, maxBagBytes: 1 << 30 });
    const dir = join(to, r.bags[0]!.name);
    const eml = allFiles(dir).find((f) => f.endsWith('.eml'))!;
    writeFileSync(join(dir, eml), `${readFileSync(join(dir, eml), 'utf8')}tampered\n`);
    // bagit.py sees the altered file too: it is not blind to Hotline's bags.
    const loc = await bagitPyValidate(dir);
    expect(loc.code).not.toBe(0);
    expect(loc.output).toMatch(/is invalid/);
    const v = await verifyTransfer(to);
    expect(v.ok).toBe(false);
    const errors = v.bags.flatMap((b) => b.errors).join('\n');
    expect(errors).toContain(`"${eml}" has sha512`);
    expect(errors).toContain(`${eml} hashes to`);
    // Drop the first record's proof line: its files are then unproven.
    const proofs = readFileSync(join(dir, 'proof/records.jsonl'), 'utf8').split('\n');
    const dropped = JSON.parse(proofs[0]!) as { files: { path: string }[] };
    writeFileSync(join(dir, 'proof/records.jsonl'), proofs.slice(1).join('\n'));
    const w = (await verifyTransfer(to)).bags.flatMap((b) => b.errors).join('\n');
    expect(w).toContain(`${dropped.files[0]!.path}: a payload file no proof names`);
    expect(w).toMatch(/Hotline-Bag-Records says \d+, proof\/records\.jsonl proves/);
  });

  it('a transfer started from the records screen runs in the background, one per office, and reports its bags', async () => {
    const job = t.ctx.transferJobs.start(us, { kind: 'call' }, 64 * 1024);
    expect(job).toMatchObject({ status: 'running', done: 0 });
    expect(job.dir.startsWith(join(t.ctx.cfg.dataDir, 'transfers'))).toBe(true);
    expect(() => t.ctx.transferJobs.start(us, {})).toThrow(/still running/);
    expect(() => t.ctx.transferJobs.start(usStaff, {})).toThrow(/may not transfer/);
    await t.ctx.transferJobs.idle();
    const done = t.ctx.transferJobs.get(us, job.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    expect(done.items).toBeGreaterThan(0);
    expect(done.done).toBe(done.items);
    expect(done.bags.reduce((n, b) => n + b.items, 0)).toBe(done.items);
    expect(done.verifyCommand).toContain(`archive verify-bag ${job.dir}`);
    const v = await verifyTransfer(job.dir);
    expect(v.ok).toBe(true);
    // Another office's records officer does not see it.
    const other = (
      await t.ctx.db
        .selectFrom('offices')
        .select('id')
        .where('slug', '!=', 'us-potus')
        .executeTakeFirstOrThrow()
    ).id;
    const officer = await newActor(t.ctx, other, ['records']);
    expect(() => t.ctx.transferJobs.get(officer, job.id)).toThrow(/No transfer/);
  });

  it('refuses a folder that holds something else, and a person without the records role', async () => {
    const to = scratch();
    writeFileSync(join(to, 'other.txt'), 'x');
    await expect(t.ctx.transfer.transfer(us, { to, search: {}, maxBagBytes: 1000 })).rejects.toThrow(
      /not empty/,
    );
    await expect(
      t.ctx.transfer.transfer(usStaff, { to: join(scratch(), 'x'), search: {}, maxBagBytes: 1000 }),
    ).rejects.toThrow(/may not transfer/);
  });

  it('refuses, before writing the item, attachment names that differ only by letter case', async () => {
    const eml = join(scratch(), 'colliding.eml');
    const part = (name: string, body: string) => [
      `--b2`,
      `Content-Type: text/plain; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      '',
      body,
    ];
    writeFileSync(
      eml,
      [
        'From: Chief of Staff <cos@personal.example.com>',
        'To: President <potus@personal.example.com>',
        'Subject: Zanzibar colliding names',
        'Date: Tue, 3 Feb 2026 10:00:00 +0000',
        'Message-ID: <transfer-test-2@personal.example.com>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b2"',
        '',
        ...part('Notes.txt', 'first'),
        ...part('notes.TXT', 'second'),
        '--b2--',
        '',
      ].join('\r\n'),
    );
    await t.ctx.capture.importFile(null, 'eml', eml, {
      identifier: 'cos@personal.example.com',
      ownerEmail: owner,
      official: false,
    });
    const to = join(scratch(), 'collide');
    await expect(
      t.ctx.transfer.transfer(us, { to, search: { q: 'Zanzibar' }, maxBagBytes: 1 << 30 }),
    ).rejects.toThrow(/"[^"]*notes\.TXT" and "[^"]*Notes\.txt" differ only by letter case/);
    const written = existsSync(join(to, 'bag-0001/data')) ? allFiles(join(to, 'bag-0001/data')) : [];
    expect(written).toEqual([]);
  });
});
