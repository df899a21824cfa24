import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConflictError } from '@hotline/common';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stageImport } from '../../src/capture/import-pipeline.js';
import { PUBLISH_CHUNK } from '../../src/capture/import-publish.js';
import { ImportFormatError } from '../../src/capture/importers/types.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/** n plain messages, every 5th with an attachment; message `broken` has no header block. */
function mbox(path: string, n: number, prefix: string, broken?: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const head = `From: me@personal.example.com\nTo: you${i}@personal.example.com\nSubject: S${i}\nDate: ${new Date(Date.UTC(2026, 2, 1, 0, i)).toUTCString()}\nMessage-ID: <${prefix}${i}@x>\nMIME-Version: 1.0\n`;
    const body =
      i === broken
        ? 'not a message\n'
        : i % 5 === 0
          ? `${head}Content-Type: multipart/mixed; boundary="q"\n\n--q\nContent-Type: text/plain\n\nBody ${i}\n--q\nContent-Type: application/pdf; name="f${i}.pdf"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="f${i}.pdf"\n\n${Buffer.from(`pdf ${prefix} ${i}`).toString('base64')}\n--q--\n`
          : `${head}Content-Type: text/plain\n\nBody ${prefix} ${i}\n`;
    parts.push(`From me Sun Mar  1 00:00:00 2026\n${body}\n`);
  }
  writeFileSync(path, parts.join('\n'));
  return path;
}

