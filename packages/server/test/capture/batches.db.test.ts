import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportFormatError } from '../../src/capture/importers/types.js';
import { importTestContext } from '../helpers/import-context.js';

/** Plain messages (every 5th with an attachment); `id(i)` picks each one's Message-ID. */
function mbox(path: string, n: number, id: (i: number) => string, broken?: number): string {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const head = `From: me@personal.example.com\nTo: you${i}@personal.example.com\nSubject: B${i}\nDate: ${new Date(Date.UTC(2026, 2, 1, 0, i)).toUTCString()}\nMessage-ID: ${id(i)}\nMIME-Version: 1.0\n`;
    const body =
      i === broken
        ? 'not a message\n'
        : i % 5 === 0
          ? `${head}Content-Type: multipart/mixed; boundary="q"\n\n--q\nContent-Type: text/plain\n\nBody ${i}\n--q\nContent-Type: application/pdf; name="f${i}.pdf"\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename="f${i}.pdf"\n\n${Buffer.from(`pdf ${i}`).toString('base64')}\n--q--\n`
          : `${head}Content-Type: text/plain\n\nBody ${i}\n`;
    parts.push(`From me Sun Mar  1 00:00:00 2026\n${body}\n`);
  }
  writeFileSync(path, parts.join('\n'));
  return path;
}

describe('imports larger than one write batch', () => {
  const t = importTestContext('batches');
  const owner = { identifier: 'batches@personal.example.com', ownerEmail: 'potus@us.example.gov' };

  const recordCount = async () =>
    Number(
      (
        await t.ctx.db
          .selectFrom('records')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('dedupes within and across batches, and gives every item and attachment its own record', async () => {
    // Message 700 repeats message 10 (an earlier batch); 701 repeats 700 (the same batch).
    // 240 messages carry an attachment; 700 is one of them and is skipped.
    const p = mbox(join(t.dir, 'a.mbox'), 1200, (i) =>
      i === 700 ? '<b10@x>' : i === 701 ? '<b10@x>' : `<b${i}@x>`,
    );
    const before = await recordCount();
    const r = await t.ctx.capture.importFile(null, 'mbox', p, owner);
    expect(r).toMatchObject({ added: 1198, skipped: 2, attachments: 239 });
    // Items, attachments and the import's audit record: nothing else, nothing twice.
    expect((await recordCount()) - before).toBe(1198 + 239 + 1);
    const items = await t.ctx.db
      .selectFrom('captured_items')
      .innerJoin('records', 'records.id', 'captured_items.record_id')
      .select([
        'captured_items.id',
        'captured_items.source_id',
        'captured_items.summary',
        'records.seq',
        'records.subject',
        'records.kind',
      ])
      .where('captured_items.import_id', '=', r.importId)
      .orderBy('records.seq')
      .execute();
    expect(items).toHaveLength(1198);
    expect(new Set(items.map((i) => i.source_id)).size).toBe(1198);
    for (const i of items) {
      expect(i.subject).toBe(i.id);
      expect(i.kind).toBe('capture.email');
    }
    // File order is log order.
    expect(items.slice(0, 3).map((i) => (i.summary as { subject: string }).subject)).toEqual([
      'B0',
      'B1',
      'B2',
    ]);
    const atts = await t.ctx.db
      .selectFrom('records')
      .select(['subject'])
      .where('kind', '=', 'capture.attachment')
      .where(
        'subject',
        'in',
        items.map((i) => i.id),
      )
      .execute();
    expect(atts).toHaveLength(239);

    const again = await t.ctx.capture.importFile(null, 'mbox', p, owner);
    expect(again).toMatchObject({ added: 0, skipped: 1200, attachments: 0 });
  });

  it('rolls back the whole file when a message in a later batch is broken', async () => {
    const before = await recordCount();
    const p = mbox(join(t.dir, 'b.mbox'), 1100, (i) => `<c${i}@x>`, 1050);
    const err = await t.ctx.capture.importFile(null, 'mbox', p, owner).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportFormatError);
    expect((err as Error).message).toMatch(
      /b\.mbox, message starting at byte \d+: the message has no header block/,
    );
    expect(await recordCount()).toBe(before);
    expect(
      await t.ctx.db.selectFrom('captured_items').select('id').where('source_id', '=', '<c0@x>').execute(),
    ).toHaveLength(0);
  });
});
