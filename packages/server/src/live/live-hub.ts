import { randomBytes } from 'node:crypto';
import websocket from '@fastify/websocket';
import { isHotlineError } from '@hotline/common';
import {
  LIVE_CLOSE,
  type LiveClientMessage,
  LiveClientMessageSchema,
  type LiveErrorCode,
  type LivePeer,
  type LiveServerMessage,
} from '@hotline/contract';
import type { FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { App } from '../http/types.js';
import { sendingMediaSections } from './sdp.js';
import type { CallAccessGrant, CallEvent, LiveActor, LiveDeps } from './types.js';

export const LIVE_PATH = '/api/v1/live';
const MAX_MESSAGE_BYTES = 128 * 1024;
const MAX_QUEUED_PER_PEER = 500;
/** Token bucket per connection: a burst of ICE candidates for 5 peers fits, a flood does not. */
const RATE_BURST = 400;
const RATE_PER_SECOND = 100;
const OPEN = 1;

interface Conn {
  socket: WebSocket;
  actor: LiveActor | null;
  peer: Peer | null;
  /** Messages of one connection are handled one after the other (a join awaits the access check). */
  chain: Promise<void>;
  tokens: number;
  lastRefill: number;
}

interface Peer {
  id: string;
  callId: string;
  actor: LiveActor;
  grant: CallAccessGrant;
  muted: boolean;
  speaking: boolean;
  resumeToken: string;
  conn: Conn | null;
  graceTimer: NodeJS.Timeout | null;
  /** Signals for a peer whose socket dropped, delivered when it resumes. */
  queue: string[];
}

interface Room {
  callId: string;
  peers: Map<string, Peer>;
  /** Joins admitted but not yet recorded: they count against the mesh limit. */
  pending: number;
}

/** What the hub exposes to the rest of the server (the calls service, tests, ops). */
export interface LiveHub {
  /** The peers in a call right now, including ones within their resume grace period. */
  peers(callId: string): LivePeer[];
  /** Ends a call for everyone (the secretariat ended it, or the call was closed). */
  endCall(callId: string, detail: string): Promise<void>;
  /** Cuts one peer's WebSocket as a network failure would; the peer may resume. For tests and ops. */
  dropConnection(peerId: string): boolean;
  close(): Promise<void>;
}

class LiveProtocolError extends Error {
  constructor(
    readonly code: LiveErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

function newId(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

function send(conn: Conn | null, msg: LiveServerMessage): void {
  if (conn && conn.socket.readyState === OPEN) conn.socket.send(JSON.stringify(msg));
}

function errorFromAccess(err: unknown): LiveProtocolError | null {
  if (!isHotlineError(err)) return null;
  const code: LiveErrorCode =
    err.status === 401 ? 'unauthenticated' : err.status === 410 ? 'call_ended' : 'forbidden';
  return new LiveProtocolError(code, err.detail);
}

function describePeer(p: Peer): LivePeer {
  return {
    peerId: p.id,
    userId: p.actor.userId,
    displayName: p.actor.displayName,
    role: p.grant.role,
    canSend: p.grant.canSend,
    muted: p.muted,
    speaking: p.speaking,
  };
}

/**
 * The WebSocket hub at /api/v1/live: authenticates the upgrade, admits a connection to one
 * call after CallAccess says yes, relays SDP and ICE candidates only between members of that
 * call, and keeps a dropped peer's identity for a grace period so it can resume.
 */
export async function liveRoutes(app: App, deps: LiveDeps): Promise<LiveHub> {
  const graceMs = deps.resumeGraceMs ?? 20_000;
  const maxPeers = deps.maxPeersPerCall ?? 6;
  const log = deps.logger;
  const rooms = new Map<string, Room>();
  const peersById = new Map<string, Peer>();
  const peersByToken = new Map<string, Peer>();
  const conns = new Set<Conn>();
  /** Events are recorded in order per call, also across a room that empties and fills again. */
  const eventChains = new Map<string, Promise<void>>();
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

  function eventBase(p: Peer) {
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

  function broadcast(room: Room, msg: LiveServerMessage, except?: Peer): void {
    for (const p of room.peers.values()) if (p !== except) send(p.conn, msg);
  }

  function deliver(target: Peer, msg: LiveServerMessage): void {
    if (target.conn && target.conn.socket.readyState === OPEN) {
      target.conn.socket.send(JSON.stringify(msg));
      return;
    }
    target.queue.push(JSON.stringify(msg));
    if (target.queue.length > MAX_QUEUED_PER_PEER) target.queue.shift();
  }

  function removePeer(peer: Peer, reason: 'left' | 'timeout' | 'ended'): void {
    const room = rooms.get(peer.callId);
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = null;
    peersById.delete(peer.id);
    peersByToken.delete(peer.resumeToken);
    if (peer.conn) peer.conn.peer = null;
    if (!room || room.peers.get(peer.id) !== peer) return;
    room.peers.delete(peer.id);
    if (room.peers.size === 0 && room.pending === 0) rooms.delete(room.callId);
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

  function joinedMessage(peer: Peer, room: Room, resumed: boolean): LiveServerMessage {
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
      const mapped = errorFromAccess(err);
      if (mapped) throw mapped;
      throw err;
    }

    const resuming = msg.resumeToken ? peersByToken.get(msg.resumeToken) : undefined;
    if (resuming && resuming.callId === msg.callId && resuming.actor.userId === actor.userId) {
      const room = rooms.get(resuming.callId);
      if (room && room.peers.get(resuming.id) === resuming) {
        const old = resuming.conn;
        if (old && old !== conn) {
          old.peer = null;
          old.socket.close(LIVE_CLOSE.replaced, 'resumed on another connection');
        }
        if (resuming.graceTimer) clearTimeout(resuming.graceTimer);
        resuming.graceTimer = null;
        peersByToken.delete(resuming.resumeToken);
        resuming.resumeToken = newId('', 32);
        peersByToken.set(resuming.resumeToken, resuming);
        resuming.grant = grant;
        resuming.conn = conn;
        conn.peer = resuming;
        send(conn, joinedMessage(resuming, room, true));
        const queued = resuming.queue.splice(0);
        for (const raw of queued) conn.socket.send(raw);
        log.debug({ callId: room.callId, peerId: resuming.id }, 'peer resumed');
        return;
      }
    }

    let room = rooms.get(msg.callId);
    if (!room) {
      room = { callId: msg.callId, peers: new Map(), pending: 0 };
      rooms.set(msg.callId, room);
    }
    if (room.peers.size + room.pending >= maxPeers) {
      throw new LiveProtocolError(
        'call_full',
        `This call already has ${maxPeers} connections, the most a peer-to-peer call carries. Ask someone to leave, or close a duplicate tab.`,
      );
    }
    const peer: Peer = {
      id: newId('p_', 12),
      callId: msg.callId,
      actor,
      grant,
      muted: false,
      speaking: false,
      resumeToken: newId('', 32),
      conn,
      graceTimer: null,
      queue: [],
    };
    room.pending++;
    try {
      await record({ ...eventBase(peer), kind: 'join', canSend: grant.canSend });
    } catch (err) {
      log.error({ err, callId: msg.callId }, 'could not record a join; refusing it');
      throw new LiveProtocolError(
        'record_failed',
        'Your join could not be written to the call log, so you were not admitted. Try again in a moment.',
      );
    } finally {
      room.pending--;
    }
    if (conn.socket.readyState !== OPEN) {
      // The socket closed while the join was being recorded: the peer joined and left at once.
      room.peers.set(peer.id, peer);
      peer.conn = null;
      removePeer(peer, 'left');
      return;
    }
    room.peers.set(peer.id, peer);
    rooms.set(room.callId, room);
    peersById.set(peer.id, peer);
    peersByToken.set(peer.resumeToken, peer);
    conn.peer = peer;
    send(conn, joinedMessage(peer, room, false));
    broadcast(room, { type: 'peer-joined', peer: describePeer(peer) }, peer);
  }

  function requirePeer(conn: Conn): Peer {
    if (!conn.peer)
      throw new LiveProtocolError('not_joined', 'Join a call first: send "join" with its callId.');
    return conn.peer;
  }

  function roomPeer(peer: Peer, other: string): Peer {
    const target = rooms.get(peer.callId)?.peers.get(other);
    if (!target || target === peer) {
      throw new LiveProtocolError('unknown_peer', `Peer ${other} is not in this call (it may have left).`);
    }
    return target;
  }

  async function handle(conn: Conn, actor: LiveActor, msg: LiveClientMessage): Promise<void> {
    switch (msg.type) {
      case 'ping':
        send(conn, { type: 'pong', ...(msg.t === undefined ? {} : { t: msg.t }) });
        return;
      case 'join':
        await handleJoin(conn, actor, msg);
        return;
      case 'leave': {
        const peer = requirePeer(conn);
        removePeer(peer, 'left');
        return;
      }
      case 'signal': {
        const peer = requirePeer(conn);
        const target = roomPeer(peer, msg.to);
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
        return;
      }
      case 'state': {
        const peer = requirePeer(conn);
        const muteChanged = peer.muted !== msg.muted;
        peer.muted = msg.muted;
        peer.speaking = msg.muted ? false : (msg.speaking ?? peer.speaking);
        const room = rooms.get(peer.callId);
        if (room) {
          broadcast(
            room,
            { type: 'peer-state', peerId: peer.id, muted: peer.muted, speaking: peer.speaking },
            peer,
          );
        }
        if (muteChanged) recordQuietly({ ...eventBase(peer), kind: 'mute', muted: msg.muted });
        return;
      }
      case 'verify': {
        const peer = requirePeer(conn);
        const other = roomPeer(peer, msg.peer);
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
        const room = rooms.get(peer.callId);
        if (room)
          broadcast(room, { type: 'verification', by: peer.id, peer: other.id, result: msg.result }, peer);
        return;
      }
    }
  }

  function takeToken(conn: Conn): boolean {
    const now = Date.now();
    conn.tokens = Math.min(RATE_BURST, conn.tokens + ((now - conn.lastRefill) / 1000) * RATE_PER_SECOND);
    conn.lastRefill = now;
    if (conn.tokens < 1) return false;
    conn.tokens -= 1;
    return true;
  }

  function onMessage(conn: Conn, authed: Promise<LiveActor | null>, data: unknown): void {
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data as Buffer[]).toString('utf8')
        : Buffer.from(data as ArrayBuffer).toString('utf8');
    if (!takeToken(conn)) {
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
      if (!actor) return;
      let parsed: LiveClientMessage;
      try {
        if (text.length > MAX_MESSAGE_BYTES) throw new Error(`larger than ${MAX_MESSAGE_BYTES} bytes`);
        const result = LiveClientMessageSchema.safeParse(JSON.parse(text));
        if (!result.success) {
          const issue = result.error.issues[0];
          throw new Error(`${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`);
        }
        parsed = result.data;
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
      conn.actor = actor;
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
      tokens: RATE_BURST,
      lastRefill: Date.now(),
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
      return [...(rooms.get(callId)?.peers.values() ?? [])].map(describePeer);
    },
    async endCall(callId, detail) {
      const room = rooms.get(callId);
      if (!room) return;
      for (const peer of [...room.peers.values()]) {
        const conn = peer.conn;
        removePeer(peer, 'ended');
        if (conn) fail(conn, 'call_ended', detail, LIVE_CLOSE.ended);
      }
      await (eventChains.get(callId) ?? Promise.resolve());
    },
    dropConnection(peerId) {
      const conn = peersById.get(peerId)?.conn;
      if (!conn) return false;
      conn.socket.terminate();
      return true;
    },
    async close() {
      closed = true;
      for (const peer of peersById.values()) if (peer.graceTimer) clearTimeout(peer.graceTimer);
      for (const conn of conns) conn.socket.terminate();
      await Promise.all([...eventChains.values()]);
    },
  };
  app.addHook('onClose', async () => hub.close());
  return hub;
}
