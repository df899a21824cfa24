import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { ImportFormatError } from './types.js';

export interface ZipLimits {
  /** total uncompressed bytes allowed */
  maxTotalBytes: number;
  /** largest uncompressed/compressed ratio allowed for an entry (zip bombs compress > 1000:1) */
  maxRatio: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxTotalBytes: 2 * 1024 ** 3,
  maxRatio: 200,
  maxEntries: 200_000,
};

/**
 * Extract the entries of a zip that `want(name)` selects into a fresh temp folder, refusing
 * paths that escape it (absolute, "..", backslashes) and zip bombs (total size, compression
 * ratio, and actual bytes beyond the declared size). Returns the folder.
 */
export async function extractZip(
  path: string,
  want: (name: string) => boolean,
  limits: ZipLimits = DEFAULT_ZIP_LIMITS,
): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'hotline-zip-'));
  try {
    await extractInto(path, out, want, limits);
    return out;
  } catch (err) {
    // A refused or broken archive leaves nothing behind: the caller never sees the folder.
    rmSync(out, { recursive: true, force: true });
    throw err;
  }
}

async function extractInto(
  path: string,
  out: string,
  want: (name: string) => boolean,
  limits: ZipLimits,
): Promise<void> {
  const file = basename(path);
  let zip: yauzl.ZipFile;
  try {
    zip = await new Promise<yauzl.ZipFile>((res, rej) =>
      yauzl.open(path, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (e, z) =>
        e ? rej(e) : res(z),
      ),
    );
  } catch (err) {
    throw new ImportFormatError(file, 'byte 0', `not a readable zip archive (${(err as Error).message})`);
  }
  let total = 0;
  let count = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', (e: Error) => {
        // yauzl itself refuses entry names that are absolute or climb out with "..".
        const escaping = /invalid relative path|absolute path/i.exec(e.message);
        reject(
          new ImportFormatError(
            file,
            escaping ? `entry "${e.message.split(': ').pop()}"` : 'zip directory',
            escaping ? 'the path escapes the archive folder' : `the archive is corrupt (${e.message})`,
          ),
        );
      });
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          const name = entry.fileName;
          if (++count > limits.maxEntries)
            throw new ImportFormatError(file, `entry ${count}`, `more than ${limits.maxEntries} entries`);
          if (
            name.startsWith('/') ||
            name.includes('\\') ||
            /^[a-zA-Z]:/.test(name) ||
            name.split('/').includes('..')
          ) {
            throw new ImportFormatError(file, `entry "${name}"`, 'the path escapes the archive folder');
          }
          if (name.endsWith('/') || !want(name)) return zip.readEntry();
          if (entry.compressedSize > 0 && entry.uncompressedSize / entry.compressedSize > limits.maxRatio) {
            throw new ImportFormatError(
              file,
              `entry "${name}"`,
              `compression ratio ${Math.round(entry.uncompressedSize / entry.compressedSize)}:1 looks like a zip bomb`,
            );
          }
          total += entry.uncompressedSize;
          if (total > limits.maxTotalBytes)
            throw new ImportFormatError(
              file,
              `entry "${name}"`,
              `the archive would expand beyond ${limits.maxTotalBytes} bytes`,
            );
          const target = join(out, name);
          mkdirSync(dirname(target), { recursive: true });
          const stream = await new Promise<NodeJS.ReadableStream>((res, rej) =>
            zip.openReadStream(entry, (e, s) => (e ? rej(e) : res(s))),
          );
          let seen = 0;
          const guard = new Transform({
            transform(chunk: Buffer, _enc, cb) {
              seen += chunk.length;
              if (seen > entry.uncompressedSize)
                cb(new ImportFormatError(file, `entry "${name}"`, 'more data than its declared size'));
              else cb(null, chunk);
            },
          });
          await pipeline(stream, guard, createWriteStream(target));
          zip.readEntry();
        })().catch((err: unknown) => {
          zip.close();
          reject(
            err instanceof ImportFormatError
              ? err
              : new ImportFormatError(file, `entry "${entry.fileName}"`, (err as Error).message),
          );
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
