import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/policy/policy.js';
import { validateBag } from '../../src/transfer/bag-validator.js';
import { type Cursor, type ScopeRow, scopeCount, scopePage } from '../../src/transfer/repository.js';
import { verifyTransfer } from '../../src/transfer/verify-bag.js';
import { bagitPyValidate } from '../helpers/bagit-python.js';
import { newActor } from '../helpers/builders.js';
import { syncRecorder } from '../helpers/sync-recorder.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';
import { importMultipartEml, scratchDirs, usPotusTransferActors } from '../helpers/transfer.js';

/**
 * Transfer to the national archive on the demo's records: BagIt bags, checked by the project's
 * conformance-tested validator, by the Library of Congress's bagit.py and by verify-bag's offline proofs; split by size; resumed after
 * a stop part-way; names that collide by case refused before anything of the item is written.
 */
let t: TestContext;
let us: Actor;
let usStaff: Actor;
let owner: string;
const { scratch, remove: removeScratch } = scratchDirs('hotline-transfer-');

beforeAll(async () => {
  t = await newTestContext({ demo: '1' });
  await t.ctx.prepare();
  const setup = await usPotusTransferActors(t.ctx);
  ({ us, usStaff } = setup);
  owner = setup.owner.email;
  // An email with two attachments, one of them with a name that needs percent-encoding.
  await importMultipartEml(
    t.ctx,
    join(scratch(), 'with-attachments.eml'),
    {
      from: 'Chief of Staff <cos@personal.example.com>',
      subject: 'Budget figures 100% final',
      date: 'Mon, 2 Feb 2026 10:00:00 +0000',
      messageId: '<transfer-test-1@personal.example.com>',
      boundary: 'b1',
      parts: [
        { contentType: 'text/plain; charset=utf-8', body: ['The figures are attached.'] },
        {
          contentType: 'text/csv; name="figures 100%.csv"',
          filename: 'figures 100%.csv',
          body: ['year,amount', '2026,100'],
        },
      ],
    },
    { identifier: 'cos@personal.example.com', ownerEmail: owner },
  );
}, 300_000);
afterAll(async () => {
  await t.close();
  removeScratch();
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
    // Pages of 2 entries: the kill falls mid-bag and mid-page, and the resumed run starts its
    // first page from the last finished bag's cursor (keyset), not from a page boundary.
    await expect(
      t.ctx.transfer.transfer(us, {
        to,
        search: { q: 'summit' },
        maxBagBytes: 1 << 30,
        maxBagItems: 3,
        pageSize: 2,
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
      pageSize: 2,
    });
    expect(b.resumed).toBe(true);
    expect(b.items).toBe(a.items);
    expect(b.bags.map((x) => [x.name, x.items, x.records])).toEqual(
      a.bags.map((x) => [x.name, x.items, x.records]),
    );
    // The same payload, file for file (PDFs aside: pdf-lib stamps the time it made them).
    const payload = (dir: string, bag: string) =>
      readFileSync(join(dir, bag, 'manifest-sha512.txt'), 'utf8')
        .split('\n')
        .filter((l) => l && !l.endsWith('.pdf'))
        .sort();
    for (const x of a.bags) {
      expect(payload(whole, x.name).length).toBeGreaterThan(0);
      expect(payload(to, x.name)).toEqual(payload(whole, x.name));
    }
    const v = await verifyTransfer(to);
    expect(v.bags.flatMap((x) => x.errors)).toEqual([]);
    expect(v.ok).toBe(true);
    for (const x of b.bags) expect((await bagitPyValidate(join(to, x.name))).code).toBe(0);
  });

  it('syncs each bag whole before the state names it, and every bag before the transfer is done', async () => {
    const to = join(scratch(), 'durable');
    const statePath = join(to, 'hotline-transfer.json');
    const problems: string[] = [];
    const states: { bags: number; done: boolean }[] = [];
    const rec = syncRecorder((p) => {
      if (p !== `${statePath}.tmp`) return;
      // The moment the new state becomes durable (it is renamed over the old one next): every
      // bag it names must already be on the disk whole, files and folders.
      const s = JSON.parse(readFileSync(p, 'utf8')) as { bags: { name: string }[]; done: boolean };
      states.push({ bags: s.bags.length, done: s.done });
      for (const b of s.bags) problems.push(...rec.undurable(join(to, b.name)));
    });
    const search = { q: 'summit' };
    let n = 0;
    // Stopped mid-bag first: the resumed run rewrites that bag and syncs it like the others.
    await expect(
      t.ctx.transfer.transfer(us, {
        to,
        search,
        maxBagBytes: 1 << 30,
        maxBagItems: 2,
        sync: rec.sync,
        onProgress: () => {
          if (++n === 3) throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    const r = await t.ctx.transfer.transfer(us, {
      to,
      search,
      maxBagBytes: 1 << 30,
      maxBagItems: 2,
      sync: rec.sync,
    });
    expect(r.resumed).toBe(true);
    expect(r.bags.length).toBeGreaterThan(1);
    expect(problems).toEqual([]);
    // A state after each bag, and the last one says done.
    expect(states.at(-1)).toEqual({ bags: r.bags.length, done: true });
    expect(states.filter((s) => !s.done).map((s) => s.bags)).toEqual(
      Array.from({ length: r.bags.length + 1 }, (_, i) => i),
    );
    // At the end everything in the folder is durable: each bag (Bag-Count rewritten and synced),
    // the state file (synced under its .tmp name, then renamed) and the folder naming them.
    expect(rec.undurable(to, { [statePath]: `${statePath}.tmp` })).toEqual([]);
    expect((await verifyTransfer(to)).ok).toBe(true);
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

  it('reads its scope in keyset pages: small pages give every entry of one read, once, in log order', async () => {
    await t.ctx.log.integrateAll();
    const size = (await t.ctx.log.state()).integrated;
    const q = await t.ctx.archiveQueries.toSql(us, {});
    const key = (r: ScopeRow) => `${r.record_seq}|${r.ref_kind}|${r.ref_id}`;
    const all = await scopePage(t.ctx.db, q, size, null, 1_000_000);
    expect(all.length).toBe((await scopeCount(t.ctx.db, q, size)).entries);
    expect(all.length).toBeGreaterThan(20);
    const paged: ScopeRow[] = [];
    for (let after: Cursor | null = null; ; ) {
      const rows = await scopePage(t.ctx.db, q, size, after, 7);
      if (rows.length === 0) break;
      expect(rows.length).toBeLessThanOrEqual(7);
      paged.push(...rows);
      const last = rows.at(-1)!;
      after = { seq: Number(last.record_seq), refKind: last.ref_kind, refId: last.ref_id };
    }
    expect(paged.map(key)).toEqual(all.map(key));
    expect(new Set(all.map(key)).size).toBe(all.length);
    const seqs = all.map((r) => Number(r.record_seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.every((s) => s < size)).toBe(true);
    // A smaller tree: only the entries the log held then.
    const half = seqs[Math.floor(seqs.length / 2)]!;
    expect((await scopePage(t.ctx.db, q, half, null, 1_000_000)).map(key)).toEqual(
      all.filter((r) => Number(r.record_seq) < half).map(key),
    );
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
    const part = (name: string, body: string) => ({
      contentType: `text/plain; name="${name}"`,
      filename: name,
      body: [body],
    });
    await importMultipartEml(
      t.ctx,
      join(scratch(), 'colliding.eml'),
      {
        from: 'Chief of Staff <cos@personal.example.com>',
        subject: 'Zanzibar colliding names',
        date: 'Tue, 3 Feb 2026 10:00:00 +0000',
        messageId: '<transfer-test-2@personal.example.com>',
        boundary: 'b2',
        parts: [part('Notes.txt', 'first'), part('notes.TXT', 'second')],
      },
      { identifier: 'cos@personal.example.com', ownerEmail: owner },
    );
    const to = join(scratch(), 'collide');
    await expect(
      t.ctx.transfer.transfer(us, { to, search: { q: 'Zanzibar' }, maxBagBytes: 1 << 30 }),
    ).rejects.toThrow(/"[^"]*notes\.TXT" and "[^"]*Notes\.txt" differ only by letter case/);
    const written = existsSync(join(to, 'bag-0001/data')) ? allFiles(join(to, 'bag-0001/data')) : [];
    expect(written).toEqual([]);
  });

  // Last: it seals the calls' index entries, which the tests above search by their words.
  it('seals a finished transfer from the records screen: verify, then seal, with progress; refusals say why', async () => {
    const job = t.ctx.transferJobs.start(us, { kind: 'call' }, 64 * 1024);
    // Not before the transfer has finished, and not by someone without the records role.
    expect(() => t.ctx.transferJobs.seal(us, job.id)).toThrow(/still running; only a finished transfer/);
    await t.ctx.transferJobs.idle();
    expect(() => t.ctx.transferJobs.seal(usStaff, job.id)).toThrow(/may not seal transferred records/);
    expect(t.ctx.transferJobs.get(us, job.id)).toMatchObject({
      seal: null,
      sealCommand: `npm run hotline -- archive seal-transferred ${job.dir} --as <your email>`,
    });

    const started = t.ctx.transferJobs.seal(us, job.id);
    expect(started.seal).toMatchObject({ status: 'running', phase: 'verify', startedBy: expect.any(String) });
    expect(() => t.ctx.transferJobs.seal(us, job.id)).toThrow(/already being sealed/);
    await t.ctx.transferJobs.idle();
    const done = t.ctx.transferJobs.get(us, job.id);
    expect(done.seal).toMatchObject({ status: 'done', phase: 'seal', error: null });
    expect(done.seal!.entries).toBe(done.items);
    expect(done.seal!.sealed + done.seal!.already).toBe(done.items);
    expect(done.seal!.sealed).toBeGreaterThan(0);
    expect(done.seal!.done).toBe(done.seal!.entries);
    const calls = await t.ctx.archive.search(us, { kind: 'call' }, 1, 100);
    expect(calls.hits.length).toBeGreaterThan(0);
    expect(done.transferId).toMatch(/^[0-9a-f-]{36}$/);
    for (const h of calls.hits) expect(h.title).toBe(`call (sealed after transfer ${done.transferId})`);

    // Sealed again: nothing more to do. With a bag gone, the seal fails and says why.
    t.ctx.transferJobs.seal(us, job.id);
    await t.ctx.transferJobs.idle();
    expect(t.ctx.transferJobs.get(us, job.id).seal).toMatchObject({
      status: 'done',
      sealed: 0,
      already: done.items,
    });
    const bag = join(job.dir, done.bags[0]!.name);
    renameSync(bag, `${bag}.moved`);
    t.ctx.transferJobs.seal(us, job.id);
    await t.ctx.transferJobs.idle();
    const failed = t.ctx.transferJobs.get(us, job.id).seal!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/are not the transfer's .*nothing was sealed/);
  });
});
