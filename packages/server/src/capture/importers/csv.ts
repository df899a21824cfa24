import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'csv-parse';
import type { CountryCode } from 'libphonenumber-js';
import { toE164 } from './phone.js';
import { type CapturedItem, ImportFormatError, type ImportProgress, sha256Hex } from './types.js';

export interface CsvMapping {
  date: string;
  number: string;
  duration?: string;
  minutes?: string;
  direction?: string;
}

/** "date=Date,number=Number,minutes=Minutes,direction=Type" → a mapping; names the missing keys. */
export function parseColumnMapping(spec: string): CsvMapping {
  const m: Record<string, string> = {};
  for (const part of spec.split(',')) {
    const [k, v] = part.split('=').map((x) => x?.trim());
    if (!k || !v || !['date', 'number', 'duration', 'minutes', 'direction'].includes(k)) {
      throw new ImportFormatError(
        '--columns',
        `"${part}"`,
        'use key=Column pairs with keys date, number, duration (seconds) or minutes, direction',
      );
    }
    m[k] = v;
  }
  if (!m.date || !m.number)
    throw new ImportFormatError('--columns', 'mapping', 'date=… and number=… are required');
  return m as unknown as CsvMapping;
}

/** A carrier's call-detail CSV, streamed with csv-parse, mapped by the given columns. */
export async function* parseCarrierCsv(
  path: string,
  mapping: CsvMapping,
  opts: { defaultCountry?: CountryCode; onProgress?: (p: ImportProgress) => void } = {},
): AsyncGenerator<CapturedItem> {
  const file = basename(path);
  const total = statSync(path).size;
  const parser = createReadStream(path).pipe(
    parse({ columns: true, info: true, skip_empty_lines: true, trim: true, bom: true }),
  );
  let n = 0;
  try {
    for await (const rec of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number; bytes: number };
    }>) {
      const r = rec.record;
      const where = `line ${rec.info.lines}`;
      for (const col of [mapping.date, mapping.number]) {
        if (!(col in r))
          throw new ImportFormatError(
            file,
            where,
            `no column "${col}"; the columns are ${Object.keys(r).join(', ')}`,
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
      const number = toE164(r[mapping.number]!, opts.defaultCountry ?? 'US');
      const dirRaw = (mapping.direction ? r[mapping.direction] : '')?.toLowerCase() ?? '';
      const direction = /^(in|incoming|received|mt)/.test(dirRaw)
        ? 'incoming'
        : /^(out|outgoing|dialed|mo)/.test(dirRaw)
          ? 'outgoing'
          : /miss/.test(dirRaw)
            ? 'missed'
            : 'unknown';
      n++;
      opts.onProgress?.({ bytesRead: rec.info.bytes, totalBytes: total, items: n });
      yield {
        kind: 'call',
        sourceId: `cdr:${sha256Hex(`${number}|${date.toISOString()}|${seconds}|${direction}`)}`,
        occurredAt: date,
        from: direction === 'outgoing' ? null : number,
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
  } catch (err) {
    if (err instanceof ImportFormatError) throw err;
    const e = err as Error & { lines?: number };
    throw new ImportFormatError(file, `line ${e.lines ?? '?'}`, `the CSV is malformed (${e.message})`);
  }
}
