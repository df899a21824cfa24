import websocket from '@fastify/websocket';
import { isHotlineError } from '@hotline/common';
import {
  LIVE_CLOSE,
  type LiveClientMessage,
  type LiveErrorCode,
  type LivePeer,
  type LiveServerMessage,
} from '@hotline/contract';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { App } from '../http/types.js';
import { type Backplane, type ClusterEvent, hashToken } from './backplane.js';
import { MemoryBackplane } from './backplane-memory.js';
import {
  errorFromAccess,
  frameText,
  LiveProtocolError,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  RATE_PER_SECOND,
  RateBucket,
} from './protocol.js';
import { describePeer, newId, type Peer, peerInfo, type Room, Rooms } from './rooms.js';
import { sendingMediaSections } from './sdp.js';
import type { CallAccessGrant, CallEvent, LiveActor, LiveDeps } from './types.js';

export const LIVE_PATH = '/api/v1/live';
const SESSION_EXPIRED = 'Your session has expired. Sign in again.';
const OPEN = 1;

interface Conn {
  socket: WebSocket;
  actor: LiveActor | null;
  peer: Peer<Conn> | null;
  /** Messages of one connection are handled one after the other (a join awaits the access check). */
  chain: Promise<void>;
  rate: RateBucket;
  /** Closes the connection when its session expires (re-armed if the clock says not yet). */
  expiryTimer: NodeJS.Timeout | null;
}

/** setTimeout's longest delay (about 24.8 days); a later expiry re-arms the timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How long an ended session id is remembered, so a connection authenticated just before cannot slip through. */
const ENDED_SESSION_MEMORY_MS = 60_000;

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

function send(conn: Conn | null, msg: LiveServerMessage): void {
  if (conn && conn.socket.readyState === OPEN) conn.socket.send(JSON.stringify(msg));
}

