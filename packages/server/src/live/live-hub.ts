import websocket from '@fastify/websocket';
import type { LivePeer, LiveServerMessage } from '@hotline/contract';
import type { App } from '../http/types.js';
import type { Backplane } from './backplane.js';
import { MemoryBackplane } from './backplane-memory.js';
import { createClusterSync } from './cluster-sync.js';
import { createConnections } from './connections.js';
import { createHandlers } from './handlers.js';
import { type Conn, createHubState } from './hub-state.js';
import { MAX_MESSAGE_BYTES, RateBucket } from './protocol.js';
import { describePeer } from './rooms.js';
import type { LiveDeps } from './types.js';

export const LIVE_PATH = '/api/v1/live';

/** What the hub exposes to the rest of the server (the calls service, tests, ops). */
export interface LiveHub {
  /** The peers in a call right now, including ones within their resume grace period. */
  peers(callId: string): LivePeer[];
  /** Ends a call for everyone (the secretariat ended it, or the call was closed). */
  endCall(callId: string, detail: string): Promise<void>;
  /**
   * Closes every socket of a person at once (signed out, session revoked or expired, account
   * disabled, role lost); a peer of theirs leaves its call with no grace period.
   */
  disconnectUser(userId: string, detail: string): Promise<void>;
  /**
   * Closes the connections opened with these sessions of a person (signed out, one session
   * revoked); their peers leave their calls at once. Connections of other sessions stay.
   */
  disconnectSessions(userId: string, sessionIds: readonly string[], detail: string): Promise<void>;
  /** Cuts one peer's WebSocket as a network failure would; the peer may resume. For tests and ops. */
  dropConnection(peerId: string): boolean;
  /** Sends a message to every socket of a person, on whichever node (the per-person channel). */
  notifyUser(userId: string, msg: LiveServerMessage): void;
  /** The same message to every socket of each of these people, as one event between nodes. */
  notifyUsers(userIds: readonly string[], msg: LiveServerMessage): void;
  /** This node's id in the cluster (the X-Hotline-Node header). */
  readonly nodeId: string;
  close(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The in-app call signaling hub (/api/v1/live), for operators' tools and tests. */
    liveHub: LiveHub;
  }
}

/**
 * The WebSocket hub at /api/v1/live: authenticates the upgrade, admits a connection to one
 * call after CallAccess says yes, relays SDP and ICE candidates only between members of that
 * call, and keeps a dropped peer's identity for a grace period so it can resume. The rooms
 * themselves are plain state (rooms.ts); the message format and limits are in protocol.ts.
 * Its parts: the shared state (hub-state.ts), connections and sessions (connections.ts), the
 * messages (handlers.ts) and the other nodes (cluster-sync.ts).
 */
export async function liveRoutes(
  app: App,
  deps: LiveDeps & {
    /**
     * Room membership and the channel between server processes (backplane-postgres.ts on
     * PostgreSQL). Default: in memory, one process.
     */
    backplane?: Backplane;
  },
): Promise<LiveHub> {
  // Membership every node agrees on; the embedded database (one process) keeps it in memory.
  const backplane = deps.backplane ?? new MemoryBackplane();
  const s = createHubState(deps, backplane);
  const { log, nodeId, rooms, conns, eventChains } = s;
  const connections = createConnections(s);
  const { onMessage } = createHandlers(s, connections);
  const { onClusterEvent, startHeartbeat } = createClusterSync(s, connections);
  const {
    authenticate,
    onClose,
    endLocal,
    sendToUser,
    sendToUsers,
    disconnectLocal,
    disconnectSessionsLocal,
  } = connections;

  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  }

  const sessionSweep = connections.startSessionSweep();

  app.get(LIVE_PATH, { websocket: true }, (socket, req) => {
    const conn: Conn = {
      socket,
      actor: null,
      peer: null,
      chain: Promise.resolve(),
      rate: new RateBucket(),
      expiryTimer: null,
    };
    conns.add(conn);
    // Listeners are attached before anything is awaited, so no early message is lost.
    const authed = authenticate(conn, req);
    socket.on('message', (data) => onMessage(conn, authed, data));
    socket.on('close', () => onClose(conn));
    socket.on('error', (err) => log.debug({ err }, 'live socket error'));
  });

  await backplane.start(onClusterEvent);
  const heartbeat = startHeartbeat();

  const hub: LiveHub = {
    nodeId,
    peers(callId) {
      return [...(rooms.room(callId)?.peers.values() ?? [])].map(describePeer);
    },
    async endCall(callId, detail) {
      // Every peer of the call leaves, wherever its socket is; this node records the leaves.
      const removed = await backplane.removeCall(callId);
      for (const info of removed) if (!rooms.peer(info.id)) rooms.addRemote(info);
      endLocal(callId, detail, false);
      for (const [i, info] of removed.entries()) {
        s.recordQuietly({
          callId,
          peerId: info.id,
          userId: info.actor.userId,
          officeId: info.actor.officeId,
          displayName: info.actor.displayName,
          role: info.grant.role,
          at: deps.clock.now(),
          kind: 'leave',
          reason: 'ended',
          remaining: removed
            .slice(i + 1)
            .map((r) => ({ peerId: r.id, userId: r.actor.userId, role: r.grant.role })),
        });
      }
      s.publish({ k: 'end', callId, detail });
      await (eventChains.get(callId) ?? Promise.resolve());
    },
    async disconnectUser(userId, detail) {
      const callIds = disconnectLocal(userId, detail);
      s.publish({ k: 'kick', userId, detail });
      await Promise.all([...callIds].map((id) => eventChains.get(id) ?? Promise.resolve()));
    },
    async disconnectSessions(userId, sessionIds, detail) {
      const callIds = disconnectSessionsLocal(userId, sessionIds, detail);
      s.publish({ k: 'kick', userId, detail, sessionIds: [...sessionIds] });
      await Promise.all([...callIds].map((id) => eventChains.get(id) ?? Promise.resolve()));
    },
    notifyUser(userId, msg) {
      sendToUser(userId, msg);
      s.publish({ k: 'user', userId, msg });
    },
    notifyUsers(userIds, msg) {
      sendToUsers(userIds, msg);
      s.publish({ k: 'users', userIds: [...userIds], msg });
    },
    dropConnection(peerId) {
      const conn = rooms.peer(peerId)?.conn;
      if (!conn) return false;
      conn.socket.terminate();
      return true;
    },
    async close() {
      s.closed = true;
      clearInterval(sessionSweep);
      for (const conn of conns) if (conn.expiryTimer) clearTimeout(conn.expiryTimer);
      if (heartbeat) clearInterval(heartbeat);
      await backplane
        .close()
        .catch((err: unknown) => log.error({ err }, 'could not close the live backplane'));
      for (const peer of rooms.allPeers()) if (peer.graceTimer) clearTimeout(peer.graceTimer);
      for (const conn of conns) conn.socket.terminate();
      await Promise.all([...eventChains.values()]);
    },
  };
  app.addHook('onClose', async () => hub.close());
  return hub;
}
