import { existsSync } from 'node:fs';
import { silentLogger } from '@hotline/common';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import { afterEach, describe, expect, it } from 'vitest';
import { envToConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { ArchiveCipher } from '../../src/records/archive-key.js';
import { newOfficeInput } from '../helpers/builders.js';
import { newTestContext, type TestContext } from '../helpers/test-context.js';

const keys = (origin: string) => ({
  cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
  logSigner: parseSignerKey(generateSignerKey(origin).signer),
});

describe('demo mode refuses production settings', () => {
  let t: TestContext;
  afterEach(async () => t?.close());

  it('refuses a public URL unless HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA is set', async () => {
    t = await newTestContext();
    const cfg = envToConfig({
      dataDir: t.dataDir,
      demo: '1',
      publicUrl: 'https://hotline.example.gov',
      logLevel: 'silent',
    });
    await expect(
      AppContext.fromConfig(cfg, { db: t.ctx.database, logger: silentLogger(), ...keys(cfg.logOrigin) }),
    ).rejects.toThrow(
      /public URL https:\/\/hotline\.example\.gov.*HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA=1/,
    );
    const forced = await AppContext.fromConfig(
      { ...cfg, demoForce: true },
      { db: t.ctx.database, logger: silentLogger(), ...keys(cfg.logOrigin) },
    );
    await forced.close();
  });

  it('refuses to seed personas into a database that holds real offices', async () => {
    t = await newTestContext();
    await t.ctx.identity.createOffice({ operator: 'test operator' }, newOfficeInput({ slug: 'real-office' }));
    const cfg = envToConfig({ dataDir: t.dataDir, demo: '1', logLevel: 'silent' });
    await expect(
      AppContext.fromConfig(cfg, { db: t.ctx.database, logger: silentLogger(), ...keys(cfg.logOrigin) }),
    ).rejects.toThrow(/real offices \(real-office\).*HOTLINE_DEMO_ALLOW_PUBLIC_URL_AND_REAL_DATA=1/);
  });

  it('seeds a database holding only the demo world again (a restart)', async () => {
    t = await newTestContext({ demo: '1' });
    await t.ctx.prepare();
    const cfg = envToConfig({ dataDir: t.dataDir, demo: '1', logLevel: 'silent' });
    const again = await AppContext.fromConfig(cfg, {
      db: t.ctx.database,
      logger: silentLogger(),
      ...keys(cfg.logOrigin),
    });
    await again.prepare();
    await again.close();
  });

  it('never creates keys for a database that already has records', async () => {
    t = await newTestContext();
    await t.ctx.identity.createOffice(
      { operator: 'test operator' },
      newOfficeInput({ slug: 'demo-lookalike' }),
    );
    const cfg = envToConfig({ dataDir: t.dataDir, demo: '1', logLevel: 'silent', demoForce: '1' });
    await expect(AppContext.fromConfig(cfg, { db: t.ctx.database, logger: silentLogger() })).rejects.toThrow(
      new RegExp(`key file ${cfg.archiveKeyFile} is missing.*Restore`),
    );
    expect(existsSync(cfg.archiveKeyFile)).toBe(false);
    await expect(
      AppContext.fromConfig(cfg, {
        db: t.ctx.database,
        logger: silentLogger(),
        cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
      }),
    ).rejects.toThrow(new RegExp(`key file ${cfg.logKeyFile} is missing`));
    expect(existsSync(cfg.logKeyFile)).toBe(false);
  });
});
