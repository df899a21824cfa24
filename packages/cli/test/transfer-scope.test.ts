import { describe, expect, it } from 'vitest';
import { cliTransfer } from '../../server/src/transfer/transfer-jobs.js';
import { scopeOf } from '../src/commands/transfer.js';

/**
 * A transfer the records screen started and that stopped resumes from the command line only if
 * the command names exactly the same scope (the transfer compares them): the command the screen
 * gives, read back by the CLI, is the screen's search, for each scope the screen offers.
 */
describe('the command line a stopped screen transfer gives', () => {
  const flags = (cmd: string) => {
    const o: Record<string, string> = {};
    for (const m of cmd.matchAll(/--(\w+) ("(?:[^"\\]|\\.)*"|\S+)/g))
      o[m[1]!] = m[2]!.startsWith('"') ? JSON.parse(m[2]!) : m[2]!;
    return o;
  };
  for (const search of [
    {},
    { kind: 'call' },
    { from: '2025-01-20T00:00:00.000Z', to: '2029-01-20T23:59:59.999Z' },
    { from: '2025-01-20T00:00:00.000Z' },
    { q: 'summit "trade talks"', kind: 'email', classification: 'presidential' },
  ])
    it(`names the same scope: ${JSON.stringify(search)}`, () => {
      const cmd = cliTransfer(search, '/srv/hotline/transfers/x');
      const o = flags(cmd);
      expect(o.to).toBe('/srv/hotline/transfers/x');
      expect(scopeOf({ scope: o.scope!, ...o })).toEqual(search);
    });
});
