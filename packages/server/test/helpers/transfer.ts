import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppContext } from '../../src/context.js';
import type { Actor } from '../../src/policy/policy.js';
import { newActor, officeIdBySlug } from './builders.js';

/** Scratch folders under the system's temporary folder, each new one named with `prefix`; `remove` deletes them all. */
export function scratchDirs(prefix: string): { scratch(): string; remove(): void } {
  const dirs: string[] = [];
  return {
    scratch: () => {
      const d = mkdtempSync(join(tmpdir(), prefix));
      dirs.push(d);
      return d;
    },
    remove: () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}

/**
 * The demo's us-potus office as transfer tests use it (on a context opened with demo '1' and
 * prepared): a new records officer, a new staff member, and the office's first user as the owner
 * of imported email.
 */
export async function usPotusTransferActors(ctx: AppContext): Promise<{
  office: string;
  us: Actor;
  usStaff: Actor;
  owner: { id: string; email: string };
}> {
  const office = await officeIdBySlug(ctx, 'us-potus');
  const us = await newActor(ctx, office, ['records']);
  const usStaff = await newActor(ctx, office, ['staff']);
  const owner = await ctx.db
    .selectFrom('users')
    .select(['id', 'email'])
    .where('office_id', '=', office)
    .executeTakeFirstOrThrow();
  return { office, us, usStaff, owner };
}

/** One part of a multipart/mixed email: with a filename, an attachment. */
export interface EmlPart {
  contentType: string;
  filename?: string;
  body: string[];
}

/**
 * Write a multipart/mixed email to the President at `path` (CRLF lines) and import it into the
 * archive as a personal account's email owned by `ownerEmail`.
 */
export async function importMultipartEml(
  ctx: AppContext,
  path: string,
  email: {
    from: string;
    subject: string;
    date: string;
    messageId: string;
    boundary: string;
    parts: EmlPart[];
  },
  account: { identifier: string; ownerEmail: string },
): Promise<void> {
  writeFileSync(
    path,
    [
      `From: ${email.from}`,
      'To: President <potus@personal.example.com>',
      `Subject: ${email.subject}`,
      `Date: ${email.date}`,
      `Message-ID: ${email.messageId}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${email.boundary}"`,
      '',
      ...email.parts.flatMap((p) => [
        `--${email.boundary}`,
        `Content-Type: ${p.contentType}`,
        ...(p.filename ? [`Content-Disposition: attachment; filename="${p.filename}"`] : []),
        '',
        ...p.body,
      ]),
      `--${email.boundary}--`,
      '',
    ].join('\r\n'),
  );
  await ctx.capture.importFile(null, 'eml', path, { ...account, official: false });
}
