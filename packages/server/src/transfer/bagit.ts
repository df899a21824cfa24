import { ConflictError, ValidationError } from '@hotline/common';

/**
 * The rules of RFC 8493 (BagIt 1.0) that a writer must follow, as pure functions: the exact
 * bag declaration, manifest lines with their paths percent-encoded, bag-info lines, the
 * Payload-Oxum, and the names that may not live side by side in one bag.
 */

/** bagit.txt, byte for byte (RFC 8493 §2.1.1): two lines, LF-terminated, UTF-8. */
export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';

/** The checksum algorithm of every manifest Hotline writes (RFC 8493 §2.4 recommends SHA-512). */
export const ALGORITHM = 'sha512';

/**
 * A path as a manifest line carries it (RFC 8493 §2.1.3): `%` as %25, CR as %0D, LF as %0A,
 * nothing else encoded. Slashes separate the path's components.
 */
export function encodeManifestPath(path: string): string {
  return path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The inverse of encodeManifestPath: only %0A, %0D and %25 are decoded (either case of hex). */
export function decodeManifestPath(path: string): string {
  return path.replace(/%(0A|0D|25)/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** One manifest line: checksum, one space, the encoded path, LF. */
export function manifestLine(checksumHex: string, path: string): string {
  return `${checksumHex} ${encodeManifestPath(path)}\n`;
}

/** Payload-Oxum (RFC 8493 §2.2.2): octet count, '.', stream count. */
export function payloadOxum(octets: number, streams: number): string {
  return `${octets}.${streams}`;
}

/**
 * bag-info.txt (RFC 8493 §2.2.2): `Label: value` lines. A value never spans lines here: line
 * breaks and other control characters in a value become spaces (a label is ours, plain ASCII).
 */
export function bagInfoText(fields: readonly [string, string][]): string {
  return fields
    .map(([label, value]) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(label)) throw new Error(`bad bag-info label "${label}"`);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
      return `${label}: ${value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()}\n`;
    })
    .join('');
}

/** Bagging-Date (RFC 8493 §2.2.2): YYYY-MM-DD. */
export function baggingDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Bag-Count: "N of T", or "N of ?" while the total is not known yet. */
export function bagCount(n: number, total: number | null): string {
  return `${n} of ${total ?? '?'}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
const UNSAFE = /[\u0000-\u001f\u007f/\\:*?"<>|%]/g;

/**
 * One path component from a name someone else chose (an attachment's file name, an account's
 * identifier): separators, control characters and characters Windows refuses become `_`;
 * `.` and `..` and empty names become `_`; at most 120 UTF-16 units (an extension kept).
 * `%` becomes `_` too: RFC 8493 has it written `%25` in manifests (and Hotline's writer and
 * validator do so), but the common validators, the Library of Congress's bagit.py included,
 * do not decode it (bagit-python issue #157), so a bag with `%` in a name would fail there.
 * Without `%`, CR or LF in any name, the RFC's reading and theirs are the same. The name as
 * it was is kept in the metadata file's Title.
 */
export function safeComponent(name: string): string {
  let s = name.normalize('NFC').replace(UNSAFE, '_').trim();
  if (s === '' || s === '.' || s === '..') s = '_';
  if (s.length > 120) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 12 ? s.slice(dot) : '';
    s = s.slice(0, 120 - ext.length) + ext;
  }
  return s;
}

/** Names that are the same file on a case-insensitive or normalising file system. */
export function collisionKey(path: string): string {
  return path.normalize('NFC').toUpperCase().toLowerCase();
}

/**
 * Every path of one bag (payload and tag files alike), so two names that would be one file on
 * some file system (`Report.pdf` and `report.pdf`; `é` composed and decomposed) are refused
 * before either is written. `check` looks without adding; `add` adds.
 */
export class BagPaths {
  private readonly seen = new Map<string, string>();

  check(paths: readonly string[]): void {
    const local = new Map<string, string>();
    for (const p of paths) {
      if (p.startsWith('/') || p.split('/').some((c) => c === '' || c === '.' || c === '..'))
        throw new ValidationError(`"${p}" is not a relative path inside the bag.`);
      const k = collisionKey(p);
      const other = this.seen.get(k) ?? local.get(k);
      if (other !== undefined)
        throw new ConflictError(
          other === p
            ? `"${p}" would be written twice in one bag.`
            : `"${p}" and "${other}" differ only by letter case or Unicode normalisation; one bag cannot hold both. Rename one of them at the source, then run the transfer again (it resumes).`,
          { path: p, other },
        );
      local.set(k, p);
    }
  }

  add(paths: readonly string[]): void {
    this.check(paths);
    for (const p of paths) this.seen.set(collisionKey(p), p);
  }

  get size(): number {
    return this.seen.size;
  }
}
