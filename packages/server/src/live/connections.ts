import { isHotlineError } from '@hotline/common';
import { LIVE_CLOSE, type LiveErrorCode, type LiveServerMessage } from '@hotline/contract';
import type { FastifyRequest } from 'fastify';
import { type Conn, type HubState, OPEN, SESSION_EXPIRED, send } from './hub-state.js';
import type { Peer } from './rooms.js';
import type { LiveActor } from './types.js';

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long an ended session id is remembered, so a connection authenticated just before cannot slip through. */
const ENDED_SESSION_MEMORY_MS = 60_000;

export type Connections = ReturnType<typeof createConnections>;

/**
 * The life of connections and their peers on this node: authenticating a socket, its session's
 * expiry, a dropped peer's grace period, peers leaving (on their own, at expiry, when the call
 * ends) and the person- and session-scoped disconnects.
 */
export function createConnections(s: HubState) {
  const { deps, log, graceMs, backplane, nodeId, clustered, rooms, conns, endedSessions } = s;

  function fail(conn: Conn, code: LiveErrorCode, detail: string, closeCode: number): void {
    send(conn, { type: 'error', code, detail, fatal: true });
    conn.socket.close(closeCode, code);
  }

  /** Takes a peer out of its room everywhere: the membership, this node's copy, the other nodes. */
  function removePeer(peer: Peer<Conn>, reason: 'left' | 'timeout' | 'ended'): void {
    s.forget(peer.id);
    removeLocal(peer, reason, true);
  }

  /** Takes a peer out of this node's copy and tells its peers here; `origin`: also record it and tell the other nodes. */
  function removeLocal(peer: Peer<Conn>, reason: 'left' | 'timeout' | 'ended', origin: boolean): void {
    if (peer.conn) peer.conn.peer = null;
    const room = rooms.remove(peer);
    if (!room) return;
    s.broadcast(room, { type: 'peer-left', peerId: peer.id, reason });
    if (!origin) return;
    s.publish({ k: 'leave', callId: peer.callId, peerId: peer.id, reason });
    s.recordQuietly({
      ...s.eventBase(peer),
      kind: 'leave',
      reason,
      remaining: [...room.peers.values()].map((p) => ({
        peerId: p.id,
        userId: p.actor.userId,
        role: p.grant.role,
      })),
    });
  }

  function onClose(conn: Conn): void {
    conns.delete(conn);
    if (conn.expiryTimer) clearTimeout(conn.expiryTimer);
    conn.expiryTimer = null;
    const peer = conn.peer;
    conn.peer = null;
    if (!peer || peer.conn !== conn || s.closed) return;
    peer.conn = null;
    peer.graceTimer = setTimeout(() => {
      peer.graceTimer = null;
      if (!peer.conn) void expire(peer);
    }, graceMs);
    peer.graceTimer.unref?.();
  }

  /** A dropped peer's grace period is over: it leaves, unless it resumed (here or on another node). */
  async function expire(peer: Peer<Conn>): Promise<void> {
    try {
      if (peer.node !== nodeId || !(await backplane.remove(peer.id, nodeId))) return;
    } catch (err) {
      log.error({ err, peerId: peer.id }, 'could not expire a live peer');
      return;
    }
    if (!peer.conn) removeLocal(peer, 'timeout', true);
  }

  /** Ends a call on this node: its peers here leave, their sockets close. */
  function endLocal(callId: string, detail: string, origin: boolean): void {
    const room = rooms.room(callId);
    if (!room) return;
    for (const peer of [...room.peers.values()]) {
      const conn = peer.conn;
      removeLocal(peer, 'ended', origin);
      if (conn) fail(conn, 'call_ended', detail, LIVE_CLOSE.ended);
    }
  }

  function sendToUser(userId: string, msg: LiveServerMessage): void {
    let raw: string | null = null;
    for (const conn of conns) {
      if (conn.actor?.userId !== userId || conn.socket.readyState !== OPEN) continue;
      raw ??= JSON.stringify(msg);
      conn.socket.send(raw);
    }
  }

  /** One message to every socket here of any of these people (serialized once). */
  function sendToUsers(userIds: readonly string[], msg: LiveServerMessage): void {
    const to = new Set(userIds);
    let raw: string | null = null;
    for (const conn of conns) {
      if (!conn.actor || !to.has(conn.actor.userId) || conn.socket.readyState !== OPEN) continue;
      raw ??= JSON.stringify(msg);
      conn.socket.send(raw);
    }
  }

  /** This node's sockets of a person close at once; their peers here (also any in their grace period) leave (recorded here). */
  function disconnectLocal(userId: string, detail: string): Set<string> {
    const callIds = new Set<string>();
    for (const conn of [...conns]) {
      if (conn.actor?.userId !== userId) continue;
      if (conn.actor.sessionId) endedSessions.set(conn.actor.sessionId, Date.now());
      const callId = endConnection(conn, detail);
      if (callId) callIds.add(callId);
    }
    for (const peer of rooms.peersOf(userId)) {
      if (clustered && peer.node !== nodeId) continue;
      callIds.add(peer.callId);
      removePeer(peer, 'left');
    }
    return callIds;
  }

  /** As disconnectLocal, for some of the person's sessions only (the others stay connected). */
  function disconnectSessionsLocal(
    userId: string,
    sessionIds: readonly string[],
    detail: string,
  ): Set<string> {
    const ended = new Set(sessionIds);
    for (const id of ended) endedSessions.set(id, Date.now());
    const callIds = new Set<string>();
    for (const conn of [...conns]) {
      const a = conn.actor;
      if (a?.userId !== userId || !a.sessionId || !ended.has(a.sessionId)) continue;
      const callId = endConnection(conn, detail);
      if (callId) callIds.add(callId);
    }
    for (const peer of rooms.peersOf(userId)) {
      if (clustered && peer.node !== nodeId) continue;
      if (peer.conn || !peer.actor.sessionId || !ended.has(peer.actor.sessionId)) continue;
      callIds.add(peer.callId);
      removePeer(peer, 'left');
    }
    return callIds;
  }

  /**
   * The connection's session is over: its peer leaves its call now (no grace period, the others
   * see it leave and the call log records it), nothing more it sends is handled, and it is closed.
   */
  function endConnection(conn: Conn, detail: string): string | null {
    if (conn.actor === null) return null;
    conn.actor = null;
    if (conn.expiryTimer) clearTimeout(conn.expiryTimer);
    conn.expiryTimer = null;
    const peer = conn.peer;
    const callId = peer?.callId ?? null;
    if (peer) removePeer(peer, 'left');
    fail(conn, 'unauthenticated', detail, LIVE_CLOSE.unauthenticated);
    return callId;
  }

  function armExpiry(conn: Conn): void {
    const at = conn.actor?.expiresAt;
    if (!at) return;
    const wait = Math.min(Math.max(at.getTime() - deps.clock.now().getTime(), 0), MAX_TIMER_MS);
    conn.expiryTimer = setTimeout(() => {
      conn.expiryTimer = null;
      if (!conn.actor) return;
      if (s.expired(conn.actor)) endConnection(conn, SESSION_EXPIRED);
      else armExpiry(conn);
    }, wait);
    conn.expiryTimer.unref?.();
  }

  /** Each connection's expiry against the clock (which a test clock moves by jumps), and old ended-session ids forgotten. */
  function startSessionSweep(): NodeJS.Timeout {
    const sessionSweep = setInterval(() => {
      for (const conn of [...conns])
        if (conn.actor && s.expired(conn.actor)) endConnection(conn, SESSION_EXPIRED);
      const forget = Date.now() - ENDED_SESSION_MEMORY_MS;
      for (const [id, at] of endedSessions) if (at < forget) endedSessions.delete(id);
    }, deps.sessionSweepMs ?? 500);
    sessionSweep.unref?.();
    return sessionSweep;
  }

  async function authenticate(conn: Conn, req: FastifyRequest): Promise<LiveActor | null> {
    const origin = req.headers.origin;
    if (deps.allowedOrigins && origin && !deps.allowedOrigins.includes(origin)) {
      fail(
        conn,
        'forbidden',
        `Connections from ${origin} are not accepted; open Hotline at ${deps.allowedOrigins[0]}.`,
        LIVE_CLOSE.forbidden,
      );
      return null;
    }
    try {
      const actor = await deps.authenticate(req);
      if (actor.sessionId && endedSessions.has(actor.sessionId)) {
        // The session ended while it was being checked.
        fail(conn, 'unauthenticated', 'Your session has ended. Sign in again.', LIVE_CLOSE.unauthenticated);
        return null;
      }
      if (conn.socket.readyState !== OPEN) return null;
      conn.actor = actor;
      armExpiry(conn);
      return actor;
    } catch (err) {
      if (isHotlineError(err)) {
        fail(
          conn,
          err.status === 401 ? 'unauthenticated' : 'forbidden',
          err.detail,
          err.status === 401 ? LIVE_CLOSE.unauthenticated : LIVE_CLOSE.forbidden,
        );
      } else {
        log.error({ err }, 'live authentication failed');
        fail(conn, 'internal', 'Could not check your session; try again.', LIVE_CLOSE.unauthenticated);
      }
      return null;
    }
  }

  return {
    removePeer,
    removeLocal,
    onClose,
    endLocal,
    sendToUser,
    sendToUsers,
    disconnectLocal,
    disconnectSessionsLocal,
    endConnection,
    startSessionSweep,
    authenticate,
  };
}
