import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePlaintext, readArchiveKey } from '../src/commands/messages.js';

const dir = mkdtempSync(join(tmpdir(), 'hotline-messages-cli-'));
const key = Buffer.alloc(32, 7).toString('base64');
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('hotline messages open-archive: its inputs', () => {
  it('reads the demo key file and a bare base64 key', () => {
    const json = file(
      'a.key',
      JSON.stringify({ kind: 'hotline-messaging-archive/1', officeId: 'o1', privateKey: key }),
    );
    expect(Buffer.from(readArchiveKey(json, 'o1')).toString('base64')).toBe(key);
    expect(Buffer.from(readArchiveKey(file('b.key', `${key}\n`), 'o1')).toString('base64')).toBe(key);
  });

  it('refuses another office’s key, another kind of file, a short key and a missing file, naming the file', () => {
    const other = file(
      'c.key',
      JSON.stringify({ kind: 'hotline-messaging-archive/1', officeId: 'o2', privateKey: key }),
    );
    expect(() => readArchiveKey(other, 'o1')).toThrow(/office o2's archive key, not office o1's/);
    expect(() => readArchiveKey(file('d.key', '{"kind":"other"}'), 'o1')).toThrow(
      /d\.key: not a messaging archive key/,
    );
    expect(() => readArchiveKey(file('e.key', 'AAAA'), 'o1')).toThrow(/e\.key: expected a 32-byte/);
    expect(() => readArchiveKey(join(dir, 'none.key'), 'o1')).toThrow(/none\.key: cannot be read/);
  });

  it('shows what the staff app sent as one line, and other plaintext as it is', () => {
    const enc = (o: unknown) => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));
    expect(describePlaintext(enc({ t: 'text', id: 'm1', from: { personId: 'p1' }, text: 'hello' }))).toBe(
      'p1: hello',
    );
    expect(
      describePlaintext(
        enc({
          t: 'text',
          id: 'm2',
          from: { personId: 'p1' },
          text: 'see',
          replyTo: 'm1',
          file: { name: 'a.pdf', size: 3 },
        }),
      ),
    ).toBe('p1: (replies to m1) see [file a.pdf, 3 bytes]');
    expect(
      describePlaintext(enc({ t: 'edit', id: 'm3', from: { personId: 'p1' }, target: 'm1', text: 'hi' })),
    ).toBe('p1: (edits m1) hi');
    expect(describePlaintext(enc('plain words'))).toBe('plain words');
  });
});
