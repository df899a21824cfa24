import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@hotline/common';
import { afterAll, describe, expect, it } from 'vitest';
import { type LogToFollow, startDemoWitness } from '../../src/witness/demo-witness.js';

/** On a restart `serve` starts the demo witness at a lower CPU priority, so it does not slow Hotline's start. */
describe('demo witness priority', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const logger = createLogger({ level: 'silent' });

  for (const lowPriority of [true, false]) {
    it(`runs at ${lowPriority ? 'nice 10' : "Hotline's own priority"} when lowPriority is ${lowPriority}`, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'hotline-witness-priority-'));
      dirs.push(dataDir);
      // Never told its log: it waits for it, which is all this test needs.
      const log = new Promise<LogToFollow>(() => {});
      // A stand-in process (the built CLI need not exist when unit tests run): what is tested is
      // the priority the witness process is given, whatever it runs.
      const command = [process.execPath, '-e', 'setInterval(() => {}, 1000)', '--'];
      const w = await startDemoWitness({ dataDir, port: 0, log, lowPriority, command }, logger);
      try {
        expect(getPriority(w.pid)).toBe(lowPriority ? 10 : getPriority());
      } finally {
        await w.close();
      }
    }, 60_000);
  }
});
