import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { App } from '../../src/http/types.js';
import { multipart, personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

const BOUNDARY = 'hotline-test-boundary';
const OWNER = 'potus@us.example.gov';

/** The multipart form up to the file's first byte, as a browser sends it (fields first). */
function formHead(fields: Record<string, string>, filename: string): Buffer {
  let s = '';
  for (const [k, v] of Object.entries(fields))
    s += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  s += `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
  return Buffer.from(s);
}

interface OpenUpload {
  /** The answer, or null if none came within the wait. */
  answer(waitMs: number): Promise<{ status: number; body: Record<string, unknown>; type: string } | null>;
  write(bytes: Buffer): void;
  abort(): void;
}

/**
 * An upload over a real connection that declares `declaredFileBytes` of file and sends only
 * the form's head and `sendFileBytes` of it, leaving the rest of the body unsent.
 */
function openUpload(
  url: string,
  cookie: string,
  fields: Record<string, string>,
  filename: string,
  declaredFileBytes: number,
  sendFileBytes: number,
): OpenUpload {
  const head = formHead(fields, filename);
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const req = httpRequest(`${url}/api/v1/capture/imports`, {
    method: 'POST',
    headers: {
      cookie,
      'sec-fetch-site': 'same-origin',
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
      'content-length': String(head.length + declaredFileBytes + tail.length),
    },
  });
  req.on('error', () => undefined);
  const answered = new Promise<{ status: number; body: Record<string, unknown>; type: string }>((res) =>
    req.on('response', (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        res({
          status: r.statusCode ?? 0,
          body: text ? JSON.parse(text) : {},
          type: String(r.headers['content-type']),
        });
      });
    }),
  );
  req.write(head);
  if (sendFileBytes > 0) req.write(Buffer.alloc(sendFileBytes, 'a'));
  return {
    answer: (waitMs) => Promise.race([answered, new Promise<null>((r) => setTimeout(() => r(null), waitMs))]),
    write: (bytes) => req.write(bytes),
    abort: () => req.destroy(),
  };
}

/** Hotline's temp files and folders (hotline-upload-*, hotline-zip-*, …) in the OS temp folder. */
function hotlineTemps(): string[] {
  return readdirSync(tmpdir()).filter((n) => n.startsWith('hotline-'));
}

async function until(cond: () => boolean | Promise<boolean>, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return cond();
}

/**
 * Issue "Hardening" item 4: uploads are refused before their body is read when the person may
 * not import, are limited in number per person and in all (429) and in size per kind (413),
 * and leave no temp file or folder behind on any path.
 */
describe('security: uploads', () => {
  let t: TestContext;
  let app: App;
  let url: string;
  let records = '';
  let admin = '';
  let press = '';
  const ownTmp = mkdtempSync(join(tmpdir(), 'uploads-test-'));
  const oldTmp = process.env.TMPDIR;
  beforeAll(async () => {
    t = await newTestContext({
      demo: '1',
      authRateLimit: '1000',
      uploadLimits: 'eml=1k,csv=1k,phone=1k,x=64k,mbox=8m',
      uploadsPerPerson: '2',
      uploadsTotal: '3',
    });
    await t.ctx.prepare();
    // This file's own temp folder, so other test files' temp folders do not disturb the counts.
    process.env.TMPDIR = ownTmp;
    app = sameOrigin(await buildApp(t.ctx, { webDir: null }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const list = await personas(app);
    records = await signInAs(app, personaFor(list, 'records').userId);
    admin = await signInAs(app, personaFor(list, 'admin').userId);
    press = await signInAs(app, personaFor(list, 'press').userId);
  });
  afterAll(async () => {
    await app.close();
    await t.close();
    if (oldTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = oldTmp;
    rmSync(ownTmp, { recursive: true, force: true });
  });

  const fields = (kind: string) => ({ kind, account: 'a@personal.example.com', owner: OWNER });

  it('refuses a press officer with 403 before reading the body: nothing is spooled', async () => {
    const before = hotlineTemps();
    // 300 MB declared, 64 KiB sent: the answer must not wait for the rest.
    const up = openUpload(url, press, fields('mbox'), 'big.mbox', 300 * 1024 ** 2, 64 * 1024);
    const res = await up.answer(2000);
    up.abort();
    expect(res, 'no answer while the body was still coming: it was being read').not.toBeNull();
    expect(res!.status).toBe(403);
    expect(res!.type).toContain('application/problem+json');
    expect(String(res!.body.detail)).toMatch(/import personal-account records/);
    expect(hotlineTemps()).toEqual(before);
  });

  it('refuses a body declared larger than any upload may be with 413, before reading it', async () => {
    const up = openUpload(url, records, fields('mbox'), 'huge.mbox', 100 * 1024 ** 2, 1024);
    const res = await up.answer(2000);
    up.abort();
    expect(res?.status).toBe(413);
    expect(res!.body.code).toBe('upload_too_large');
  });

  it('limits uploads per person and in all with 429 problem+json saying what to do', async () => {
    const running = [
      openUpload(url, records, fields('mbox'), 'one.mbox', 1024 ** 2, 1024),
      openUpload(url, records, fields('mbox'), 'two.mbox', 1024 ** 2, 1024),
    ];
    try {
      // Both are being spooled (their temp folders exist) before the third is sent.
      expect(await until(() => hotlineTemps().length >= 2)).toBe(true);
      const third = openUpload(url, records, fields('mbox'), 'three.mbox', 1024 ** 2, 1024);
      const refused = await third.answer(2000);
      third.abort();
      expect(refused?.status).toBe(429);
      expect(refused!.type).toContain('application/problem+json');
      expect(String(refused!.body.detail)).toMatch(/already have 2 uploads running.*Wait for one to finish/);

      running.push(openUpload(url, admin, fields('mbox'), 'admin.mbox', 1024 ** 2, 1024));
      expect(await until(() => hotlineTemps().length >= 3)).toBe(true);
      const fourth = openUpload(url, admin, fields('mbox'), 'admin-2.mbox', 1024 ** 2, 1024);
      const full = await fourth.answer(2000);
      fourth.abort();
      expect(full?.status).toBe(429);
      expect(String(full!.body.detail)).toMatch(/already taking 3 uploads.*Try again/);
    } finally {
      for (const u of running) u.abort();
    }
    // Abandoned uploads give their places back and leave nothing behind.
    expect(await until(() => hotlineTemps().length === 0)).toBe(true);
    const eml =
      'From: a@personal.example.com\r\nTo: b@personal.example.com\r\nSubject: After\r\nDate: Mon, 02 Feb 2026 10:00:00 +0000\r\nMessage-ID: <after-limits@x>\r\n\r\nHi\r\n';
    const mp = await multipart(fields('eml'), { name: 'after.eml', content: eml });
    for (const cookie of [records, records, admin]) {
      const ok = await app.inject({
        method: 'POST',
        url: '/api/v1/capture/imports',
        headers: { ...mp.headers, cookie },
        payload: mp.payload,
      });
      expect(ok.statusCode, ok.body).toBe(201);
    }
  });

  it("stops at the kind's size limit with 413 and keeps nothing", async () => {
    const before = hotlineTemps();
    const body = `From: a@personal.example.com\r\nSubject: big\r\n\r\n${'x'.repeat(4096)}\r\n`;
    const mp = await multipart(fields('eml'), { name: 'big.eml', content: body });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/imports',
      headers: { ...mp.headers, cookie: records },
      payload: mp.payload,
    });
    expect(res.statusCode, res.body).toBe(413);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'upload_too_large', kind: 'eml', limit: 1024 });
    expect(res.json().detail).toMatch(/upload limit for eml exports \(1 KiB\).*CLI/);
    expect(hotlineTemps()).toEqual(before);
    expect(
      await t.ctx.db.selectFrom('captured_items').select('id').where('kind', '=', 'big').execute(),
    ).toEqual([]);
  });

  it('leaves no hotline-* temp folder after a failing zip import', async () => {
    const before = hotlineTemps();
    const mp = await multipart(
      { kind: 'x', account: '@leader_personal_test', owner: OWNER },
      { name: 'archive.zip', content: 'PK\u0003\u0004 this is not really a zip archive' },
    );
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/capture/imports',
      headers: { ...mp.headers, cookie: records },
      payload: mp.payload,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().detail).toMatch(/archive\.zip.*not a readable zip archive/);
    expect(hotlineTemps()).toEqual(before);
  });

  it('leaves nothing behind when the client goes away mid-upload', async () => {
    const before = hotlineTemps();
    const up = openUpload(url, records, fields('mbox'), 'cut.mbox', 4 * 1024 ** 2, 256 * 1024);
    expect(await until(() => hotlineTemps().length > before.length)).toBe(true);
    up.abort();
    expect(await until(() => hotlineTemps().length === before.length)).toBe(true);
    expect(hotlineTemps()).toEqual(before);
  });
});
