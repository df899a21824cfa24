import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCarrierCsv, parseColumnMapping } from '../../src/capture/importers/csv.js';
import { parsePhoneBackup } from '../../src/capture/importers/phone.js';

const dir = mkdtempSync(join(tmpdir(), 'hotline-positions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(items: AsyncIterable<unknown>): Promise<string> {
  try {
    for await (const _ of items);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the file to be refused');
}

const bytes = (s: string) => Buffer.byteLength(s);

describe('error positions are byte offsets into the file', () => {
  const mapping = parseColumnMapping('date=Date,number=Number,direction=Dir');
  const head = 'Date,Number,Dir\n';
  // Multi-byte characters before the bad row: a character count would be smaller.
  const good = '2026-03-01T10:00:00Z,+1 202 555 0177,out ✈️ München\n';

  it('CSV: a bad value names the byte where its row starts', async () => {
    const p = join(dir, 'a.csv');
    writeFileSync(p, `${head}${good}${good}not a date,+1 202 555 0177,in\n`);
    const msg = await failure(parseCarrierCsv(p, mapping));
    expect(msg).toBe(
      `a.csv, byte ${bytes(head + good + good)} (line 4): "not a date" in column Date is not a date. Nothing from this file was imported.`,
    );
    expect(bytes(head + good + good)).toBeGreaterThan((head + good + good).length);
  });

  it('CSV: a malformed row names its byte, and binary garbage is escaped, never echoed', async () => {
    const p = join(dir, 'b.csv');
    writeFileSync(
      p,
      Buffer.concat([
        Buffer.from(`${head}${good}`),
        Buffer.from([0x00, 0xff, 0x1b, 0x07]),
        Buffer.from(',1,in\n'),
      ]),
    );
    const msg = await failure(parseCarrierCsv(p, mapping));
    expect(msg).toContain(`b.csv, byte ${bytes(head + good)} (line 3): `);
    expect(msg).toContain('\\x00');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none is printed
    expect(msg).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/);

    const q = join(dir, 'c.csv');
    writeFileSync(q, `${head}${good}"2026-03-01"x,+12025550177,in\n`);
    expect(await failure(parseCarrierCsv(q, mapping))).toMatch(
      new RegExp(`^c\\.csv, byte ${bytes(head + good)} \\(line 3\\): the CSV is malformed`),
    );
  });

  const sms = '<sms address="+12025550177" date="1767268800000" type="1" body="Grüße ✈️" />\n';
  const decl = "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n";

  it('XML: text after the root element is reported where it starts', async () => {
    const p = join(dir, 'after.xml');
    const before = `${decl}<smses count="1">\n${sms}</smses>\n`;
    writeFileSync(p, `${before}trailing words\n`);
    expect(await failure(parsePhoneBackup(p))).toBe(
      `after.xml, byte ${bytes(before)} (line 5): there is text outside the root element: "trailing words"; an SMS Backup & Restore file holds one <smses> or <calls> element and nothing else. Nothing from this file was imported.`,
    );
  });

  it('XML: text before the root element is reported where it starts', async () => {
    const p = join(dir, 'before.xml');
    writeFileSync(p, `${decl}  stray ✈️ text\n<smses count="1">\n${sms}</smses>\n`);
    expect(await failure(parsePhoneBackup(p))).toMatch(
      new RegExp(
        `^before\\.xml, byte ${bytes(`${decl}  `)} \\(line 2\\): there is text outside the root element: "stray ✈️ text"`,
      ),
    );
  });

  it('XML: other malformed XML names a byte offset, counted in bytes', async () => {
    const p = join(dir, 'bad.xml');
    const before = `${decl}<smses count="2">\n${sms}`;
    writeFileSync(p, `${before}<sms address="1" date="2" type="1" body="x" </smses>\n`);
    const msg = await failure(parsePhoneBackup(p));
    const byte = Number(/^bad\.xml, byte (\d+) \(line 4, column \d+\): the XML is malformed/.exec(msg)?.[1]);
    expect(byte).toBeGreaterThan(bytes(before));
    expect(byte).toBeLessThanOrEqual(bytes(`${before}<sms address="1" date="2" type="1" body="x" </`));
  });
});
