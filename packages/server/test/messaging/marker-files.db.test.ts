import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ManualClock } from '@hotline/common';
import { encryptMessage, RecordsMember, sealForArchive } from '@hotline/e2ee';
import { generateSignerKey, parseSignerKey } from '@hotline/ledger';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { envToConfig } from '../../src/config/config.js';
import { AppContext } from '../../src/context.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ArchiveCipher } from '../../src/records/archive-key.js';
import { newActor, newOfficeInput } from '../helpers/builders.js';
import { b64, messagingDevices, publishRecordsMember, startConversation } from '../helpers/messaging.js';

/**
 * The embedded database's files and the server's logs (at debug level, every request logged):
 * after messages with unique markers go through the HTTP API and the records member, no marker
 * is in any file of the data dir (PGlite's files included) or any log line.
 */

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('markers in files and logs', () => {
  it.runIf(process.env.HOTLINE_TEST_DB !== 'postgres')(
    'leaves no marker in the PGlite data dir or the server log',
    async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hotline-markers-'));
      const logs: string[] = [];
      const logger = pino(
        { level: 'debug' },
        new Writable({
          write(chunk, _enc, done) {
            logs.push(String(chunk));
            done();
          },
        }),
      );
      const cfg = envToConfig({ dataDir, demo: '0', logLevel: 'debug' });
      const db = await openDatabase({ pgliteDir: join(dataDir, 'db') });
      const ctx = await AppContext.fromConfig(cfg, {
        db,
        clock: new ManualClock('2026-03-02T14:00:00Z'),
        logger,
        cipher: new ArchiveCipher(ArchiveCipher.generateKey()),
        logSigner: parseSignerKey(generateSignerKey(cfg.logOrigin).signer),
      });
      await migrateToLatest(ctx.db);
      const app = await buildApp(ctx, { webDir: null });
      try {
        // A control: a marker stored in plain text (an office's name) is found by the same scan.
        const control = `CONTROLMARK-${Math.random().toString(36).slice(2)}`;
        const office = (
          await ctx.identity.createOffice({ operator: 'test' }, newOfficeInput({ name: control }))
        ).id;
        const alice = await newActor(ctx, office, ['staff']);
        const officer = await newActor(ctx, office, ['records']);
        const devices = messagingDevices(() => ctx);
        const { bundle: recKp, archive, signatureKey } = await publishRecordsMember(ctx, officer);
        const directory = new Map([[office, signatureKey]]);
        const c = await startConversation(ctx, devices, alice, 'phone', directory, [
          { recordsOfficeId: office },
        ]);
        const g = { id: c.groupId };
        let s = c.session;
        const member = new RecordsMember(office, recKp, directory);
        await member.join((await ctx.messagingQueries.welcomesForRecords(office))[0]!.data);
        const markers = Array.from(
          { length: 4 },
          (_, i) => `FILEMARK-${Math.random().toString(36).slice(2)}-${i}`,
        );
        for (const m of markers) {
          const e = await encryptMessage(s, new TextEncoder().encode(m));
          s = e.session;
          const stored = await ctx.messaging.postMessage(alice, g.id, b64(e.message));
          const ev = await member.handle(g.id, e.message);
          if (ev.kind !== 'application') throw new Error('expected an application message');
          const sealed = await sealForArchive(archive.publicKey, ev.plaintext, {
            groupId: g.id,
            epoch: ev.epoch,
            seq: stored.seq,
          });
          await ctx.recordsArchive.archive(office, { groupId: g.id, seq: stored.seq, sealed });
        }
        // Reads over HTTP too, so the request log has something to say.
        app.log.debug({ groupId: g.id }, 'reading the conversation');
        await ctx.log.integrateAll();
        await db.db
          .executeQuery({ sql: 'checkpoint', parameters: [], query: { kind: 'RawNode' } } as never)
          .catch(() => {});
        await app.close();
        await ctx.close();
        await db.close();
        const files = filesUnder(dataDir);
        let bytes = 0;
        for (const f of files) {
          const content = readFileSync(f);
          bytes += statSync(f).size;
          for (const m of markers) expect(content.includes(m), `${m} in ${f}`).toBe(false);
        }
        expect(bytes).toBeGreaterThan(1_000_000);
        expect(files.some((f) => readFileSync(f).includes(control))).toBe(true);
        expect(logs.length).toBeGreaterThan(0);
        for (const line of logs) for (const m of markers) expect(line).not.toContain(m);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
