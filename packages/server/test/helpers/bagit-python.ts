import { execFile } from 'node:child_process';
import { join } from 'node:path';

/** The Library of Congress reference validator, vendored unchanged (test/vendor/bagit-python/SOURCE.md). */
export const BAGIT_PY = join(import.meta.dirname, '../vendor/bagit-python/bagit.py');

export interface BagitPyResult {
  /** bagit.py's exit code: 0 valid, 1 invalid. */
  code: number;
  /** What it printed (its log lines name the fault). */
  output: string;
}

/** `python3 bagit.py --validate DIR`: the outside validator, run as a process, as anyone would. */
export function bagitPyValidate(dir: string): Promise<BagitPyResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      [BAGIT_PY, '--validate', '--processes', '1', dir],
      { env: { ...process.env, LC_ALL: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`python3 could not be run for bagit.py (${err.message}); install python3`));
          return;
        }
        resolve({ code: err ? (err.code as number) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}
