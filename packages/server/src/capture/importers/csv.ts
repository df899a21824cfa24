import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { CountryCode } from 'libphonenumber-js';
import { toE164 } from './phone.js';
import { sniffHint } from './sniff.js';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';

export interface CsvMapping {
  date: string;
  /** the other party's number (with direction=…), or … */
  number?: string;
  /** … the calling and called numbers: the direction follows from the account's own number */
  from?: string;
  to?: string;
  duration?: string;
  minutes?: string;
  direction?: string;
}

/** "date=Date,number=Number,minutes=Minutes,direction=Type" → a mapping; names the missing keys. */
export function parseColumnMapping(spec: string): CsvMapping {
  const m: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=').map((x) => x?.trim());
    if (!k || !v || !['date', 'number', 'from', 'to', 'duration', 'minutes', 'direction'].includes(k)) {
      throw new ImportFormatError(
        '--columns',
        `"${part}"`,
        'use key=Column pairs with keys date, number, from, to, duration (seconds) or minutes, direction',
      );
    }
    m[k] = v;
  }
  if (!m.date || !(m.number || (m.from && m.to)))
    throw new ImportFormatError(
      '--columns',
      'mapping',
      'date=… is required, and number=… (with direction=…) or from=…,to=… (the calling and called numbers)',
    );
  return m as unknown as CsvMapping;
}

/** A carrier's call-detail CSV, streamed with csv-parse, mapped by the given columns. */
export async function* parseCarrierCsv(
  path: string,
  mapping: CsvMapping,
  opts: {
    defaultCountry?: CountryCode;
    onProgress?: (p: ImportProgress) => void;
    /** the account's own number (E.164): which side of a from/to row is the account */
    ownNumber?: string;
  } = {},
): AsyncGenerator<CapturedItem> {
  const file = basename(path);
  const total = statSync(path).size;
  const parser = createReadStream(path).pipe(
    parse({ columns: true, info: true, skip_empty_lines: true, trim: true, bom: true }),
  );
  let n = 0;
  // Where each row starts, as a byte offset into the file (the parser counts bytes): the end of
  // the row before it, or of the header line for the first.
  let rowStart = headerEnd(path);
  try {
    for await (const rec of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number; bytes: number };
    }>) {
      const r = rec.record;
      const where = `byte ${rowStart} (line ${rec.info.lines})`;
      rowStart = rec.info.bytes;
      const columns = Object.keys(r).join(', ');
      for (const col of [mapping.date, mapping.number, mapping.from, mapping.to, mapping.direction]) {
        if (col !== undefined && !(col in r))
          throw new ImportFormatError(
            file,
            where,
            `no column "${col}"; the columns are ${columns}${sniffHint(path)}`,
          );
      }
      const date = new Date(r[mapping.date]!);
      if (Number.isNaN(date.getTime()))
        throw new ImportFormatError(
          file,
          where,
          `"${r[mapping.date]}" in column ${mapping.date} is not a date`,
        );
      const seconds = mapping.duration
        ? Number(r[mapping.duration])
        : mapping.minutes
          ? Number(r[mapping.minutes]) * 60
          : 0;
      if (!Number.isFinite(seconds) || seconds < 0)
        throw new ImportFormatError(file, where, 'the duration is not a number');
      const country = opts.defaultCountry ?? 'US';
      let number: string;
      let direction: string;
      if (mapping.direction) {
        const dirRaw = r[mapping.direction]?.toLowerCase() ?? '';
        direction = /^(in|incoming|received|mt)/.test(dirRaw)
          ? 'incoming'
          : /^(out|outgoing|dialed|mo)/.test(dirRaw)
            ? 'outgoing'
            : /miss/.test(dirRaw)
              ? 'missed'
              : 'unknown';
        number = toE164(
          r[mapping.number ?? (direction === 'outgoing' ? mapping.to! : mapping.from!)]!,
          country,
        );
      } else if (mapping.from && mapping.to) {
        // No direction column: the side that is the account's own number says which way it went.
        const a = toE164(r[mapping.from]!, country);
        const b = toE164(r[mapping.to]!, country);
        const own = opts.ownNumber;
        if (own && a === own) [direction, number] = ['outgoing', b];
        else if (own && b === own) [direction, number] = ['incoming', a];
        else
          throw new ImportFormatError(
            file,
            where,
            `neither "${mapping.from}" (${a}) nor "${mapping.to}" (${b}) is this account's number${own ? ` ${own}` : ''}, so the direction is unknown: map the direction column (direction=<column>; the columns are ${columns}), or import it for the account whose number it is`,
          );
      } else {
        throw new ImportFormatError(
          file,
          where,
          `no direction: only the other party's number is mapped (number=${mapping.number}); map the direction column (direction=<column>), or the calling and called numbers (from=<column>,to=<column>); the columns are ${columns}`,
        );
      }
      n++;
      opts.onProgress?.({ bytesRead: rec.info.bytes, totalBytes: total, items: n });
      yield {
        kind: 'call',
        sourceId: `cdr:${sha256Hex(`${number}|${date.toISOString()}|${seconds}|${direction}`)}`,
        occurredAt: date,
        from: direction === 'incoming' || direction === 'missed' ? number : null,
        to: direction === 'outgoing' ? [number] : [],
        cc: [],
        bcc: [],
        subject: null,
        text: '',
        metadata: { number, direction, durationSeconds: seconds },
        attachments: [],
        raw: new Uint8Array(Buffer.from(JSON.stringify(r))),
      };
    }
    if (n === 0)
      throw new ImportFormatError(
        file,
        'the whole file',
        `there are no call rows (${statSync(path).size === 0 ? 'the file is empty' : 'a header line at most'})${sniffHint(path, true)}; a carrier CSV has a header line and one row per call`,
      );
  } catch (err) {
    if (err instanceof ImportFormatError) throw err;
    const e = err as Error & { lines?: number; bytes?: number };
    throw new ImportFormatError(
      file,
      `byte ${e.bytes ?? rowStart} (line ${e.lines ?? '?'})`,
      `the CSV is malformed (${e.message})${sniffHint(path)}`,
    );
  }
}

/** The byte offset just after the header line (its line break included): where the first row starts. */
function headerEnd(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(1 << 16);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const nl = buf.subarray(0, n).indexOf(0x0a);
    return nl < 0 ? n : nl + 1;
  } finally {
    closeSync(fd);
  }
}
