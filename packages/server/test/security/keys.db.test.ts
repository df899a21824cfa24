import { readFileSync } from 'node:fs';
import { silentLogger } from '@hotline/common';
import {
  generateSignerKey,
  openNote,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyString,
} from '@hotline/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { AppContext } from '../../src/context.js';
import { ArchiveCipher } from '../../src/records/archive-key.js';
import { countStaleSealed, resealArchive, transitionCosigners } from '../../src/records/key-rotation.js';
import { LogService } from '../../src/records/log-service.js';
import { RecordsService } from '../../src/records/records-service.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

describe('keys', () => {
  let t: TestContext;
  afterEach(async () => t?.close());

  it('signs cookies with its own session key, not a secret derived from the archive key', async () => {
    t = await newTestContext();
    const secret = readFileSync(t.cfg.sessionKeyFile, 'utf8').trim();
    expect(t.ctx.sessionSecret).toBe(secret);
    expect(Buffer.from(secret, 'base64')).toHaveLength(32);
    const again = await AppContext.fromConfig(t.cfg, {
      db: t.ctx.database,
      logger: silentLogger(),
      cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
      logSigner: parseSignerKey(generateSignerKey(t.cfg.logOrigin).signer),
    });
    expect(again.sessionSecret).toBe(secret);
    await again.close();
  });

  it('rotates the archive key: old content stays readable, then everything is re-sealed under the new key', async () => {
    t = await newTestContext();
    const old = t.ctx.cipher as ArchiveCipher;
    const append = (records: RecordsService, n: number, from: number) =>
      t.ctx.db.transaction().execute((tx) =>
        records.appendMany(
          tx,
          Array.from({ length: n }, (_, i) => ({ kind: 'test.note', content: { n: from + i } })),
        ),
      );
    const before = await append(t.ctx.records, 5, 0);
    const next = new ArchiveCipher(ArchiveCipher.generateKey()).withRetired([old]);
    expect(next.keyId).not.toBe(old.keyId);
    const records = new RecordsService(t.clock, next);
    const after = await append(records, 2, 100);
    expect(await countStaleSealed(t.ctx.db, next)).toBe(5);
    for (const r of [...before, ...after]) expect(await records.content(t.ctx.db, r.digest)).not.toBeNull();

    const progress: [number, number][] = [];
    expect(await resealArchive(t.ctx.db, next, (d, n) => progress.push([d, n]), 2)).toBe(5);
    expect(progress.at(0)).toEqual([0, 5]);
    expect(progress.at(-1)).toEqual([5, 5]);
    expect(await countStaleSealed(t.ctx.db, next)).toBe(0);
    // Without the retired key everything still opens: it is no longer needed.
    const onlyNew = new RecordsService(t.clock, next.withRetired([]));
    for (const r of before) {
      const bytes = await onlyNew.content(t.ctx.db, r.digest);
      expect(JSON.parse(Buffer.from(bytes!).toString())).toHaveProperty('n');
    }
  });

  it('rotates the log key: both keys sign during the transition, only the new one after', async () => {
    t = await newTestContext();
    const origin = t.cfg.logOrigin;
    const oldSigner = parseSignerKey(generateSignerKey(origin).signer);
    const newSigner = parseSignerKey(generateSignerKey(origin).signer);
    const until = new Date(t.clock.now().getTime() + 86_400_000);
    const log = new LogService(
      t.ctx.db,
      {
        origin,
        signer: newSigner,
        cosigners: transitionCosigners({
          signer: oldSigner,
          verifierKey: verifierKeyString(oldSigner.name, oldSigner.publicKey),
          until,
        }),
      },
      t.clock,
      silentLogger(),
    );
    const oldV = parseVerifierKey(verifierKeyString(oldSigner.name, oldSigner.publicKey));
    const newV = parseVerifierKey(log.verifierKey);
    const appendOne = (n: number) =>
      t.ctx.db.transaction().execute((tx) => t.ctx.records.append(tx, { kind: 'test.note', content: { n } }));

    await appendOne(1);
    await log.integrateAll();
    const during = (await log.latestCheckpoint())!.note;
    expect(during.match(/^— /gm)).toHaveLength(2);
    expect(openNote(during, [oldV]).verifiedBy).toHaveLength(1);
    expect(openNote(during, [newV]).verifiedBy).toHaveLength(1);

    t.clock.advance(2 * 86_400_000);
    await appendOne(2);
    await log.integrateAll();
    const afterwards = (await log.latestCheckpoint())!.note;
    expect(afterwards.match(/^— /gm)).toHaveLength(1);
    expect(() => openNote(afterwards, [oldV])).toThrow(/no signature from a known key/);
    expect(openNote(afterwards, [newV]).verifiedBy).toHaveLength(1);
  });
});
