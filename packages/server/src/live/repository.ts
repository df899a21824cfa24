import type { CallMediaRole } from '@hotline/contract';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { LivePeersTable } from '../db/tables/live.js';
import { callFull, type PeerInfo } from './backplane.js';

export type Db = Kysely<Database>;

function toInfo(r: Selectable<LivePeersTable>): PeerInfo {
  return {
    id: r.peer_id,
    callId: r.call_id,
    actor: {
      userId: r.user_id,
      officeId: r.office_id,
      displayName: r.display_name,
      roles: typeof r.roles === 'string' ? (JSON.parse(r.roles) as string[]) : r.roles,
    },
    grant: { role: r.role as CallMediaRole, canSend: r.can_send },
    muted: r.muted,
    speaking: r.speaking,
    node: r.node_id,
  };
}

/** The live backplane's tables (live_peers, live_nodes, live_messages) and NOTIFY. */
export class LiveRepository {
  constructor(private readonly db: Db) {}

  /** Inserts the peer unless its call already has `maxPeers`: a per-call lock serialises admissions on every node. */
  async admit(p: PeerInfo, tokenHash: string, maxPeers: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(hashtext(${`live:${p.callId}`}))`.execute(tx);
      const { n } = await tx
        .selectFrom('live_peers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('call_id', '=', p.callId)
        .executeTakeFirstOrThrow();
      if (Number(n) >= maxPeers) throw callFull(maxPeers);
      await tx
        .insertInto('live_peers')
        .values({
          peer_id: p.id,
          call_id: p.callId,
          user_id: p.actor.userId,
          office_id: p.actor.officeId,
          display_name: p.actor.displayName,
          roles: JSON.stringify(p.actor.roles),
          role: p.grant.role,
          can_send: p.grant.canSend,
          muted: p.muted,
          speaking: p.speaking,
          resume_token_hash: tokenHash,
          node_id: p.node,
        })
        .execute();
    });
  }

  async remove(peerId: string, node?: string): Promise<boolean> {
    let q = this.db.deleteFrom('live_peers').where('peer_id', '=', peerId);
    if (node !== undefined) q = q.where('node_id', '=', node);
    const rows = await q.returning('peer_id').execute();
    return rows.length > 0;
  }

  async removeCall(callId: string): Promise<PeerInfo[]> {
    const rows = await this.db
      .deleteFrom('live_peers')
      .where('call_id', '=', callId)
      .returningAll()
      .execute();
    return rows.map(toInfo);
  }

  async claim(
    tokenHash: string,
    newTokenHash: string,
    callId: string,
    userId: string,
    node: string,
  ): Promise<PeerInfo | null> {
    const row = await this.db
      .updateTable('live_peers')
      .set({ resume_token_hash: newTokenHash, node_id: node })
      .where('resume_token_hash', '=', tokenHash)
      .where('call_id', '=', callId)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    return row ? toInfo(row) : null;
  }

  async setState(peerId: string, muted: boolean, speaking: boolean): Promise<void> {
    await this.db.updateTable('live_peers').set({ muted, speaking }).where('peer_id', '=', peerId).execute();
  }

  async peers(callId: string): Promise<PeerInfo[]> {
    const rows = await this.db
      .selectFrom('live_peers')
      .selectAll()
      .where('call_id', '=', callId)
      .orderBy('joined_at')
      .execute();
    return rows.map(toInfo);
  }

  /**
   * A node restarting under the same id (HOTLINE_NODE_ID) finds the peers of its previous life:
   * they move to a name of their own, beating from now, so they may still resume anywhere and
   * expire after the grace period like any dead node's peers.
   */
  async orphan(node: string, orphanName: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const moved = await tx
        .updateTable('live_peers')
        .set({ node_id: orphanName })
        .where('node_id', '=', node)
        .returning('peer_id')
        .execute();
      if (moved.length > 0) {
        await tx
          .insertInto('live_nodes')
          .values({ node_id: orphanName, heartbeat_at: sql<Date>`now()` })
          .execute();
      }
      return moved.length;
    });
  }

  /** Marks `node` alive. */
  async beat(node: string): Promise<void> {
    await this.db
      .insertInto('live_nodes')
      .values({ node_id: node, heartbeat_at: sql<Date>`now()` })
      .onConflict((oc) => oc.column('node_id').doUpdateSet({ heartbeat_at: sql<Date>`now()` }))
      .execute();
  }

  /**
   * Marks `node` alive and removes the peers of nodes whose last heartbeat is older than
   * `deadAfterMs` (silent that long: their peers had their grace period), returning them.
   * Stale relayed payloads and long-dead nodes are cleared on the way.
   */
  async heartbeat(node: string, deadAfterMs: number): Promise<PeerInfo[]> {
    await this.beat(node);
    const cutoff = sql<Date>`now() - make_interval(secs => ${deadAfterMs / 1000})`;
    const rows = await this.db
      .deleteFrom('live_peers')
      .where((eb) =>
        eb.or([
          eb(
            'node_id',
            'in',
            eb.selectFrom('live_nodes').select('node_id').where('heartbeat_at', '<', cutoff),
          ),
          eb('node_id', 'not in', eb.selectFrom('live_nodes').select('node_id')),
        ]),
      )
      .returningAll()
      .execute();
    await this.db
      .deleteFrom('live_nodes')
      .where('heartbeat_at', '<', sql<Date>`now() - interval '1 hour'`)
      .execute();
    await this.db
      .deleteFrom('live_messages')
      .where('created_at', '<', sql<Date>`now() - interval '5 minutes'`)
      .execute();
    return rows.map(toInfo);
  }

  async leaveNode(node: string): Promise<void> {
    await this.db
      .updateTable('live_nodes')
      .set({ heartbeat_at: sql<Date>`now()` })
      .where('node_id', '=', node)
      .execute();
  }

  async storeMessage(payload: string): Promise<string> {
    const r = await this.db
      .insertInto('live_messages')
      .values({ payload })
      .returning('id')
      .executeTakeFirstOrThrow();
    return String(r.id);
  }

  async loadMessage(id: string): Promise<string | null> {
    const r = await this.db
      .selectFrom('live_messages')
      .select('payload')
      .where('id', '=', id)
      .executeTakeFirst();
    return r?.payload ?? null;
  }

  async notify(channel: string, payload: string): Promise<void> {
    await sql`select pg_notify(${channel}, ${payload})`.execute(this.db);
  }
}
