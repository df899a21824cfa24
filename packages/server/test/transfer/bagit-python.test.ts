import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bagitPyValidate } from '../helpers/bagit-python.js';

/**
 * The outside validator (the Library of Congress's bagit.py 1.9.0, vendored unchanged in
 * test/vendor/bagit-python) over the same LoC conformance suite as Hotline's own validator, so
 * that we know where it can be trusted before trusting it with Hotline's bags
 * (transfer.db.test.ts). It accepts every valid bag and refuses every invalid and linux-only
 * one, except the single bag listed below, which it accepts: there Hotline relies on its own
 * validator only (bagit-conformance.test.ts). warning/ and windows-only/ are not judged: on a
 * case-sensitive POSIX file system those bags are not what they are meant to be.
 */
const SUITE = join(import.meta.dirname, '../fixtures/bagit-conformance');

/** Invalid bags bagit.py 1.9.0 accepts, and why. Our own validator refuses each. */
const KNOWN_WRONG: Record<string, string> = {
  'v1.0/invalid/bagit-with-invalid-whitespace':
    'bagit.txt has a space before the colon ("BagIt-Version : 1.0"); bagit.py strips it',
};

function bags(version: string, kind: string): string[] {
  const d = join(SUITE, version, kind);
  if (!existsSync(d)) return [];
  return readdirSync(d, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => `${version}/${kind}/${e.name}`);
}
const VERSIONS = readdirSync(SUITE).filter((v) => /^v\d/.test(v));

describe('bagit.py (Library of Congress) over the conformance suite', { timeout: 60_000 }, () => {
  it('runs, and is the version vendored', async () => {
    const r = await bagitPyValidate('--version');
    // `--validate --version` prints the version and exits 0 before looking at any bag.
    expect(r.output).toContain('bagit-python version 1.9.0');
  });

  for (const version of VERSIONS) {
    for (const bag of bags(version, 'valid'))
      it(`accepts ${bag}`, async () => {
        const r = await bagitPyValidate(join(SUITE, bag));
        expect(r.output).toContain('is valid');
        expect(r.code).toBe(0);
      });
    for (const bag of [...bags(version, 'invalid'), ...bags(version, 'linux-only')]) {
      if (KNOWN_WRONG[bag])
        it(`wrongly accepts ${bag} (${KNOWN_WRONG[bag]}): not relied on there`, async () => {
          const r = await bagitPyValidate(join(SUITE, bag));
          expect(r.code).toBe(0);
        });
      else
        it(`refuses ${bag}`, async () => {
          const r = await bagitPyValidate(join(SUITE, bag));
          expect(r.code).not.toBe(0);
          expect(r.output).toMatch(/is invalid|Traceback|ERROR/);
        });
    }
  }
});
