import { LIVE_CLOSE, type LiveClientMessage, type LiveServerMessage } from '@hotline/contract';
import { hashToken } from './backplane.js';
import type { Connections } from './connections.js';
import { type Conn, type HubState, OPEN, SESSION_EXPIRED, send } from './hub-state.js';
import {
  errorFromAccess,
  frameText,
  LiveProtocolError,
  parseClientMessage,
  RATE_PER_SECOND,
} from './protocol.js';
import { describePeer, newId, type Peer, peerInfo, type Room } from './rooms.js';
import { sendingMediaSections } from './sdp.js';
import type { CallAccessGrant, LiveActor } from './types.js';

/**
 * What a connection's messages do: join (or resume, on any node), leave, relay a signal to
 * another peer of the call, mute and speaking state, and verification results.
 */
export function createHandlers(s: HubState, c: Connections) {
  const { deps, log, backplane, nodeId, clustered, maxPeers, rooms } = s;
  const { removePeer, endConnection } = c;

  function joinedMessage(peer: Peer<Conn>, room: Room<Conn>, resumed: boolean): LiveServerMessage {
    return {
      type: 'joined',
      callId: peer.callId,
      peerId: peer.id,
      resumeToken: peer.resumeToken,
      resumed,
      you: { role: peer.grant.role, canSend: peer.grant.canSend },
      peers: [...room.peers.values()].filter((p) => p !== peer).map(describePeer),
      iceServers: deps.iceServers ?? [],
    };
  }

  /**
   * A resume token names a peer anywhere in the cluster (the backplane swaps it atomically, so it
   * is spent once): the peer moves to this node, whichever node held it before (or died).
   */
  async function claimResume(
    conn: Conn,
    msg: Extract<LiveClientMessage, { type: 'join' }>,
    actor: LiveActor,
    grant: CallAccessGrant,
  ): Promise<boolean> {
    if (!msg.resumeToken) return false;
    const token = newId('', 32);
    const info = await backplane.claim(
      hashToken(msg.resumeToken),
      hashToken(token),
      msg.callId,
      actor.userId,
    );
    if (!info) return false;
    const peer = rooms.peer(info.id) ?? rooms.addRemote(info);
    peer.node = nodeId;
    await s.syncRoom(msg.callId);
    if (!rooms.room(peer.callId)?.peers.has(peer.id)) rooms.addRemote(info).node = nodeId;
    resume(conn, rooms.peer(info.id)!, grant, token);
    s.publish({ k: 'resumed', callId: info.callId, peerId: info.id, node: nodeId });
    return true;
  }

  function resume(conn: Conn, peer: Peer<Conn>, grant: CallAccessGrant, token: string): void {
    const room = rooms.room(peer.callId)!;
    const old = peer.conn;
    if (old && old !== conn) {
      old.peer = null;
      old.socket.close(LIVE_CLOSE.replaced, 'resumed on another connection');
    }
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = null;
    rooms.renewToken(peer, token);
    // The same person, perhaps on another session: that session now governs the peer.
    if (conn.actor) peer.actor = conn.actor;
    peer.grant = grant;
    peer.conn = conn;
    conn.peer = peer;
    send(conn, joinedMessage(peer, room, true));
    for (const raw of peer.queue.splice(0)) conn.socket.send(raw);
    log.debug({ callId: room.callId, peerId: peer.id }, 'peer resumed');
  }

  async function handleJoin(conn: Conn, actor: LiveActor, msg: Extract<LiveClientMessage, { type: 'join' }>) {
    if (conn.peer) {
      throw new LiveProtocolError(
        'already_joined',
        `This connection is already in call ${conn.peer.callId}; send "leave" before joining another call.`,
      );
    }
    let grant: CallAccessGrant;
    try {
      grant = await deps.callAccess.check(msg.callId, actor, deps.clock.now());
    } catch (err) {
      throw errorFromAccess(err) ?? err;
    }
    if (await claimResume(conn, msg, actor, grant)) return;

    const room = rooms.reserve(msg.callId);
    const peer = rooms.newPeer(msg.callId, actor, grant, conn, nodeId);
    try {
      // The authoritative mesh limit: counted under a per-call lock on every node.
      await backplane.admit(peerInfo(peer), hashToken(peer.resumeToken), maxPeers);
    } catch (err) {
      rooms.release(room);
      throw err;
    }
    try {
      await s.record({ ...s.eventBase(peer), kind: 'join', canSend: grant.canSend });
    } catch (err) {
      s.forget(peer.id);
      log.error({ err, callId: msg.callId }, 'could not record a join; refusing it');
      throw new LiveProtocolError(
        'record_failed',
        'Your join could not be written to the call log, so you were not admitted. Try again in a moment.',
      );
    } finally {
      rooms.release(room);
    }
    rooms.add(room, peer);
    await s.syncRoom(msg.callId).catch((err: unknown) => log.error({ err }, 'could not read the room'));
    s.publish({ k: 'join', peer: peerInfo(peer) });
    if (conn.socket.readyState !== OPEN || conn.actor === null) {
      // The socket closed (or its session ended) while the join was being recorded: the peer
      // joined and left at once.
      peer.conn = null;
      removePeer(peer, 'left');
      return;
    }
    conn.peer = peer;
    send(conn, joinedMessage(peer, room, false));
    s.broadcast(room, { type: 'peer-joined', peer: describePeer(peer) }, peer);
  }

  function requirePeer(conn: Conn): Peer<Conn> {
    if (!conn.peer)
      throw new LiveProtocolError('not_joined', 'Join a call first: send "join" with its callId.');
    return conn.peer;
  }

  /** Another peer of the same call; on a cluster, a peer this node has not heard of yet is looked up. */
  async function otherPeer(peer: Peer<Conn>, otherId: string): Promise<Peer<Conn>> {
    try {
      return rooms.other(peer, otherId);
    } catch (err) {
      if (!clustered) throw err;
      await s.syncRoom(peer.callId);
      return rooms.other(peer, otherId);
    }
  }

  async function relaySignal(conn: Conn, msg: Extract<LiveClientMessage, { type: 'signal' }>): Promise<void> {
    const peer = requirePeer(conn);
    const target = await otherPeer(peer, msg.to);
    const sdp = msg.description?.sdp;
    if (!peer.grant.canSend && sdp) {
      const sending = sendingMediaSections(sdp);
      if (sending.length > 0) {
        throw new LiveProtocolError(
          'listener_cannot_send',
          `You are listening on this call and may not send audio, but your ${msg.description?.type} offers to send ` +
            `(${sending.map((s) => `m=${s.kind} ${s.direction}`).join(', ')}). It was not relayed.`,
        );
      }
    }
    let relayed = {
      callId: peer.callId,
      from: peer.id,
      to: target.id,
      description: msg.description,
      candidate: msg.candidate,
    };
    if (deps.transformSignal) relayed = { ...relayed, ...deps.transformSignal(relayed) };
    s.deliver(target, {
      type: 'signal',
      from: peer.id,
      ...(relayed.description ? { description: relayed.description } : {}),
      ...(relayed.candidate !== undefined ? { candidate: relayed.candidate } : {}),
    });
  }

  function setState(conn: Conn, msg: Extract<LiveClientMessage, { type: 'state' }>): void {
    const peer = requirePeer(conn);
    const muteChanged = peer.muted !== msg.muted;
    peer.muted = msg.muted;
    peer.speaking = msg.muted ? false : (msg.speaking ?? peer.speaking);
    if (clustered) {
      backplane
        .setState(peer.id, peer.muted, peer.speaking)
        .catch((err: unknown) => log.error({ err }, 'could not store a peer state'));
      s.publish({
        k: 'state',
        callId: peer.callId,
        peerId: peer.id,
        muted: peer.muted,
        speaking: peer.speaking,
      });
    }
    const room = rooms.room(peer.callId);
    if (room) {
      s.broadcast(
        room,
        { type: 'peer-state', peerId: peer.id, muted: peer.muted, speaking: peer.speaking },
        peer,
      );
    }
    if (muteChanged) s.recordQuietly({ ...s.eventBase(peer), kind: 'mute', muted: msg.muted });
  }

  async function verify(conn: Conn, msg: Extract<LiveClientMessage, { type: 'verify' }>): Promise<void> {
    const peer = requirePeer(conn);
    const other = await otherPeer(peer, msg.peer);
    try {
      await s.record({
        ...s.eventBase(peer),
        kind: 'verification',
        result: msg.result,
        code: msg.code,
        withPeerId: other.id,
        withUserId: other.actor.userId,
        withDisplayName: other.actor.displayName,
      });
    } catch (err) {
      log.error({ err, callId: peer.callId }, 'could not record a verification result');
      throw new LiveProtocolError(
        'record_failed',
        'Your verification result could not be written to the call log. Report it again.',
      );
    }
    const room = rooms.room(peer.callId);
    const result: LiveServerMessage = {
      type: 'verification',
      by: peer.id,
      peer: other.id,
      result: msg.result,
    };
    if (room) s.broadcast(room, result, peer);
    s.publish({ k: 'room', callId: peer.callId, msg: result, except: peer.id });
  }

  async function handle(conn: Conn, actor: LiveActor, msg: LiveClientMessage): Promise<void> {
    switch (msg.type) {
      case 'ping':
        send(conn, { type: 'pong', ...(msg.t === undefined ? {} : { t: msg.t }) });
        return;
      case 'join':
        return handleJoin(conn, actor, msg);
      case 'leave':
        removePeer(requirePeer(conn), 'left');
        return;
      case 'signal':
        return relaySignal(conn, msg);
      case 'state':
        return setState(conn, msg);
      case 'verify':
        return verify(conn, msg);
    }
  }

  function onMessage(conn: Conn, authed: Promise<LiveActor | null>, data: unknown): void {
    const text = frameText(data);
    if (!conn.rate.take()) {
      send(conn, {
        type: 'error',
        code: 'bad_message',
        detail: `Too many messages: at most ${RATE_PER_SECOND} per second. This one was dropped.`,
        fatal: false,
      });
      return;
    }
    conn.chain = conn.chain.then(async () => {
      const actor = await authed;
      // A connection whose session ended is closed; anything it still sent is not handled.
      if (!actor || conn.actor === null) return;
      if (s.expired(conn.actor)) {
        endConnection(conn, SESSION_EXPIRED);
        return;
      }
      let parsed: LiveClientMessage;
      try {
        parsed = parseClientMessage(text);
      } catch (err) {
        send(conn, {
          type: 'error',
          code: 'bad_message',
          detail: `The message was not understood (${(err as Error).message}). Send JSON as in the live protocol.`,
          fatal: false,
        });
        return;
      }
      try {
        await handle(conn, actor, parsed);
      } catch (err) {
        if (err instanceof LiveProtocolError) {
          send(conn, { type: 'error', code: err.code, detail: err.message, fatal: false });
          return;
        }
        log.error({ err, type: parsed.type }, 'live message failed');
        send(conn, {
          type: 'error',
          code: 'internal',
          detail: 'Something went wrong on the server with that message; it was logged. Try again.',
          fatal: false,
        });
      }
    });
  }

  return { onMessage };
}
