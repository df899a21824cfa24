import { createHash } from 'node:crypto';
import { type Clock, canonicalJson, canonicalJsonBytes, newId, PushbackError } from '@hotline/common';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { ArchiveCipher } from './archive-key.js';

/** The leaf of the records log: canonical JSON of this object. Content stays out of it. */
export interface RecordEnvelope {
  v: 1;
  kind: string;
  id: string;
  at: string;
  office: string | null;
  actor: string | null;
  subject: string | null;
  /** hex SHA-256 of the content bytes */
  digest: string;
  prev?: string;
}

export interface AppendInput {
  kind: string;
  office?: string | null;
  actor?: string | null;
  subject?: string | null;
  prev?: string | null;
  /** JSON content is stored as canonical JSON; bytes are stored as they are. */
  content: unknown;
  id?: string;
  at?: Date;
}

export interface AppendedRecord {
  id: string;
  seq: number;
  digest: string;
  envelope: RecordEnvelope;
}

export interface RecordsOptions {
  /** Refuse new entries (PushbackError) when this many sequenced entries await integration. */
  maxPending: number;
}

const utf8 = new TextEncoder();

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The only writer of the records log. `append()` runs inside the caller's transaction, so a
 * state change and its record commit together or not at all.
 *
 * Sequencing: the single `log_state` row is updated (`next_seq = next_seq + n`) inside the
 * transaction. Its row lock serializes writers across every process on the database until
 * commit, and a rollback returns the numbers, so indexes are dense and there is one log, never
 * a fork. Keep append() as the last step of a transaction to hold that lock briefly.
 */
export class RecordsService {
  constructor(
    private readonly clock: Clock,
    private readonly cipher: ArchiveCipher,
    private readonly opts: RecordsOptions = { maxPending: 500_000 },
  ) {}

  async append(tx: Kysely<Database>, input: AppendInput): Promise<AppendedRecord> {
    const [r] = await this.appendMany(tx, [input]);
    return r!;
  }

  async appendMany(tx: Kysely<Database>, inputs: AppendInput[]): Promise<AppendedRecord[]> {
    if (inputs.length === 0) return [];
    const prepared = inputs.map((input) => {
      const bytes =
        input.content instanceof Uint8Array ? input.content : canonicalJsonBytes(input.content ?? null);
      const digest = sha256Hex(bytes);
      const at = input.at ?? this.clock.now();
      const id = input.id ?? newId(at.getTime());
      const envelope: RecordEnvelope = {
        v: 1,
        kind: input.kind,
        id,
        at: at.toISOString(),
        office: input.office ?? null,
        actor: input.actor ?? null,
        subject: input.subject ?? null,
        digest,
        ...(input.prev ? { prev: input.prev } : {}),
      };
      return { input, bytes, digest, at, id, envelope };
    });

    // Content first (content-addressed, idempotent), then sequence as late as possible.
    const unique = new Map<string, Uint8Array>();
    for (const p of prepared) if (!unique.has(p.digest)) unique.set(p.digest, p.bytes);
    const contentRows = [...unique].map(([digest, bytes]) => ({ digest, bytes: this.cipher.seal(bytes) }));
    // One statement with array parameters (unnest) instead of thousands of bind parameters:
    // PostgreSQL parses and plans it once, whatever the batch size.
    await sql`insert into record_content (digest, bytes)
      select * from unnest(${contentRows.map((r) => r.digest)}::text[], ${contentRows.map((r) => Buffer.from(r.bytes))}::bytea[])
      on conflict (digest) do nothing`.execute(tx);

    const state = await tx
      .updateTable('log_state')
      .set((eb) => ({ next_seq: eb('next_seq', '+', String(prepared.length)) }))
      .where('id', '=', 1)
      .returning(['next_seq', 'integrated_size'])
      .executeTakeFirstOrThrow();
    const end = Number(state.next_seq);
    const start = end - prepared.length;
    if (start - Number(state.integrated_size) > this.opts.maxPending) {
      throw new PushbackError(
        `The records log has ${start - Number(state.integrated_size)} entries waiting to be integrated; try again in a few seconds.`,
        2,
      );
    }

    const col = <T>(f: (p: (typeof prepared)[number], i: number) => T) => prepared.map(f);
    await sql`insert into records (seq, id, kind, at, office_id, actor_id, subject, digest, prev, envelope)
      select * from unnest(
        ${col((_, i) => String(start + i))}::bigint[],
        ${col((p) => p.id)}::uuid[],
        ${col((p) => p.input.kind)}::text[],
        ${col((p) => p.at.toISOString())}::timestamptz[],
        ${col((p) => p.input.office ?? null)}::uuid[],
        ${col((p) => p.input.actor ?? null)}::uuid[],
        ${col((p) => p.input.subject ?? null)}::text[],
        ${col((p) => p.digest)}::text[],
        ${col((p) => p.input.prev ?? null)}::uuid[],
        ${col((p) => Buffer.from(utf8.encode(canonicalJson(p.envelope))))}::bytea[]
      )`.execute(tx);
    return prepared.map((p, i) => ({ id: p.id, seq: start + i, digest: p.digest, envelope: p.envelope }));
  }

  /** Decrypted content of a record, by digest. */
  async content(db: Kysely<Database>, digest: string): Promise<Uint8Array | null> {
    const row = await db
      .selectFrom('record_content')
      .select('bytes')
      .where('digest', '=', digest)
      .executeTakeFirst();
    return row ? this.cipher.open(row.bytes) : null;
  }
}
