import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest, pendingMigrations } from '../src/db/migrate.js';

describe('embedded PGlite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps data and migration state across restarts', async () => {
    const first = await openDatabase({ pgliteDir: join(dir, 'db') });
    const applied = await migrateToLatest(first.db);
    expect(applied).toContain('001-init');
    await first.db
      .insertInto('offices')
      .values({
        id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6a',
        slug: 'persisted',
        name: 'Persisted Office',
        country: 'US',
        leader_title: 'President',
        leader_name: 'P',
        time_zone: 'America/New_York',
      })
      .execute();
    await first.close();

    const second = await openDatabase({ pgliteDir: join(dir, 'db') });
    expect(await pendingMigrations(second.db)).toEqual([]);
    expect(await migrateToLatest(second.db)).toEqual([]);
    const row = await second.db
      .selectFrom('offices')
      .select('name')
      .where('slug', '=', 'persisted')
      .executeTakeFirst();
    expect(row?.name).toBe('Persisted Office');
    await second.close();
  });
});
