import { HotlineError, RateLimitError } from '@hotline/common';
import type { UploadKind, UploadLimits } from '../config/upload-limits.js';

/**
 * How many uploads run at once, per person and in all: an upload holds a temp file and an
 * import transaction for its whole length, so a few at a time is what the server carries.
 * `acquire` refuses past either limit (429 with what to do) and returns the release, which
 * may be called more than once.
 */
export class UploadGate {
  private total = 0;
  private readonly byPerson = new Map<string, number>();

  constructor(
    private readonly perPerson: number,
    private readonly overall: number,
  ) {}

  acquire(userId: string): () => void {
    const mine = this.byPerson.get(userId) ?? 0;
    if (mine >= this.perPerson) {
      throw new RateLimitError(
        `You already have ${mine} upload${mine === 1 ? '' : 's'} running, the most one person may run at once. Wait for one to finish, then send this one again.`,
        30,
      );
    }
    if (this.total >= this.overall) {
      throw new RateLimitError(
        `The server is already taking ${this.total} uploads, the most it takes at once. Try again in a minute, or import the file with the CLI.`,
        60,
      );
    }
    this.total++;
    this.byPerson.set(userId, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total--;
      const n = (this.byPerson.get(userId) ?? 1) - 1;
      if (n > 0) this.byPerson.set(userId, n);
      else this.byPerson.delete(userId);
    };
  }

  /** Uploads running now (for tests and ops). */
  running(): number {
    return this.total;
  }
}

function humanSize(bytes: number): string {
  for (const [unit, n] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const)
    if (bytes >= n && bytes % n === 0) return `${bytes / n} ${unit}`;
  return `${bytes} bytes`;
}

/** 413: the upload is over the limit of its kind (or over every kind's, before the kind is known). */
export function uploadTooLarge(limits: UploadLimits, kind: UploadKind | null): HotlineError {
  const limit = kind ? limits[kind] : Math.max(...Object.values(limits));
  return new HotlineError(
    413,
    'upload_too_large',
    'The upload is too large',
    kind
      ? `The ${kind} file is larger than the upload limit for ${kind} exports (${humanSize(limit)}); nothing of it was kept. Import it with the CLI, or split the export.`
      : `The upload is larger than the largest upload allowed (${humanSize(limit)}); nothing of it was kept. Import it with the CLI, or split the export.`,
    { limit, ...(kind ? { kind } : {}) },
  );
}
