import { PushbackError } from '@hotline/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.js';
import { ArchiveCipher } from '../src/records/archive-key.js';
import { RecordsService } from '../src/records/records-service.js';
import { openTestDatabase } from './helpers/test-context.js';

describe('RecordsService.appendMany', () => {
  let h: Awaited<ReturnType<typeof openTestDatabase>>;
  const cipher = new ArchiveCipher(ArchiveCipher.generateKey());
  const clock = { now: () => new Date('2026-03-02T14:00:00.000Z') };
  beforeAll(async () => {
    h = await openTestDatabase();
    await migrateToLatest(h.db);
  });
  afterAll(() => h.drop());

  it('stores every column, the envelope bytes and the content, with dense indexes', async () => {
    const office = '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6d';
    const out = await h.db.transaction().execute((tx) =>
      new RecordsService(clock, cipher).appendMany(tx, [
        { kind: 'test.one', content: { a: 1 } },
        { kind: 'test.two, with "quotes"', office, actor: office, subject: 'a,b\nc', content: { a: 1 } },
        { kind: 'test.three', prev: office, content: new Uint8Array([1, 2, 3]), subject: '' },
      ]),
    );
    expect(out.map((r) => r.seq)).toEqual([0, 1, 2]);
    expect(out[0]!.digest).toBe(out[1]!.digest);
    const rows = await h.db.selectFrom('records').selectAll().orderBy('seq').execute();
    expect(rows).toHaveLength(3);
    for (const [i, r] of rows.entries()) {
      const e = out[i]!.envelope;
      expect(r.id).toBe(e.id);
      expect(r.kind).toBe(e.kind);
      expect(new Date(r.at).toISOString()).toBe(e.at);
      expect(r.office_id).toBe(e.office);
      expect(r.actor_id).toBe(e.actor);
      expect(r.subject).toBe(e.subject);
      expect(r.digest).toBe(e.digest);
      expect(r.prev).toBe(e.prev ?? null);
      expect(JSON.parse(new TextDecoder().decode(r.envelope))).toEqual(e);
    }
    expect(rows[1]!.subject).toBe('a,b\nc');
    expect(rows[2]!.subject).toBe('');
    const svc = new RecordsService(clock, cipher);
    expect(await svc.content(h.db, out[2]!.digest)).toEqual(new Uint8Array([1, 2, 3]));
    expect(await h.db.selectFrom('record_content').select('digest').execute()).toHaveLength(2);
  });

  it('refuses a non-UUID in a uuid column before sequencing', async () => {
    await expect(
      h.db
        .transaction()
        .execute((tx) =>
          new RecordsService(clock, cipher).appendMany(tx, [
            { kind: 'test.bad', office: 'x,y', content: null },
          ]),
        ),
    ).rejects.toThrow(/UUID/);
  });

  it('pushes back without taking a number, so a caught PushbackError leaves no gap', async () => {
    const tight = new RecordsService(clock, cipher, { maxPending: 2 });
    const state = () => h.db.selectFrom('log_state').select('next_seq').executeTakeFirstOrThrow();
    const before = Number((await state()).next_seq);
    await h.db.transaction().execute(async (tx) => {
      await expect(tight.append(tx, { kind: 'test.more', content: 1 })).rejects.toBeInstanceOf(PushbackError);
    });
    expect(Number((await state()).next_seq)).toBe(before);
    const more = await h.db
      .transaction()
      .execute((tx) => new RecordsService(clock, cipher).append(tx, { kind: 'test.more', content: 2 }));
    expect(more.seq).toBe(before);
  });
});