/**
 * The WebSocket hub at /api/v1/live: authenticates the upgrade, admits a connection to one
 * call after CallAccess says yes, relays SDP and ICE candidates only between members of that
 * call, and keeps a dropped peer's identity for a grace period so it can resume. The rooms
 * themselves are plain state (rooms.ts); the message format and limits are in protocol.ts.
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
  const graceMs = deps.resumeGraceMs ?? 20_000;
  const log = deps.logger;
  const maxPeers = deps.maxPeersPerCall ?? 6;
  // Membership every node agrees on; the embedded database (one process) keeps it in memory.
  const backplane = deps.backplane ?? new MemoryBackplane();
  const nodeId = backplane.nodeId;
  const clustered = backplane.clustered;
  // This node's copy of the rooms; across nodes the backplane's count is the mesh limit.
  const rooms = new Rooms<Conn>(clustered ? Number.POSITIVE_INFINITY : maxPeers);
  const conns = new Set<Conn>();
  /** Events are recorded in order per call, also across a room that empties and fills again. */
  const eventChains = new Map<string, Promise<void>>();
  /** Sessions ended lately (id → when, in real time), refused if a connection authenticated with one in the meantime. */
  const endedSessions = new Map<string, number>();
  let closed = false;

  if (!app.hasDecorator('websocketServer')) {
    await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  }

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

  /** Takes a peer out of its room everywhere: the membership, this node's copy, the other nodes. */
  function removePeer(peer: Peer<Conn>, reason: 'left' | 'timeout' | 'ended'): void {
    forget(peer.id);
    removeLocal(peer, reason, true);
  }

  /** Takes a peer out of this node's copy and tells its peers here; `origin`: also record it and tell the other nodes. */
  function removeLocal(peer: Peer<Conn>, reason: 'left' | 'timeout' | 'ended', origin: boolean): void {
    if (peer.conn) peer.conn.peer = null;
    const room = rooms.remove(peer);
    if (!room) return;
    broadcast(room, { type: 'peer-left', peerId: peer.id, reason });
    if (!origin) return;
    publish({ k: 'leave', callId: peer.callId, peerId: peer.id, reason });
    recordQuietly({
      ...eventBase(peer),
      kind: 'leave',
      reason,
      remaining: [...room.peers.values()].map((p) => ({
        peerId: p.id,
        userId: p.actor.userId,
        role: p.grant.role,
      })),
    });
  }

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
    await syncRoom(msg.callId);
    if (!rooms.room(peer.callId)?.peers.has(peer.id)) rooms.addRemote(info).node = nodeId;
    resume(conn, rooms.peer(info.id)!, grant, token);
    publish({ k: 'resumed', callId: info.callId, peerId: info.id, node: nodeId });
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
      await record({ ...eventBase(peer), kind: 'join', canSend: grant.canSend });
    } catch (err) {
      forget(peer.id);
      log.error({ err, callId: msg.callId }, 'could not record a join; refusing it');
      throw new LiveProtocolError(
        'record_failed',
        'Your join could not be written to the call log, so you were not admitted. Try again in a moment.',
      );
    } finally {
      rooms.release(room);
    }
    rooms.add(room, peer);
    await syncRoom(msg.callId).catch((err: unknown) => log.error({ err }, 'could not read the room'));
    publish({ k: 'join', peer: peerInfo(peer) });
    if (conn.socket.readyState !== OPEN || conn.actor === null) {
      // The socket closed (or its session ended) while the join was being recorded: the peer
      // joined and left at once.
      peer.conn = null;
      removePeer(peer, 'left');
      return;
    }
    conn.peer = peer;
    send(conn, joinedMessage(peer, room, false));
    broadcast(room, { type: 'peer-joined', peer: describePeer(peer) }, peer);
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
      await syncRoom(peer.callId);
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
    deliver(target, {
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
      publish({
        k: 'state',
        callId: peer.callId,
        peerId: peer.id,
        muted: peer.muted,
        speaking: peer.speaking,
      });
    }
    const room = rooms.room(peer.callId);
    if (room) {
      broadcast(
        room,
        { type: 'peer-state', peerId: peer.id, muted: peer.muted, speaking: peer.speaking },
        peer,
      );
    }
    if (muteChanged) recordQuietly({ ...eventBase(peer), kind: 'mute', muted: msg.muted });
  }

  async function verify(conn: Conn, msg: Extract<LiveClientMessage, { type: 'verify' }>): Promise<void> {
    const peer = requirePeer(conn);
    const other = await otherPeer(peer, msg.peer);
    try {
      await record({
        ...eventBase(peer),
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
    if (room) broadcast(room, result, peer);
    publish({ k: 'room', callId: peer.callId, msg: result, except: peer.id });
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
      if (expired(conn.actor)) {
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

  function onClose(conn: Conn): void {
    conns.delete(conn);
    if (conn.expiryTimer) clearTimeout(conn.expiryTimer);
    conn.expiryTimer = null;
    const peer = conn.peer;
    conn.peer = null;
    if (!peer || peer.conn !== conn || closed) return;
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

  /** Closes a person's sockets on this node; their peers held here leave (recorded here). */
  /** This node's sockets of a person close at once; their peers here (also any in their grace period) leave. */
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

  /** What another node did. */
  function onClusterEvent(ev: ClusterEvent): void {
    switch (ev.k) {
      case 'join': {
        if (rooms.peer(ev.peer.id)) return;
        const p = rooms.addRemote(ev.peer);
        const room = rooms.room(p.callId);
        if (room) broadcast(room, { type: 'peer-joined', peer: describePeer(p) }, p);
        return;
      }
      case 'leave': {
        const p = rooms.peer(ev.peerId);
        if (p) removeLocal(p, ev.reason, false);
        return;
      }
      case 'state': {
        const p = rooms.peer(ev.peerId);
        const room = rooms.room(ev.callId);
        if (!p || !room) return;
        p.muted = ev.muted;
        p.speaking = ev.speaking;
        broadcast(room, { type: 'peer-state', peerId: p.id, muted: p.muted, speaking: p.speaking }, p);
        return;
      }
      case 'room': {
        const room = rooms.room(ev.callId);
        if (room) broadcast(room, ev.msg, ev.except ? room.peers.get(ev.except) : undefined);
        return;
      }
      case 'peer': {
        const p = rooms.peer(ev.peerId);
        if (p && p.node === nodeId) deliver(p, ev.msg);
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
        for (const raw of p.queue.splice(0)) publish({ k: 'peer', peerId: p.id, msg: JSON.parse(raw) });
        return;
      }
      case 'end':
        endLocal(ev.callId, ev.detail, false);
        return;
      case 'user':
        sendToUser(ev.userId, ev.msg);
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

  function fail(conn: Conn, code: LiveErrorCode, detail: string, closeCode: number): void {
    send(conn, { type: 'error', code, detail, fatal: true });
    conn.socket.close(closeCode, code);
  }

  function expired(actor: LiveActor): boolean {
    return !!actor.expiresAt && actor.expiresAt.getTime() <= deps.clock.now().getTime();
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
      if (expired(conn.actor)) endConnection(conn, SESSION_EXPIRED);
      else armExpiry(conn);
    }, wait);
    conn.expiryTimer.unref?.();
  }

  /** Each connection's expiry against the clock (which a test clock moves by jumps), and old ended-session ids forgotten. */
  const sessionSweep = setInterval(() => {
    for (const conn of [...conns])
      if (conn.actor && expired(conn.actor)) endConnection(conn, SESSION_EXPIRED);
    const forget = Date.now() - ENDED_SESSION_MEMORY_MS;
    for (const [id, at] of endedSessions) if (at < forget) endedSessions.delete(id);
  }, deps.sessionSweepMs ?? 500);
  sessionSweep.unref?.();

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
  let heartbeat: NodeJS.Timeout | null = null;
  if (clustered) {
    heartbeat = setInterval(() => {
      sweep().catch((err: unknown) => log.error({ err }, 'live heartbeat failed'));
    }, backplane.heartbeatMs);
    heartbeat.unref?.();
  }

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
        recordQuietly({
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
      publish({ k: 'end', callId, detail });
      await (eventChains.get(callId) ?? Promise.resolve());
    },
    async disconnectUser(userId, detail) {
      const callIds = disconnectLocal(userId, detail);
      publish({ k: 'kick', userId, detail });
      await Promise.all([...callIds].map((id) => eventChains.get(id) ?? Promise.resolve()));
    },
    async disconnectSessions(userId, sessionIds, detail) {
      const callIds = disconnectSessionsLocal(userId, sessionIds, detail);
      publish({ k: 'kick', userId, detail, sessionIds: [...sessionIds] });
      await Promise.all([...callIds].map((id) => eventChains.get(id) ?? Promise.resolve()));
    },
    notifyUser(userId, msg) {
      sendToUser(userId, msg);
      publish({ k: 'user', userId, msg });
    },
    dropConnection(peerId) {
      const conn = rooms.peer(peerId)?.conn;
      if (!conn) return false;
      conn.socket.terminate();
      return true;
    },
    async close() {
      closed = true;
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
