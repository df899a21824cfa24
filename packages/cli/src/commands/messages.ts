import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fail } from '../config.js';
import { server } from '../lazy.js';
import { usingContext } from './admin.js';
import { operatorName, readShares } from './keys-split.js';

/** The archive private key from its file: the demo's JSON key file, or the key alone in base64. */
export function readArchiveKey(file: string, officeId: string): Uint8Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`--key ${file}: cannot be read (${(err as Error).message})`);
  }
  let b64 = text;
  if (text.startsWith('{')) {
    const o = JSON.parse(text) as { kind?: string; officeId?: string; privateKey?: string };
    if (o.kind !== 'hotline-messaging-archive/1' || typeof o.privateKey !== 'string')
      throw new Error(`--key ${file}: not a messaging archive key file (kind hotline-messaging-archive/1)`);
    if (o.officeId && o.officeId !== officeId)
      throw new Error(`--key ${file}: this is office ${o.officeId}'s archive key, not office ${officeId}'s`);
    b64 = o.privateKey;
  }
  const key = Buffer.from(b64, 'base64');
  if (key.length !== 32 || key.toString('base64') !== b64)
    throw new Error(`--key ${file}: expected a 32-byte X25519 private key in base64`);
  return new Uint8Array(key);
}

/** What the staff app sends inside a message (a small JSON object), as one readable line. */
export function describePlaintext(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  try {
    const p = JSON.parse(text) as {
      t?: string;
      from?: { personId?: string; deviceId?: string };
      text?: string;
      replyTo?: string;
      target?: string;
      file?: { name?: string; size?: number };
    };
    const who = p.from?.personId ? `${p.from.personId}: ` : '';
    if (p.t === 'edit') return `${who}(edits ${p.target}) ${p.text ?? ''}`;
    if (p.t === 'text')
      return `${who}${p.replyTo ? `(replies to ${p.replyTo}) ` : ''}${p.text ?? ''}${p.file ? ` [file ${p.file.name}, ${p.file.size} bytes]` : ''}`;
  } catch {
    // not JSON: the plaintext as it is
  }
  return text;
}

interface Opts {
  office: string;
  key?: string;
  shares?: string[];
  conversation?: string;
  json?: boolean;
}

/**
 * `hotline messages open-archive`: read an office's archived messages with its archive private
 * key (the records custodians'), each with its record in the log. The server holds only the sealed
 * copies; without the key nothing here is readable. Once `hotline keys split` has taken the
 * office's key under the split of the archive key, it opens with k custodians' shares instead
 * (`--shares`), recorded with who took part; a key file is then refused.
 */
export function messagesCommands(program: Command): void {
  const messages = program.command('messages').description('End-to-end encrypted messaging: its archive.');
  messages
    .command('open-archive')
    .description("Open an office's archived messages with its archive private key, in log order.")
    .requiredOption('--office <id>', 'the office whose archive to open')
    .option(
      '--key <file>',
      'its archive private key, while it is not under the split (the demo keeps it in <data>/demo-records-custodians/<office>/archive.key)',
    )
    .option(
      '--shares <files...>',
      "k custodians' share files: needed once hotline keys split has taken the office's key under the split (the opening is recorded with who took part)",
    )
    .option('--conversation <id>', 'only this conversation')
    .option('--json', 'one JSON object per line (plaintext as UTF-8 text)')
    .action(async (opts: Opts) => {
      try {
        const shares = opts.shares?.length
          ? readShares(opts.shares.flatMap((f) => f.split(',')).filter((f) => f.trim()))
          : null;
        await usingContext(async (ctx) => {
          const {
            openMessagingArchive,
            openMessagingArchiveWithShares,
            sealedMessagingKeys,
            messagingArchiveSealedError,
          } = await server();
          const underSplit = (await sealedMessagingKeys(ctx.db, opts.office)).length > 0;
          let opened: Awaited<ReturnType<typeof openMessagingArchive>>;
          if (shares) {
            // With --key too: an office whose key is not under the split, on a split server (the
            // records' content needs the shares, the messages the key file).
            if (opts.key && underSplit)
              throw new Error(
                `office ${opts.office}'s messaging archive key is under the split: give --shares only, not --key`,
              );
            const key = opts.key ? readArchiveKey(opts.key, opts.office) : undefined;
            try {
              opened = await openMessagingArchiveWithShares(ctx, opts.office, shares, {
                by: operatorName(),
                ...(opts.conversation ? { groupId: opts.conversation } : {}),
                ...(key ? { key } : {}),
              });
            } finally {
              key?.fill(0);
            }
          } else {
            if (underSplit) throw messagingArchiveSealedError(ctx, opts.office);
            if (!opts.key)
              throw new Error(
                `opening office ${opts.office}'s messaging archive needs its archive private key: --key FILE`,
              );
            const key = readArchiveKey(opts.key, opts.office);
            try {
              opened = await openMessagingArchive(ctx, opts.office, key, {
                ...(opts.conversation ? { groupId: opts.conversation } : {}),
              });
            } finally {
              key.fill(0);
            }
          }
          for (const m of opened) {
            if (opts.json) {
              const { plaintext, ...rest } = m;
              process.stdout.write(
                `${JSON.stringify({ ...rest, plaintext: new TextDecoder().decode(plaintext) })}\n`,
              );
            } else {
              process.stdout.write(
                `#${m.recordSeq} ${m.sequencedAt} conversation ${m.groupId} message ${m.seq}: ${describePlaintext(m.plaintext)}\n`,
              );
            }
          }
          if (!opts.json)
            process.stderr.write(
              `${opened.length} archived message(s) of office ${opts.office}${opts.conversation ? ` in conversation ${opts.conversation}` : ''}, opened${
                shares
                  ? ` with the shares of ${shares.map((s) => s.custodian).join(', ')} (recorded in the log)`
                  : ''
              }.\n`,
            );
        });
      } catch (err) {
        fail(err);
      }
    });
}
