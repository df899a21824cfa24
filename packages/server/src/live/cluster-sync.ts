import { LIVE_CLOSE } from '@hotline/contract';
import type { ClusterEvent } from './backplane.js';
import type { Connections } from './connections.js';
import type { HubState } from './hub-state.js';
import { describePeer } from './rooms.js';

/**
 * The cluster side of the hub: what other nodes did (joins, leaves, state, messages for a room
 * or one peer, resumes, ended calls, per-person messages and disconnects), and the heartbeat
 * that expires the peers of nodes gone silent.
 */
export function createClusterSync(s: HubState, c: Connections) {
  const { log, graceMs, backplane, nodeId, rooms } = s;
  const { removeLocal, endLocal, sendToUser, sendToUsers, disconnectLocal, disconnectSessionsLocal } = c;

  /** What another node did. */
  function onClusterEvent(ev: ClusterEvent): void {
    switch (ev.k) {
      case 'join': {
        // A peer this node already read from the shared table (a join here synced the room before
        // this event arrived) was added without telling this node's people: they hear of it now.
        // Otherwise they would drop its offer as from a stranger, and never connect to it.
        const known = rooms.peer(ev.peer.id);
        if (known?.node === nodeId) return;
        const p = known ?? rooms.addRemote(ev.peer);
        const room = rooms.room(p.callId);
        if (room) s.broadcast(room, { type: 'peer-joined', peer: describePeer(p) }, p);
        return;
      }
      case 'leave': {
        const p = rooms.peer(ev.peerId);
        if (p) removeLocal(p, ev.reason, false);
        else {
          // A join here may have synced the room after the peer left, dropping it without telling
          // this node's people: they hear of it now (a peer-left for a peer they never knew is a no-op).
          const room = rooms.room(ev.callId);
          if (room) s.broadcast(room, { type: 'peer-left', peerId: ev.peerId, reason: ev.reason });
        }
        return;
      }
      case 'state': {
        const p = rooms.peer(ev.peerId);
        const room = rooms.room(ev.callId);
        if (!p || !room) return;
        p.muted = ev.muted;
        p.speaking = ev.speaking;
        s.broadcast(room, { type: 'peer-state', peerId: p.id, muted: p.muted, speaking: p.speaking }, p);
        return;
      }
      case 'room': {
        const room = rooms.room(ev.callId);
        if (room) s.broadcast(room, ev.msg, ev.except ? room.peers.get(ev.except) : undefined);
        return;
      }
      case 'peer': {
        const p = rooms.peer(ev.peerId);
        if (p && p.node === nodeId) s.deliver(p, ev.msg);
        return;
      }
      case 'resumed': {
        const p = rooms.peer(ev.peerId);
        if (!p) return;
        const old = p.conn;
        if (old) {
          old.peer = null;
          old.socket.close(LIVE_CLOSE.replaced, 'resumed on another connection');
        }
        if (p.graceTimer) clearTimeout(p.graceTimer);
        p.graceTimer = null;
        p.conn = null;
        p.node = ev.node;
        // What was queued here while it was away goes to the node it resumed on.
        for (const raw of p.queue.splice(0)) s.publish({ k: 'peer', peerId: p.id, msg: JSON.parse(raw) });
        return;
      }
      case 'end':
        endLocal(ev.callId, ev.detail, false);
        return;
      case 'user':
        sendToUser(ev.userId, ev.msg);
        return;
      case 'users':
        sendToUsers(ev.userIds, ev.msg);
        return;
      case 'kick':
        if (ev.sessionIds) disconnectSessionsLocal(ev.userId, ev.sessionIds, ev.detail);
        else disconnectLocal(ev.userId, ev.detail);
        return;
    }
  }

  /** Heartbeat; the peers of nodes silent past their grace period leave (one node removes and records each). */
  async function sweep(): Promise<void> {
    const dead = await backplane.heartbeat(graceMs);
    for (const info of dead) {
      const p = rooms.peer(info.id) ?? rooms.addRemote(info);
      log.info({ peerId: info.id, node: info.node }, 'live peer of a silent node expired');
      removeLocal(p, 'timeout', true);
    }
  }

  /** Starts the heartbeat (clustered only); null on a single node. */
  function startHeartbeat(): NodeJS.Timeout | null {
    if (!s.clustered) return null;
    const heartbeat = setInterval(() => {
      sweep().catch((err: unknown) => log.error({ err }, 'live heartbeat failed'));
    }, backplane.heartbeatMs);
    heartbeat.unref?.();
    return heartbeat;
  }

  return { onClusterEvent, startHeartbeat };
}