describe('imports staged outside the log lock, published in short transactions', () => {
  // No demo seed: one office and one person are all these tests need (and the context is ready
  // sooner on a busy machine).
  let t: TestContext & { dir: string };
  beforeAll(async () => {
    const c = await newTestContext();
    await c.ctx.prepare();
    const office = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a';
    await c.ctx.db
      .insertInto('offices')
      .values({
        id: office,
        slug: 'staged',
        name: 'Staged',
        country: 'US',
        leader_title: 'P',
        leader_name: 'P',
        time_zone: 'America/New_York',
      })
      .execute();
    await c.ctx.db
      .insertInto('users')
      .values({
        id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6b',
        office_id: office,
        email: 'potus@us.example.gov',
        display_name: 'Leader',
        title: 'P',
        time_zone: 'America/New_York',
        roles: ['principal'],
        status: 'active',
        demo_persona: false,
      })
      .execute();
    t = Object.assign(c, { dir: mkdtempSync(join(tmpdir(), 'hotline-staged-')) });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
    if (t?.dir) rmSync(t.dir, { recursive: true, force: true });
  });
  const count = async (table: string) =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.ctx.db)).rows[0]!.n,
    );
  const stagingEmpty = async () => {
    for (const table of [
      'record_staging',
      'record_staging_content',
      'capture_import_staging',
      'captured_item_staging',
    ])
      expect(await count(table), table).toBe(0);
  };
  const deps = () => ({ db: t.ctx.db, records: t.ctx.records, clock: t.ctx.clock });

  it('a file that fails to parse in a later batch leaves nothing: no records, staging or new account', async () => {
    const records = await count('records');
    const p = mbox(join(t.dir, 'broken.mbox'), 1100, 'k', 1050);
    const owner = { identifier: 'new.account@personal.example.com', ownerEmail: 'potus@us.example.gov' };
    await expect(t.ctx.capture.importFile(null, 'mbox', p, owner)).rejects.toBeInstanceOf(ImportFormatError);
    expect(await count('records')).toBe(records);
    await stagingEmpty();
    const acct = await t.ctx.db
      .selectFrom('capture_accounts')
      .select('id')
      .where('identifier', '=', owner.identifier)
      .execute();
    expect(acct).toHaveLength(0);
  });

  it('a sealed import is invisible until published; a crash before publishing loses nothing', async () => {
    const owner = { identifier: 'staged@personal.example.com', ownerEmail: 'potus@us.example.gov' };
    const p = mbox(join(t.dir, 'whole.mbox'), 1200, 's');
    const records = await count('records');
    // Steps 1-3 only: what a process that crashed right after parsing leaves behind.
    const { result } = await stageImport(deps(), null, 'mbox', p, owner);
    expect(result).toMatchObject({ added: 1200, attachments: 240 });
    expect(1200 + 240).toBeGreaterThan(PUBLISH_CHUNK); // published in more than one chunk
    expect(await count('records')).toBe(records);
    expect(await count('captured_item_staging')).toBe(1200);
    const visible = await t.ctx.db
      .selectFrom('captured_items')
      .select('id')
      .where('import_id', '=', result.importId)
      .execute();
    expect(visible).toHaveLength(0);

    // Another import of the same account waits its turn instead of staging the same items twice.
    const second = await t.ctx.capture.importFile(null, 'mbox', p, owner).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ConflictError);
    expect((second as Error).message).toMatch(/Another import of staged@personal\.example\.com is under way/);

    // The restart: the sealed import is published whole, once.
    expect(await t.ctx.capture.finishLeftoverImports()).toEqual({ published: 1, dropped: 0 });
    expect(await t.ctx.capture.finishLeftoverImports()).toEqual({ published: 0, dropped: 0 });
    await stagingEmpty();
    expect(await count('records')).toBe(records + 1200 + 240 + 1);
    const items = await t.ctx.db
      .selectFrom('captured_items')
      .innerJoin('records', 'records.id', 'captured_items.record_id')
      .select(['captured_items.id', 'captured_items.record_seq', 'records.seq', 'records.subject'])
      .where('captured_items.import_id', '=', result.importId)
      .execute();
    expect(items).toHaveLength(1200);
    for (const i of items) {
      expect(Number(i.record_seq)).toBe(Number(i.seq));
      expect(i.subject).toBe(i.id);
    }
    const imp = await t.ctx.db
      .selectFrom('capture_imports')
      .selectAll()
      .where('id', '=', result.importId)
      .executeTakeFirstOrThrow();
    expect(imp).toMatchObject({ added: 1200, skipped: 0, file_name: 'whole.mbox' });
    const audit = await t.ctx.db
      .selectFrom('records')
      .select('kind')
      .where('subject', '=', result.importId)
      .execute();
    expect(audit.map((a) => a.kind)).toEqual(['audit.capture.imported']);
    // The sequence stays dense: every number from 0 to next_seq - 1 is one record.
    const state = await t.ctx.db.selectFrom('log_state').select('next_seq').executeTakeFirstOrThrow();
    expect(await count('records')).toBe(Number(state.next_seq));

    // And the account imports again as normal, finding everything already held.
    const again = await t.ctx.capture.importFile(null, 'mbox', p, owner);
    expect(again).toMatchObject({ added: 0, skipped: 1200 });
  });

  it('an import abandoned while parsing is dropped at the next start once stale', async () => {
    const owner = { identifier: 'abandoned@personal.example.com', ownerEmail: 'potus@us.example.gov' };
    const p = mbox(join(t.dir, 'abandoned.mbox'), 30, 'a');
    const { result } = await stageImport(deps(), null, 'mbox', p, owner);
    // As if the process died before sealing, twenty minutes ago.
    const twentyMinutesAgo = new Date(t.ctx.clock.now().getTime() - 20 * 60_000);
    await sql`update capture_import_staging set state = 'staging', updated_at = ${twentyMinutesAgo}
      where id = ${result.importId}::uuid`.execute(t.ctx.db);
    expect(await t.ctx.capture.finishLeftoverImports()).toEqual({ published: 0, dropped: 1 });
    await stagingEmpty();
    const acct = await t.ctx.db
      .selectFrom('capture_accounts')
      .select('id')
      .where('identifier', '=', owner.identifier)
      .execute();
    expect(acct).toHaveLength(0);
  });
});
