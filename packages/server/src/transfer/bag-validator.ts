import { createHash, getHashes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeManifestPath } from './bagit.js';

/**
 * Hotline's own BagIt validator (RFC 8493, and the earlier drafts 0.93–0.97 the Library of
 * Congress conformance suite still exercises). It reads a bag folder and reports every fault it
 * finds, each with the file it is in, never stopping at the first; `valid` is whether there are
 * none. Checks: the bag declaration (exact form, no BOM, a version and an encoding), manifests
 * (at least one payload manifest, known algorithms, well-formed lines, no path listed twice,
 * no path outside the bag), every payload file listed in every payload manifest and every
 * listed file present (or in fetch.txt), every checksum, tag manifests likewise for tag files,
 * and Payload-Oxum when bag-info.txt gives one. Files are hashed as streams, once for all
 * algorithms, so a bag of any size is checked in constant memory.
 */

export interface BagReport {
  valid: boolean;
  /** "v1.0" as declared, or null when the declaration cannot be read */
  version: string | null;
  errors: string[];
  warnings: string[];
  /** payload files found under data/ */
  payloadFiles: number;
  payloadBytes: number;
  /** true when fetch.txt lists files to be fetched (a holey bag) */
  hasFetch: boolean;
  /** bag-info.txt as label → values, in order */
  info: Map<string, string[]>;
}

const ALGORITHMS: Record<string, string> = {
  md5: 'md5',
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};

interface Manifest {
  file: string;
  algorithm: string;
  /** path (decoded, relative to the bag) → checksum (lowercase hex) */
  entries: Map<string, string>;
}

/** Every file under `dir` (relative, '/'-separated), symlinks reported, not followed. */
async function walk(root: string, rel: string, out: string[], errors: string[]): Promise<void> {
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  for (const e of entries) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(root, p, out, errors);
    else if (e.isFile()) out.push(p);
    else errors.push(`${p}: not a regular file (a link or device); a bag holds only files.`);
  }
}

function decodeText(bytes: Buffer, encoding: string): string {
  const enc = encoding.toLowerCase().replace(/_/g, '-');
  if (enc === 'utf-16' || enc === 'utf-16le' || enc === 'utf-16be') {
    const be = enc === 'utf-16be' || (bytes[0] === 0xfe && bytes[1] === 0xff);
    return new TextDecoder(be ? 'utf-16be' : 'utf-16le').decode(bytes);
  }
  return new TextDecoder(enc === 'iso-8859-1' || enc === 'latin1' ? 'latin1' : 'utf-8').decode(bytes);
}

/** Where a manifest path would land: null when it leaves the bag (absolute, `..`, `~`). */
function inScope(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.startsWith('~') || /^[A-Za-z]:/.test(path)) return false;
  if (path.startsWith('\\\\')) return false;
  return !path.split(/[/\\]/).some((c) => c === '..' || c.replace(/\\/g, '') === '..');
}

async function hashFile(path: string, algorithms: string[]): Promise<Map<string, string>> {
  const hashes = algorithms.map((a) => createHash(ALGORITHMS[a]!));
  await new Promise<void>((resolve, reject) => {
    const s = createReadStream(path, { highWaterMark: 1 << 20 });
    s.on('data', (chunk) => {
      for (const h of hashes) h.update(chunk);
    });
    s.on('error', reject);
    s.on('end', resolve);
  });
  return new Map(algorithms.map((a, i) => [a, hashes[i]!.digest('hex')]));
}

async function parseManifest(
  dir: string,
  file: string,
  algorithm: string,
  encoding: string,
  strict: boolean,
  report: BagReport,
): Promise<Manifest> {
  const text = decodeText(await readFile(join(dir, file)), encoding);
  const entries = new Map<string, string>();
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const where = `${file} line ${i + 1}`;
    const m = /^([0-9A-Fa-f]+)[ \t]+\*?(.+)$/.exec(line);
    if (!m) {
      report.errors.push(`${where}: not "checksum path".`);
      return;
    }
    let path = decodeManifestPath(m[2]!);
    if (path.startsWith('./')) path = path.slice(2);
    if (!inScope(path)) {
      report.errors.push(`${where}: "${path}" is outside the bag.`);
      return;
    }
    const sum = m[1]!.toLowerCase();
    const before = entries.get(path);
    if (before !== undefined) {
      const msg = `${where}: "${path}" is listed more than once${before === sum ? '' : ' with different checksums'}.`;
      if (strict || before !== sum) report.errors.push(msg);
      else report.warnings.push(msg);
      return;
    }
    entries.set(path, sum);
  });
  return { file, algorithm, entries };
}

