import { canonicalJson } from '@hotline/common';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { PublicReadout } from './readouts-site.js';

/** Published readouts for the public site: no login, read-only. */
export class ReadoutsService {
  constructor(private readonly db: Db) {}

  private base() {
    return this.db
      .selectFrom('readouts')
      .innerJoin('calls', 'calls.id', 'readouts.call_id')
      .innerJoin('offices', 'offices.id', 'calls.owner_office_id')
      .leftJoin('records', 'records.id', 'readouts.record_id')
      .select([
        'readouts.id',
        'readouts.call_id',
        'readouts.title',
        'readouts.body_md',
        'readouts.published_at',
        'readouts.record_id',
        'readouts.record_seq',
        'offices.name as officeName',
        'offices.leader_title',
        'offices.leader_name',
        'calls.counterpart_leader',
      ])
      .where('readouts.status', '=', 'published');
  }

  private map(r: {
    id: string;
    call_id: string;
    title: string;
    body_md: string;
    published_at: Date | null;
    record_id: string;
    record_seq: string;
    officeName: string;
    leader_title: string;
    leader_name: string;
    counterpart_leader: string;
  }): PublicReadout {
    const publishedAt = new Date(r.published_at!);
    return {
      id: r.id,
      callId: r.call_id,
      title: r.title,
      bodyMd: r.body_md,
      publishedAt,
      officeName: r.officeName,
      counterpart: r.counterpart_leader,
      participants: [`${r.leader_title} ${r.leader_name}`, r.counterpart_leader],
      recordId: r.record_id,
      recordSeq: Number(r.record_seq),
      // The same canonical JSON the records service stored and hashed for this record.
      content: canonicalJson({
        callId: r.call_id,
        readoutId: r.id,
        title: r.title,
        bodyMd: r.body_md,
        publishedAt: publishedAt.toISOString(),
      }),
    };
  }

  async list(query: string, page: number, perPage = 20) {
    let q = this.base();
    if (query.trim()) {
      const like = `%${query.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) =>
        eb.or([
          eb('readouts.title', 'ilike', like),
          eb('readouts.body_md', 'ilike', like),
          eb('calls.counterpart_leader', 'ilike', like),
          eb('offices.name', 'ilike', like),
        ]),
      );
    }
    const total = Number(
      (await q.clearSelect().select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow()).n,
    );
    const rows = await q
      .orderBy('readouts.published_at', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute();
    return {
      readouts: rows.map((r) => this.map(r)),
      total,
      pageCount: Math.max(1, Math.ceil(total / perPage)),
    };
  }

  async get(id: string): Promise<PublicReadout | null> {
    const r = await this.base().where('readouts.id', '=', id).executeTakeFirst();
    return r ? this.map(r) : null;
  }
}
