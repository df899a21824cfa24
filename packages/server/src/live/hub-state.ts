import type { LiveServerMessage } from '@hotline/contract';
import type { WebSocket } from 'ws';
import type { Backplane, ClusterEvent } from './backplane.js';
import type { RateBucket } from './protocol.js';
import { type Peer, type Room, Rooms } from './rooms.js';
import type { CallEvent, LiveActor, LiveDeps } from './types.js';

export const SESSION_EXPIRED = 'Your session has expired. Sign in again.';
export const OPEN = 1;

export interface Conn {
  socket: WebSocket;
  actor: LiveActor | null;
  peer: Peer<Conn> | null;
  /** Messages of one connection are handled one after the other (a join awaits the access check). */
  chain: Promise<void>;
  rate: RateBucket;
  /** Closes the connection when its session expires (re-armed if the clock says not yet). */
  expiryTimer: NodeJS.Timeout | null;
}

export function send(conn: Conn | null, msg: LiveServerMessage): void {
  if (conn && conn.socket.readyState === OPEN) conn.socket.send(JSON.stringify(msg));
}

/**
 * The state the hub's parts share (the connections, this node's copy of the rooms, the call
 * event chains, the ended sessions) and the small operations on it every part uses: recording
 * call events in order, telling the other nodes, sending to a room or one peer.
 */
export type HubState = ReturnType<typeof createHubState>;

export function createHubState(deps: LiveDeps, backplane: Backplane) {
  const graceMs = deps.resumeGraceMs ?? 20_000;
  const log = deps.logger;
  const maxPeers = deps.maxPeersPerCall ?? 6;
  const nodeId = backplane.nodeId;
  const clustered = backplane.clustered;
  // This node's copy of the rooms; across nodes the backplane's count is the mesh limit.
  const rooms = new Rooms<Conn>(clustered ? Number.POSITIVE_INFINITY : maxPeers);
  const conns = new Set<Conn>();
  /** Events are recorded in order per call, also across a room that empties and fills again. */
  const eventChains = new Map<string, Promise<void>>();
  /** Sessions ended lately (id → when, in real time), refused if a connection authenticated with one in the meantime. */
  const endedSessions = new Map<string, number>();

  function record(ev: CallEvent): Promise<void> {
    const prev = eventChains.get(ev.callId) ?? Promise.resolve();
    const next = prev.then(() => deps.onCallEvent(ev));
    const settled = next.catch(() => undefined);
    eventChains.set(ev.callId, settled);
    void settled.then(() => {
      if (eventChains.get(ev.callId) === settled) eventChains.delete(ev.callId);
    });
    return next;
  }

  function recordQuietly(ev: CallEvent): void {
    record(ev).catch((err: unknown) =>
      log.error({ err, callId: ev.callId, kind: ev.kind }, 'could not record a call event'),
    );
  }

  function publish(ev: ClusterEvent): void {
    if (!clustered) return;
    backplane
      .publish(ev)
      .catch((err: unknown) => log.error({ err, k: ev.k }, 'could not tell the other nodes'));
  }

  function forget(peerId: string): void {
    backplane
      .remove(peerId)
      .catch((err: unknown) => log.error({ err, peerId }, 'could not remove a live peer'));
  }

  /** This node's copy of a call's room, refreshed from the backplane (clustered only). */
  async function syncRoom(callId: string): Promise<void> {
    if (!clustered) return;
    rooms.sync(callId, await backplane.peers(callId), (p) => p.node === nodeId);
  }

  function eventBase(p: Peer<Conn>) {
    return {
      callId: p.callId,
      peerId: p.id,
      userId: p.actor.userId,
      officeId: p.actor.officeId,
      displayName: p.actor.displayName,
      role: p.grant.role,
      at: deps.clock.now(),
    };
  }

  function broadcast(room: Room<Conn>, msg: LiveServerMessage, except?: Peer<Conn>): void {
    // Serialised once for the whole room, not once per peer.
    let raw: string | null = null;
    for (const p of room.peers.values()) {
      if (p === except || !p.conn || p.conn.socket.readyState !== OPEN) continue;
      raw ??= JSON.stringify(msg);
      p.conn.socket.send(raw);
    }
  }

  function deliver(target: Peer<Conn>, msg: LiveServerMessage): void {
    if (clustered && target.node !== nodeId) {
      publish({ k: 'peer', peerId: target.id, msg });
      return;
    }
    if (target.conn && target.conn.socket.readyState === OPEN) target.conn.socket.send(JSON.stringify(msg));
    else rooms.queue(target, JSON.stringify(msg));
  }

  function expired(actor: LiveActor): boolean {
    return !!actor.expiresAt && actor.expiresAt.getTime() <= deps.clock.now().getTime();
  }

  return {
    deps,
    log,
    graceMs,
    maxPeers,
    backplane,
    nodeId,
    clustered,
    rooms,
    conns,
    eventChains,
    endedSessions,
    /** Set when the hub closes: a socket closing then leaves no peer in a grace period. */
    closed: false,
    record,
    recordQuietly,
    publish,
    forget,
    syncRoom,
    eventBase,
    broadcast,
    deliver,
    expired,
  };
}
