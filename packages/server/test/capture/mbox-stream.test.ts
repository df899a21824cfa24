import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMbox } from '../../src/capture/importers/mbox.js';
import { parseMime } from '../../src/capture/importers/mime-worker.js';
import { ImportFormatError, type ImportProgress } from '../../src/capture/importers/types.js';

const dir = mkdtempSync(join(tmpdir(), 'hotline-mbox-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(i: number, opts: { noDate?: boolean; attachment?: boolean } = {}): string {
  const date = opts.noDate ? '' : `Date: ${new Date(Date.UTC(2026, 0, 1, 0, i)).toUTCString()}\n`;
  const head = `From: a@personal.example.com\nTo: b${i}@personal.example.com\nSubject: M${i}\n${date}Message-ID: <m${i}@x>\nMIME-Version: 1.0\n`;
  if (!opts.attachment) return `${head}Content-Type: text/plain\n\nBody ${i}\n`;
  return `${head}Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nBody ${i}\n--b\nContent-Type: application/octet-stream; name="a${i}.bin"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="a${i}.bin"\n\n${Buffer.alloc(300, i % 256).toString('base64')}\n--b--\n`;
}

function mbox(name: string, bodies: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, bodies.map((b) => `From a Thu Jan  1 00:00:00 2026\n${b}\n`).join('\n'));
  return p;
}

describe('streaming mbox parsing on a parser thread', () => {
  it('yields every message in file order, more than the read-ahead window, with progress', async () => {
    const p = mbox(
      'many.mbox',
      Array.from({ length: 600 }, (_, i) => message(i, { attachment: i % 3 === 0 })),
    );
    const progress: ImportProgress[] = [];
    const subjects: (string | null)[] = [];
    let attachments = 0;
    for await (const item of parseMbox(p, { onProgress: (x) => progress.push(x) })) {
      subjects.push(item.subject);
      attachments += item.attachments.length;
      if (item.subject === 'M3') {
        expect(item.attachments[0]).toMatchObject({
          filename: 'a3.bin',
          contentType: 'application/octet-stream',
        });
        expect(Buffer.from(item.attachments[0]!.bytes)).toEqual(Buffer.alloc(300, 3));
      }
    }
    expect(subjects).toEqual(Array.from({ length: 600 }, (_, i) => `M${i}`));
    expect(attachments).toBe(200);
    expect(progress.map((x) => x.items)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    const bytes = progress.map((x) => x.bytesRead);
    expect([...bytes].sort((a, b) => a - b)).toEqual(bytes);
    expect(bytes.at(-1)).toBe(progress[0]!.totalBytes);
  });

  it('stops at the first bad message with its offset, after yielding exactly the ones before it', async () => {
    const bodies = Array.from({ length: 150 }, (_, i) => message(i));
    bodies[97] = message(97, { noDate: true });
    bodies[120] = 'no header block here\n';
    const p = mbox('bad.mbox', bodies);
    const seen: (string | null)[] = [];
    const err = await (async () => {
      for await (const item of parseMbox(p)) seen.push(item.subject);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(Array.from({ length: 97 }, (_, i) => `M${i}`));
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as Error).message).toMatch(
      /bad\.mbox, message starting at byte \d+: the message has no valid Date header/,
    );
  });

  it('can be abandoned part way without leaving work that fails later', async () => {
    const p = mbox(
      'abandon.mbox',
      Array.from({ length: 200 }, (_, i) => (i === 150 ? 'broken\n' : message(i))),
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    let n = 0;
    for await (const _ of parseMbox(p)) if (++n === 5) break;
    await new Promise((r) => setTimeout(r, 200));
    process.off('unhandledRejection', onUnhandled);
    expect(n).toBe(5);
    expect(unhandled).toEqual([]);
  });

  it('parses MIME on the thread like mailparser does, answering concurrent requests each with its own', async () => {
    const raws = Array.from({ length: 20 }, (_, i) => Buffer.from(message(i, { attachment: i % 2 === 0 })));
    const parsed = await Promise.all(raws.map((r) => parseMime(r)));
    expect(parsed.map((m) => m.subject)).toEqual(raws.map((_, i) => `M${i}`));
    expect(parsed[0]!.date).toBeInstanceOf(Date);
    expect(parsed[0]!.attachments[0]!.content).toBeInstanceOf(Uint8Array);
    // The caller's bytes are not handed away: the thread gets a copy.
    expect(raws[0]!.length).toBeGreaterThan(0);
    expect(raws[0]!.toString()).toContain('Subject: M0');
  });
});
