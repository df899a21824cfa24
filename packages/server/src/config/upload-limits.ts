import { ConfigError } from '@hotline/common';

/** The export kinds an upload may carry (the import formats). */
export const UPLOAD_KINDS = ['mbox', 'eml', 'x', 'phone', 'csv'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** The largest upload of each kind, in bytes. */
export type UploadLimits = Record<UploadKind, number>;

const G = 1024 ** 3;
const M = 1024 ** 2;

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  mbox: 2 * G,
  x: G,
  phone: 512 * M,
  csv: 64 * M,
  eml: 64 * M,
};

const UNITS: Record<string, number> = { '': 1, k: 1024, m: M, g: G };

/** "1234", "64k", "512m", "2g" (binary units) as bytes. */
export function parseSize(raw: string): number | null {
  const m = /^(\d+)\s*([kmg]?)(?:i?b)?$/i.exec(raw.trim());
  if (!m) return null;
  const n = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/**
 * HOTLINE_UPLOAD_LIMITS: per-kind upload limits as "kind=size" pairs, comma-separated, e.g.
 * "mbox=2g,x=1g,phone=512m,csv=64m,eml=64m". A kind left out keeps its default.
 */
export function parseUploadLimits(raw: string | undefined): UploadLimits {
  const limits = { ...DEFAULT_UPLOAD_LIMITS };
  if (!raw?.trim()) return limits;
  for (const pair of raw.split(',')) {
    if (!pair.trim()) continue;
    const [k, v, ...rest] = pair.split('=');
    const kind = k?.trim().toLowerCase() as UploadKind;
    if (!UPLOAD_KINDS.includes(kind) || v === undefined || rest.length > 0) {
      throw new ConfigError(
        'HOTLINE_UPLOAD_LIMITS',
        `"${pair.trim()}" is not "kind=size" with a kind of ${UPLOAD_KINDS.join(', ')}; e.g. mbox=2g,x=1g,phone=512m,csv=64m,eml=64m.`,
      );
    }
    const size = parseSize(v);
    if (size === null) {
      throw new ConfigError(
        'HOTLINE_UPLOAD_LIMITS',
        `the size "${v.trim()}" for ${kind} is not a size; use bytes or a number with k, m or g (e.g. 512m).`,
      );
    }
    limits[kind] = size;
  }
  return limits;
}
