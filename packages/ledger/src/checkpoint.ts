import { fromBase64, toBase64 } from './hash.js';
import { NoteError, openNote, type Signer, signNote, type Verifier } from './note.js';

/** C2SP tlog-checkpoint (v1.0.0): origin, decimal tree size, base64 root hash, extensions. */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
}

export function formatCheckpoint(c: Checkpoint): string {
  if (!c.origin || c.origin.includes('\n'))
    throw new NoteError('checkpoint origin must be one non-empty line');
  if (c.root.length !== 32) throw new NoteError('checkpoint root must be 32 bytes');
  if (!(Number.isSafeInteger(c.size) && c.size >= 0))
    throw new NoteError(`checkpoint tree size must be a non-negative integer, got ${c.size}`);
  if (c.extensions.some((e) => e === '' || e.includes('\n')))
    throw new NoteError('checkpoint extension lines must be non-empty single lines');
  return `${c.origin}\n${c.size}\n${toBase64(c.root)}\n${c.extensions.map((e) => `${e}\n`).join('')}`;
}

export function parseCheckpointBody(text: string): Checkpoint {
  const lines = text.split('\n');
  if (lines.length < 4 || lines.at(-1) !== '')
    throw new NoteError('checkpoint must have at least three lines, each ending in a newline');
  const [origin, sizeStr, rootStr, ...rest] = lines.slice(0, -1) as [string, string, string, ...string[]];
  if (!origin) throw new NoteError('checkpoint origin line is empty');
  if (!/^(0|[1-9]\d*)$/.test(sizeStr))
    throw new NoteError(`checkpoint tree size "${sizeStr}" is not a canonical decimal number`);
  const size = Number(sizeStr);
  if (!Number.isSafeInteger(size)) throw new NoteError('checkpoint tree size is too large');
  let root: Uint8Array;
  try {
    root = fromBase64(rootStr);
  } catch {
    throw new NoteError('checkpoint root hash is not base64');
  }
  if (root.length !== 32) throw new NoteError(`checkpoint root hash must be 32 bytes, got ${root.length}`);
  if (rest.some((e) => e === '')) throw new NoteError('checkpoint extension lines must not be empty');
  return { origin, size, root, extensions: rest };
}

export function signCheckpoint(c: Checkpoint, signer: Signer): string {
  return signNote(formatCheckpoint(c), signer);
}

/** Verify a signed checkpoint against a verifier and the expected origin. */
export function openCheckpoint(note: string, verifier: Verifier, origin?: string): Checkpoint {
  const opened = openNote(note, [verifier]);
  const c = parseCheckpointBody(opened.text);
  if (origin !== undefined && c.origin !== origin) {
    throw new NoteError(`checkpoint origin is "${c.origin}", expected "${origin}"`);
  }
  return c;
}
