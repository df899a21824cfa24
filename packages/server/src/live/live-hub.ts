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
import {
  errorFromAccess,
  frameText,
  LiveProtocolError,
  MAX_MESSAGE_BYTES,
  parseClientMessage,
  RATE_PER_SECOND,
  RateBucket,
} from './protocol.js';
import { describePeer, type Peer, type Room, Rooms } from './rooms.js';
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
export async function liveRoutes(app: App, deps: LiveDeps): Promise<LiveHub> {
  const graceMs = deps.resumeGraceMs ?? 20_000;
  const log = deps.logger;
  const rooms = new Rooms<Conn>(deps.maxPeersPerCall ?? 6);
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
    for (const p of room.peers.values()) if (p !== except) send(p.conn, msg);
  }

  function deliver(target: Peer<Conn>, msg: LiveServerMessage): void {
    if (target.conn && target.conn.socket.readyState === OPEN) target.conn.socket.send(JSON.stringify(msg));
    else rooms.queue(target, JSON.stringify(msg));
  }

  function removePeer(peer: Peer<Conn>, reason: 'left' | 'timeout' | 'ended'): void {
    if (peer.conn) peer.conn.peer = null;
    const room = rooms.remove(peer);
    if (!room) return;
    broadcast(room, { type: 'peer-left', peerId: peer.id, reason });
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

  function resume(conn: Conn, peer: Peer<Conn>, grant: CallAccessGrant): void {
    const room = rooms.room(peer.callId)!;
    const old = peer.conn;
    if (old && old !== conn) {
      old.peer = null;
      old.socket.close(LIVE_CLOSE.replaced, 'resumed on another connection');
    }
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = null;
    rooms.renewToken(peer);
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
    const resuming = rooms.resumable(msg.resumeToken, msg.callId, actor.userId);
    if (resuming) return resume(conn, resuming, grant);

    const room = rooms.reserve(msg.callId);
    const peer = rooms.newPeer(msg.callId, actor, grant, conn);
    try {
      await record({ ...eventBase(peer), kind: 'join', canSend: grant.canSend });
    } catch (err) {
      log.error({ err, callId: msg.callId }, 'could not record a join; refusing it');
      throw new LiveProtocolError(
        'record_failed',
        'Your join could not be written to the call log, so you were not admitted. Try again in a moment.',
      );
    } finally {
      rooms.release(room);
    }
    rooms.add(room, peer);
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

  function relaySignal(conn: Conn, msg: Extract<LiveClientMessage, { type: 'signal' }>): void {
    const peer = requirePeer(conn);
    const target = rooms.other(peer, msg.to);
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
    const other = rooms.other(peer, msg.peer);
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
    if (room)
      broadcast(room, { type: 'verification', by: peer.id, peer: other.id, result: msg.result }, peer);
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
      if (!peer.conn) removePeer(peer, 'timeout');
    }, graceMs);
    peer.graceTimer.unref?.();
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
  const sweep = setInterval(() => {
    for (const conn of [...conns])
      if (conn.actor && expired(conn.actor)) endConnection(conn, SESSION_EXPIRED);
    const forget = Date.now() - ENDED_SESSION_MEMORY_MS;
    for (const [id, at] of endedSessions) if (at < forget) endedSessions.delete(id);
  }, deps.sessionSweepMs ?? 500);
  sweep.unref?.();

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

  const hub: LiveHub = {
    peers(callId) {
      return [...(rooms.room(callId)?.peers.values() ?? [])].map(describePeer);
    },
    async endCall(callId, detail) {
      const room = rooms.room(callId);
      if (!room) return;
      for (const peer of [...room.peers.values()]) {
        const conn = peer.conn;
        removePeer(peer, 'ended');
        if (conn) fail(conn, 'call_ended', detail, LIVE_CLOSE.ended);
      }
      await (eventChains.get(callId) ?? Promise.resolve());
    },
    async disconnectUser(userId, detail) {
      const callIds = new Set<string>();
      for (const conn of [...conns]) {
        if (conn.actor?.userId !== userId) continue;
        if (conn.actor.sessionId) endedSessions.set(conn.actor.sessionId, Date.now());
        const callId = endConnection(conn, detail);
        if (callId) callIds.add(callId);
      }
      // Peers within their resume grace period (no connection now) leave too.
      for (const peer of rooms.peersOf(userId)) {
        callIds.add(peer.callId);
        removePeer(peer, 'left');
      }
      await Promise.all([...callIds].map((id) => eventChains.get(id) ?? Promise.resolve()));
    },
    async disconnectSessions(userId, sessionIds, detail) {
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
        if (peer.conn || !peer.actor.sessionId || !ended.has(peer.actor.sessionId)) continue;
        callIds.add(peer.callId);
        removePeer(peer, 'left');
      }
      await Promise.all([...callIds].map((id) => eventChains.get(id) ?? Promise.resolve()));
    },
    dropConnection(peerId) {
      const conn = rooms.peer(peerId)?.conn;
      if (!conn) return false;
      conn.socket.terminate();
      return true;
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      for (const conn of conns) if (conn.expiryTimer) clearTimeout(conn.expiryTimer);
      for (const peer of rooms.allPeers()) if (peer.graceTimer) clearTimeout(peer.graceTimer);
      for (const conn of conns) conn.socket.terminate();
      await Promise.all([...eventChains.values()]);
    },
  };
  app.addHook('onClose', async () => hub.close());
  return hub;
}
