import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchiveCipher, type ArchiveKeyring } from '../../src/records/archive-key.js';
import { ARCHIVE_KEY_OPENED } from '../../src/records/key-custody.js';
import { formatShare, parseShare, splitArchiveKey } from '../../src/records/key-shares.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

/** Opening sealed archive content with custodians' shares: on PGlite and on PostgreSQL. */
let t: TestContext;
let files: string[];
let digest: string;
const key = ArchiveCipher.generateKey();

beforeAll(async () => {
  t = await newTestContext();
  files = (await splitArchiveKey(new Uint8Array(key), ['Ada', 'Ben', 'Cleo'], 2)).map(formatShare);
  // Content sealed under the key the custodians share.
  const sealedUnderShared = t.ctx.records.withCipher(new ArchiveCipher(new Uint8Array(key)));
  const r = await t.ctx.db
    .transaction()
    .execute((tx) =>
      sealedUnderShared.append(tx, { kind: 'memcon.finalized', content: { text: 'the memcon' } }),
    );
  digest = r.digest;
});
afterAll(() => t.close());

const shares = (...i: number[]) => i.map((n) => parseShare(files[n]!, `share-${n + 1}.txt`));
const opened = async () =>
  t.ctx.db
    .selectFrom('records')
    .select(['digest', 'subject'])
    .where('kind', '=', ARCHIVE_KEY_OPENED)
    .execute();

describe('withArchiveKey', () => {
  it('2 of 3 shares open the content for one act, which is a record naming who took part', async () => {
    let used: ArchiveKeyring | undefined;
    const text = await t.ctx.custody.withArchiveKey(
      shares(2, 0),
      { purpose: 'export', detail: 'scope us-potus 2026', by: 'operator@host' },
      async (cipher) => {
        used = cipher;
        const bytes = await t.ctx.records.withCipher(cipher).content(t.ctx.db, digest);
        return new TextDecoder().decode(bytes!);
      },
    );
    expect(JSON.parse(text)).toEqual({ text: 'the memcon' });
    // The key lived only for the act.
    await expect(used!.openSealed(new Uint8Array(40), used!.keyId)).rejects.toThrow(/wiped/);
    const rows = await opened();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.subject).toBe(`archive-key:${new ArchiveCipher(new Uint8Array(key)).keyId}`);
    const content = JSON.parse(
      new TextDecoder().decode((await t.ctx.records.content(t.ctx.db, rows[0]!.digest))!),
    );
    expect(content).toMatchObject({
      purpose: 'export',
      detail: 'scope us-potus 2026',
      by: 'operator@host',
      threshold: 2,
      custodians: [
        { name: 'Cleo', share: 3 },
        { name: 'Ada', share: 1 },
      ],
    });
  });

  it('the key is zeroed even when the act fails', async () => {
    let used: ArchiveKeyring | undefined;
    await expect(
      t.ctx.custody.withArchiveKey(shares(0, 1), { purpose: 'verify' }, async (c) => {
        used = c;
        throw new Error('act failed');
      }),
    ).rejects.toThrow('act failed');
    await expect(used!.sealBatch([new Uint8Array(1)])).rejects.toThrow(/wiped/);
  });

  it('one share, or an altered one, opens nothing and records nothing', async () => {
    const before = (await opened()).length;
    let ran = false;
    const act = async () => {
      ran = true;
    };
    await expect(t.ctx.custody.withArchiveKey(shares(1), { purpose: 'transfer' }, act)).rejects.toThrow(
      /needs 2 of 3 custodians' shares; got 1 \(Ben\)/,
    );
    const bad = shares(0, 1);
    bad[0]!.data[3]! ^= 0xff;
    await expect(t.ctx.custody.withArchiveKey(bad, { purpose: 'access-request' }, act)).rejects.toThrow(
      /wrong or altered/,
    );
    expect(ran).toBe(false);
    expect(await opened()).toHaveLength(before);
  });
});
