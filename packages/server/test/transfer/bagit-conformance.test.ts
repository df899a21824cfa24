import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateBag } from '../../src/transfer/bag-validator.js';

/**
 * Hotline's BagIt validator over the Library of Congress conformance suite (vendored in
 * test/fixtures/bagit-conformance, see SOURCE.md there): every bag under valid/ passes, every
 * bag under invalid/ (and linux-only/, the faults a POSIX system can hold) fails, with the reason.
 */
const SUITE = join(import.meta.dirname, '../fixtures/bagit-conformance');

/** Why each invalid bag must fail: a pattern its report must contain. */
const REASONS: Record<string, RegExp> = {
  'v1.0/invalid/bagit-with-invalid-whitespace': /bagit\.txt line 1: .*not "BagIt-Version: M\.N"/,
  'v1.0/invalid/notAllManifestsListAllFiles':
    /does not list the payload file "data\/missingFromManifest\.txt"/,
  'v1.0/invalid/same-filename-listed-twice-with-different-hashes':
    /listed more than once with different checksums/,
  'v1.0/invalid/same-filename-listed-twice-with-the-same-hash': /"data\/README" is listed more than once\./,
  'v0.97/invalid/baginfo-missing-encoding': /bagit\.txt line 2/,
  'v0.97/invalid/bom-in-bagit.txt': /byte-order mark/,
  'v0.97/invalid/corrupt-data-file': /manifest-md5\.txt: "data\/.*" has md5 /,
  'v0.97/invalid/corrupt-tag-file': /tagmanifest-md5\.txt: ".*" has md5 /,
  'v0.97/invalid/extra-file-in-bag': /does not list the payload file/,
  'v0.97/invalid/invalid-version-number': /bagit\.txt line 1/,
  'v0.97/invalid/missing-baginfo': /lists "bag-info\.txt", which is not in the bag/,
  'v0.97/invalid/missing-bagit.txt': /bagit\.txt: missing/,
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation': /outside the bag/,
  'v0.97/invalid/out-of-scope-file-paths-using-dot-notation-for-fetch':
    /fetch\.txt line \d+: .* outside the payload/,
  'v0.97/invalid/same-filename-listed-twice-with-different-hashes':
    /listed more than once with different checksums/,
};

function bags(version: string, kind: string): string[] {
  const d = join(SUITE, version, kind);
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${version}/${kind}/${e.name}`);
}

const VERSIONS = readdirSync(SUITE).filter((v) => /^v\d/.test(v));

describe('BagIt validator over the Library of Congress conformance suite', () => {
  it('has the suite, v1.0 included', () => {
    expect(VERSIONS).toContain('v1.0');
    expect(bags('v1.0', 'valid').length).toBeGreaterThan(0);
    expect(bags('v1.0', 'invalid').length).toBeGreaterThan(3);
  });

  for (const version of VERSIONS) {
    for (const bag of bags(version, 'valid'))
      it(`accepts ${bag}`, async () => {
        const r = await validateBag(join(SUITE, bag));
        expect(r.errors).toEqual([]);
        expect(r.valid).toBe(true);
      });
    for (const bag of [...bags(version, 'invalid'), ...bags(version, 'linux-only')])
      it(`refuses ${bag}, saying why`, async () => {
        const r = await validateBag(join(SUITE, bag));
        expect(r.valid).toBe(false);
        expect(r.errors.length).toBeGreaterThan(0);
        const reason = REASONS[bag];
        if (reason) expect(r.errors.join('\n')).toMatch(reason);
      });
  }
});
