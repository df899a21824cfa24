import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { ServerConfig } from '../../src/config/config.js';
import type { AppContext } from '../../src/context.js';
import type { App } from '../../src/http/types.js';
import { ARCHIVE_KEY_OPENED } from '../../src/records/key-custody.js';
import { parseShare } from '../../src/records/key-shares.js';
import { splitState } from '../../src/records/key-split.js';
import { personaFor, personas, sameOrigin, signInAs } from '../helpers/http.js';
import { openSplitKeyFolder, type SplitKeyFolder, splitArchiveKeyOf } from '../helpers/split-key.js';

/**
 * A split server over HTTP (the demo world, its archive key split 2 of 3 after seeding): a
 * transfer without shares is a 409 `archive_sealed` problem naming k of n; a captured email's
 * body is `sealed`; `POST /api/v1/capture/items/:id/open` with 2 shares returns the body and
 * appends an `archive.key-opened` record naming the custodians; with 1 share it is a 400
 * `key_shares_refused` and nothing is written.
 */
let folder: SplitKeyFolder;
let cfg: ServerConfig;
let dataDir: string;
let ctx: AppContext;
let app: App;
let records = '';
let recordsUserId = '';
let keyId = '';
let shareTexts: string[] = [];
let emailId = '';

const open = () => folder.open();
const openings = () =>
  ctx.db
    .selectFrom('records')
    .select(['digest', 'seq', 'actor_id', 'subject'])
    .where('kind', '=', ARCHIVE_KEY_OPENED)
    .orderBy('seq')
    .execute();
const recordCount = async () =>
  Number(
    (
      await ctx.db
        .selectFrom('records')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  folder = await openSplitKeyFolder('hotline-split-http-', { demo: '1', authRateLimit: '1000' });
  ({ cfg, dataDir } = folder);
  // The demo world, sealed under the symmetric key, then `hotline keys split` (server stopped).
  const before = await open();
  await before.prepare();
  ({ keyId, shares: shareTexts } = await splitArchiveKeyOf(before, ['Ada', 'Ben', 'Cleo'], 2));
  await before.close();
  expect(splitState(cfg.archiveKeyFile).state).toBe('split');
  // The server started again on the split folder.
  ctx = await open();
  await ctx.prepare();
  expect(ctx.cipher.canOpen).toBe(false);
  app = sameOrigin(await buildApp(ctx, { webDir: null }));
  recordsUserId = personaFor(await personas(app), 'records').userId;
  records = await signInAs(app, recordsUserId);
  // An email of the office, as the records screen lists it.
  const list = await app.inject({
    url: '/api/v1/capture/compliance/items?kind=email',
    headers: { cookie: records },
  });
  expect(list.statusCode).toBe(200);
  emailId = (list.json() as { itemId: string }[])[0]!.itemId;
}, 600_000);
afterAll(async () => {
  await app?.close();
  await ctx?.close();
  await folder?.remove();
}, 120_000);

describe('a split archive key over HTTP', { timeout: 300_000 }, () => {
  it('a transfer without shares: 409 archive_sealed naming 2 of 3, nothing started', async () => {
    const n0 = await recordCount();
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/archive/transfers',
      headers: { cookie: records },
      payload: { search: {} },
    });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const p = res.json();
    expect(p).toMatchObject({ status: 409, code: 'archive_sealed', keyId, threshold: 2, of: 3 });
    expect(p.detail).toMatch(/needs 2 of the 3 custodians' shares/);
    expect(await recordCount()).toBe(n0);
    expect(existsSync(join(dataDir, 'transfers')) ? readdirSync(join(dataDir, 'transfers')) : []).toEqual([]);
  });

  it("a captured email's body is sealed, naming k of n", async () => {
    const res = await app.inject({ url: `/api/v1/capture/items/${emailId}`, headers: { cookie: records } });
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(v.body).toBeNull();
    expect(v.sealed).toEqual({ keyId, threshold: 2, of: 3 });
  });

  it('k shares open it for this view, recorded with the custodians; k−1 is refused and writes nothing', async () => {
    const n0 = await recordCount();
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/capture/items/${emailId}/open`,
      headers: { cookie: records },
      payload: { shares: [shareTexts[2]!, shareTexts[0]!] },
    });
    expect(res.statusCode).toBe(200);
    const v = res.json();
    expect(typeof v.body).toBe('string');
    expect(v.body.length).toBeGreaterThan(0);
    expect(v.sealed).toBeUndefined();
    expect(await recordCount()).toBe(n0 + 1);
    const rows = await openings();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subject).toBe(`archive-key:${keyId}`);
    expect(rows[0]!.actor_id).toBe(recordsUserId);
    // What the record says, read with two shares (itself a recorded opening).
    const content = await ctx.custody.withArchiveKey(
      [parseShare(shareTexts[1]!, 'b'), parseShare(shareTexts[2]!, 'c')],
      { purpose: 'verify', detail: 'test' },
      async (c) =>
        JSON.parse(
          new TextDecoder().decode((await ctx.records.withCipher(c).content(ctx.db, rows[0]!.digest))!),
        ),
    );
    expect(content).toMatchObject({
      purpose: 'view',
      detail: `captured item ${emailId}`,
      keyId,
      threshold: 2,
      custodians: [
        { name: 'Cleo', share: 3 },
        { name: 'Ada', share: 1 },
      ],
    });
    // The body is shown for that view only.
    const again = await app.inject({ url: `/api/v1/capture/items/${emailId}`, headers: { cookie: records } });
    expect(again.json().body).toBeNull();

    const n1 = await recordCount();
    const one = await app.inject({
      method: 'POST',
      url: `/api/v1/capture/items/${emailId}/open`,
      headers: { cookie: records },
      payload: { shares: [shareTexts[1]!] },
    });
    expect(one.statusCode).toBe(400);
    expect(one.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(one.json()).toMatchObject({ status: 400, code: 'key_shares_refused' });
    expect(one.json().detail).toMatch(/needs 2 of 3 custodians' shares; got 1 \(Ben\)/);
    expect(await recordCount()).toBe(n1);
  });
});
