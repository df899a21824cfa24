import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCarrierCsv } from '../../src/capture/importers/csv.js';
import { parseEml, parseMbox } from '../../src/capture/importers/mbox.js';
import { parsePhoneBackup } from '../../src/capture/importers/phone.js';
import { ImportFormatError } from '../../src/capture/importers/types.js';
import { parseXArchive } from '../../src/capture/importers/x-archive.js';

const dir = mkdtempSync(join(tmpdir(), 'hotline-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Mutations: flip bytes, truncate, duplicate or delete a slice, splice in hostile snippets. */
const HOSTILE = [
  '\u0000',
  '<',
  '>',
  '"',
  '&',
  ']]>',
  '<!DOCTYPE x [<!ENTITY a "aaaa">]>',
  '\n\n',
  '\nFrom ',
  '--boundary',
  'Content-Type: multipart/mixed; boundary="',
  '{',
  '}',
  '[',
  ']',
  '\\u',
  '\ud800',
  'window.YTD.',
];
const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), s: fc.constantFrom(...HOSTILE) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(input: Buffer, ms: Mutation[]): Buffer {
  let b = Buffer.from(input);
  for (const m of ms) {
    const at = b.length ? m.at % b.length : 0;
    if (m.op === 'flip' && b.length) b[at]! ^= 1 << m.bit;
    else if (m.op === 'truncate') b = b.subarray(0, at);
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    else if (m.op === 'dup')
      b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + m.len), b.subarray(at)]);
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(m.s), b.subarray(at)]);
  }
  return b;
}

/** Run a parser to the end: it must either finish or throw ImportFormatError, nothing else. */
async function drain(gen: AsyncGenerator<unknown>): Promise<'ok' | 'refused'> {
  try {
    for await (const _ of gen) {
      // consume
    }
    return 'ok';
  } catch (err) {
    if (err instanceof ImportFormatError) return 'refused';
    throw err;
  }
}

const MBOX = Buffer.from(
  [
    'From a@x Sun Feb  1 12:00:00 2026',
    'From: A <a@personal.example.com>',
    'To: b@personal.example.com',
    'Subject: one',
    'Date: Sun, 01 Feb 2026 12:00:00 +0000',
    'Message-ID: <one@x>',
    'Content-Type: multipart/mixed; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'Hello',
    '>From the field',
    '--b1',
    'Content-Type: application/octet-stream; name="a.bin"',
    'Content-Transfer-Encoding: base64',
    '',
    'AAECAwQ=',
    '--b1--',
    '',
    'From b@x Sun Feb  1 13:00:00 2026',
    'From: B <b@personal.example.com>',
    'To: a@personal.example.com',
    'Subject: two',
    'Date: Sun, 01 Feb 2026 13:00:00 +0000',
    '',
    'Second',
    '',
  ].join('\n'),
);

const SMS = Buffer.from(
  `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n<smses count="2">\n<sms address="+12025550177" date="1767268800000" type="1" body="Hi &amp; bye" />\n<mms date="1767268900000" msg_box="1"><parts><part seq="0" ct="text/plain" text="pic" /><part seq="1" ct="image/png" name="p.png" data="iVBORw0KGgo=" /></parts><addrs><addr address="+12025550177" type="137" /></addrs></mms>\n</smses>\n`,
);

const TWEETS = Buffer.from(
  `window.YTD.tweets.part0 = ${JSON.stringify([
    {
      tweet: {
        id_str: '1',
        created_at: 'Wed Oct 10 20:19:24 +0000 2018',
        full_text: 'a',
        source: '<a>Twitter for iPhone</a>',
      },
    },
    {
      tweet: {
        id_str: '2',
        created_at: 'Wed Oct 11 20:19:24 +0000 2018',
        full_text: 'b',
        place: { name: 'DC' },
      },
    },
  ])}`,
);

describe('parsers survive malformed and hostile input', () => {
  it('mbox: thousands of mutations give a result or a clear ImportFormatError', async () => {
    const p = join(dir, 'f.mbox');
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        writeFileSync(p, mutate(MBOX, ms));
        if ((await drain(parseMbox(p))) === 'refused') refused++;
      }),
      { numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(0);
  });

  it('SMS Backup & Restore XML: thousands of mutations give a result or a clear ImportFormatError', async () => {
    const p = join(dir, 'f.xml');
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        writeFileSync(p, mutate(SMS, ms));
        if ((await drain(parsePhoneBackup(p))) === 'refused') refused++;
      }),
      { numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it('X archive tweets.js: thousands of mutations give a result or a clear ImportFormatError', async () => {
    const arch = join(dir, 'x');
    mkdirSync(join(arch, 'data'), { recursive: true });
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        writeFileSync(join(arch, 'data', 'tweets.js'), mutate(TWEETS, ms));
        if ((await drain(parseXArchive(arch))) === 'refused') refused++;
      }),
      { numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it('carrier CSV: thousands of mutations give a result or a clear ImportFormatError', async () => {
    const p = join(dir, 'f.csv');
    const csv = Buffer.from(
      'Date,Number,Minutes,Type\n2026-03-01T02:10:00Z,+52 55 5000 0101,12,Incoming\n2026-03-01T05:00:00Z,"202-555-0177",3,Outgoing\n',
    );
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        writeFileSync(p, mutate(csv, ms));
        if (
          (await drain(
            parseCarrierCsv(p, { date: 'Date', number: 'Number', minutes: 'Minutes', direction: 'Type' }),
          )) === 'refused'
        )
          refused++;
      }),
      { numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it('single .eml: thousands of mutations give a result or a clear ImportFormatError', async () => {
    const p = join(dir, 'f.eml');
    const eml = MBOX.subarray(MBOX.indexOf('\n') + 1, MBOX.indexOf('\n\nFrom b@x'));
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), async (ms) => {
        writeFileSync(p, mutate(Buffer.from(eml), ms));
        if ((await drain(parseEml(p))) === 'refused') refused++;
      }),
      { numRuns: 1500 },
    );
    expect(refused).toBeGreaterThan(0);
  });
});
