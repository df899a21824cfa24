import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBaseline } from '../src/db/baseline.js';
import { openDatabase } from '../src/db/database.js';
import { migrateToLatest, pendingMigrations } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations/index.js';

describe('embedded PGlite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts a new data folder from the baseline: every migration applied, trigram search on', async () => {
    const file = join(dir, 'baseline.tar.gz');
    expect(await writeBaseline(file)).toEqual(Object.keys(migrations));
    const folder = join(dir, 'from-baseline');
    const first = await openDatabase({ pgliteDir: folder, baseline: file });
    expect(existsSync(join(folder, 'PG_VERSION'))).toBe(true);
    expect(await pendingMigrations(first.db)).toEqual([]);
    expect(await migrateToLatest(first.db)).toEqual([]);
    const { rows } = await sql<{
      similarity: number;
    }>`select similarity('Hotline', 'Hotlnie') as similarity`.execute(first.db);
    expect(rows[0]!.similarity).toBeGreaterThan(0.2);
    await first.db
      .insertInto('offices')
      .values({
        id: '0192f0c4-5a1e-7c3d-9b2a-1f2e3d4c5b6b',
        slug: 'from-baseline',
        name: 'Baseline Office',
        country: 'US',
        leader_title: 'President',
        leader_name: 'P',
        time_zone: 'America/New_York',
      })
      .execute();
    await first.close();
    // An existing folder is opened as it is: the baseline is not loaded over it.
    const second = await openDatabase({ pgliteDir: folder, baseline: file });
    const row = await second.db
      .selectFrom('offices')
      .select('name')
      .where('slug', '=', 'from-baseline')
      .executeTakeFirst();
    expect(row?.name).toBe('Baseline Office');
    await second.close();
  }, 300_000);

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