function parseBagInfo(text: string, report: BagReport): Map<string, string[]> {
  const info = new Map<string, string[]>();
  let last: string | null = null;
  for (const line of text.split(/\r\n|\n|\r/)) {
    if (line === '') continue;
    if (/^[ \t]/.test(line) && last) {
      const vals = info.get(last)!;
      vals[vals.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const m = /^([^:]+?)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!m) {
      report.errors.push(`bag-info.txt: "${line}" is not a "Label: value" line.`);
      continue;
    }
    last = m[1]!;
    info.set(last, [...(info.get(last) ?? []), m[2]!.trim()]);
  }
  return info;
}

/** Validate the bag in `dir`. Never throws for a fault of the bag; throws only if `dir` cannot be read. */
export async function validateBag(dir: string): Promise<BagReport> {
  const report: BagReport = {
    valid: false,
    version: null,
    errors: [],
    warnings: [],
    payloadFiles: 0,
    payloadBytes: 0,
    hasFetch: false,
    info: new Map(),
  };
  const files: string[] = [];
  await walk(dir, '', files, report.errors);
  const has = new Set(files);

  // The bag declaration.
  let encoding = 'UTF-8';
  let strict = true;
  if (!has.has('bagit.txt'))
    report.errors.push('bagit.txt: missing (every bag declares itself in bagit.txt).');
  else {
    const raw = await readFile(join(dir, 'bagit.txt'));
    if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf)
      report.errors.push('bagit.txt: starts with a byte-order mark, which the declaration must not have.');
    const lines = raw.toString('utf8').split(/\r\n|\n|\r/);
    if (lines.at(-1) === '') lines.pop();
    const v = /^BagIt-Version: ([0-9]+)\.([0-9]+)$/.exec(lines[0] ?? '');
    const e = /^Tag-File-Character-Encoding: (\S+)$/.exec(lines[1] ?? '');
    if (!v)
      report.errors.push(
        `bagit.txt line 1: "${lines[0] ?? ''}" is not "BagIt-Version: M.N" (exactly one space after the colon, none before, no trailing space).`,
      );
    if (!e)
      report.errors.push(
        `bagit.txt line 2: "${lines[1] ?? ''}" is not "Tag-File-Character-Encoding: ENCODING" (exact form).`,
      );
    if (lines.length > 2) report.errors.push('bagit.txt: has more than the two declaration lines.');
    if (v) {
      report.version = `v${Number(v[1])}.${Number(v[2])}`;
      strict = Number(v[1]) >= 1;
    }
    if (e) encoding = e[1]!;
    if (!['utf-8', 'iso-8859-1', 'latin1', 'utf-16', 'utf-16le', 'utf-16be'].includes(encoding.toLowerCase()))
      report.errors.push(
        `bagit.txt: tag file character encoding "${encoding}" is not one this validator reads.`,
      );
  }

  // Manifests.
  const payloadManifests: Manifest[] = [];
  const tagManifests: Manifest[] = [];
  for (const f of files) {
    const m = /^(tag)?manifest-([a-z0-9]+)\.txt$/.exec(f);
    if (!m) continue;
    const alg = m[2]!;
    if (!ALGORITHMS[alg] || !getHashes().includes(ALGORITHMS[alg]!)) {
      report.errors.push(`${f}: checksum algorithm "${alg}" is not one this validator knows.`);
      continue;
    }
    const parsed = await parseManifest(dir, f, alg, encoding, strict, report);
    (m[1] ? tagManifests : payloadManifests).push(parsed);
  }
  if (payloadManifests.length === 0)
    report.errors.push('manifest-<algorithm>.txt: the bag has no payload manifest.');

  // fetch.txt: a holey bag; its paths must stay inside the payload.
  const fetched = new Set<string>();
  if (has.has('fetch.txt')) {
    report.hasFetch = true;
    const text = decodeText(await readFile(join(dir, 'fetch.txt')), encoding);
    const lines = text.split(/\r\n|\n|\r/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const m = /^(\S+)[ \t]+(\d+|-)[ \t]+(.+)$/.exec(line);
      if (!m) {
        report.errors.push(`fetch.txt line ${i + 1}: not "URL LENGTH PATH".`);
        continue;
      }
      const p = decodeManifestPath(m[3]!);
      if (!inScope(p) || !p.startsWith('data/')) {
        report.errors.push(`fetch.txt line ${i + 1}: "${p}" is outside the payload.`);
        continue;
      }
      fetched.add(p);
    }
  }

  // Payload: every file in data/ in every payload manifest; every listed path a payload file.
  const payload = files.filter((f) => f.startsWith('data/'));
  if (!files.some((f) => f.startsWith('data/')) && !fetched.size) {
    // An empty payload is legal, but the data/ folder must exist.
    try {
      if (!(await lstat(join(dir, 'data'))).isDirectory()) throw new Error();
    } catch {
      report.errors.push('data/: the payload folder is missing.');
    }
  }
  for (const m of payloadManifests) {
    for (const p of m.entries.keys()) {
      if (!p.startsWith('data/')) report.errors.push(`${m.file}: "${p}" is not in the payload folder data/.`);
      else if (!has.has(p) && !fetched.has(p))
        report.errors.push(`${m.file}: lists "${p}", which is not in the bag.`);
    }
    for (const p of payload)
      if (!m.entries.has(p)) report.errors.push(`${m.file}: does not list the payload file "${p}".`);
  }
  const lower = new Map<string, string>();
  for (const p of payload) {
    const k = p.normalize('NFC').toLowerCase();
    const o = lower.get(k);
    if (o) report.warnings.push(`"${p}" and "${o}" differ only by case or Unicode normalisation.`);
    lower.set(k, p);
  }

  // Tag manifests list tag files only, each present.
  for (const m of tagManifests)
    for (const p of m.entries.keys()) {
      if (p.startsWith('data/')) report.errors.push(`${m.file}: lists the payload file "${p}".`);
      else if (!has.has(p)) report.errors.push(`${m.file}: lists "${p}", which is not in the bag.`);
    }

  // Checksums: each file once, for every algorithm that lists it.
  const wanted = new Map<string, { manifest: Manifest; sum: string }[]>();
  for (const m of [...payloadManifests, ...tagManifests])
    for (const [p, sum] of m.entries)
      if (has.has(p)) wanted.set(p, [...(wanted.get(p) ?? []), { manifest: m, sum }]);
  for (const [p, list] of wanted) {
    const sums = await hashFile(join(dir, p), [...new Set(list.map((l) => l.manifest.algorithm))]);
    for (const { manifest, sum } of list)
      if (sums.get(manifest.algorithm) !== sum)
        report.errors.push(
          `${manifest.file}: "${p}" has ${manifest.algorithm} ${sums.get(manifest.algorithm)}, the manifest says ${sum}.`,
        );
  }
  for (const p of payload) {
    report.payloadFiles++;
    report.payloadBytes += (await lstat(join(dir, p))).size;
  }

  // bag-info.txt and its Payload-Oxum.
  if (has.has('bag-info.txt')) {
    report.info = parseBagInfo(decodeText(await readFile(join(dir, 'bag-info.txt')), encoding), report);
    const oxum = report.info.get('Payload-Oxum')?.[0];
    if (oxum !== undefined) {
      const m = /^(\d+)\.(\d+)$/.exec(oxum);
      if (!m) report.errors.push(`bag-info.txt: Payload-Oxum "${oxum}" is not "octets.streams".`);
      else if (
        !report.hasFetch &&
        (Number(m[1]) !== report.payloadBytes || Number(m[2]) !== report.payloadFiles)
      )
        report.errors.push(
          `bag-info.txt: Payload-Oxum says ${oxum}, the payload is ${report.payloadBytes}.${report.payloadFiles}.`,
        );
    }
  }
  report.valid = report.errors.length === 0;
  return report;
}
