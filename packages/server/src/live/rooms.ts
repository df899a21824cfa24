import { randomBytes } from 'node:crypto';
import type { LivePeer } from '@hotline/contract';
import type { PeerInfo } from './backplane.js';
import { LiveProtocolError, MAX_QUEUED_PER_PEER } from './protocol.js';
import type { CallAccessGrant, LiveActor } from './types.js';

/**
 * The rooms of in-app calls as plain state, with no sockets: who is in which call, who may
 * resume with which token, and the mesh limit. The hub (live-hub.ts) owns the sockets and
 * calls these methods; `C` is whatever it keeps per connection.
 */
export interface Peer<C> {
  id: string;
  callId: string;
  actor: LiveActor;
  grant: CallAccessGrant;
  muted: boolean;
  speaking: boolean;
  resumeToken: string;
  /** The node holding the peer's socket (this one, or another of the cluster). */
  node: string;
  conn: C | null;
  graceTimer: NodeJS.Timeout | null;
  /** Signals for a peer whose socket dropped, delivered when it resumes. */
  queue: string[];
}

export interface Room<C> {
  callId: string;
  peers: Map<string, Peer<C>>;
  /** Joins admitted but not yet recorded: they count against the mesh limit. */
  pending: number;
}

export function newId(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

export function peerInfo<C>(p: Peer<C>): PeerInfo {
  return {
    id: p.id,
    callId: p.callId,
    actor: p.actor,
    grant: p.grant,
    muted: p.muted,
    speaking: p.speaking,
    node: p.node,
  };
}

export function describePeer<C>(p: Peer<C>): LivePeer {
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

export class Rooms<C> {
  private readonly rooms = new Map<string, Room<C>>();
  private readonly byId = new Map<string, Peer<C>>();
  private readonly byToken = new Map<string, Peer<C>>();

  constructor(private readonly maxPeers: number) {}

  room(callId: string): Room<C> | undefined {
    return this.rooms.get(callId);
  }

  peer(peerId: string): Peer<C> | undefined {
    return this.byId.get(peerId);
  }

  allPeers(): IterableIterator<Peer<C>> {
    return this.byId.values();
  }

  /** The peer a resume token belongs to, if it is still in that call for that person. */
  resumable(token: string | undefined, callId: string, userId: string): Peer<C> | null {
    const p = token ? this.byToken.get(token) : undefined;
    if (!p || p.callId !== callId || p.actor.userId !== userId) return null;
    return this.rooms.get(callId)?.peers.get(p.id) === p ? p : null;
  }

  /** Gives a resuming peer a fresh token (the old one is spent). */
  renewToken(p: Peer<C>, token: string = newId('', 32)): void {
    this.byToken.delete(p.resumeToken);
    p.resumeToken = token;
    this.byToken.set(p.resumeToken, p);
  }

  /**
   * Makes this copy of a call's room match the cluster's: peers on other nodes are added (with
   * no socket here), and ones no longer in it dropped. Returns the room.
   */
  sync(callId: string, infos: readonly PeerInfo[], keep: (p: Peer<C>) => boolean): Room<C> {
    let room = this.rooms.get(callId);
    if (!room) {
      room = { callId, peers: new Map(), pending: 0 };
      this.rooms.set(callId, room);
    }
    const ids = new Set(infos.map((i) => i.id));
    for (const p of [...room.peers.values()]) if (!ids.has(p.id) && !keep(p)) this.remove(p);
    for (const info of infos) {
      const p = room.peers.get(info.id);
      if (p) Object.assign(p, { muted: info.muted, speaking: info.speaking, node: info.node });
      else this.add(room, this.adopt(info));
    }
    return room;
  }

  /** A peer known from another node (no socket, no token here). */
  adopt(info: PeerInfo): Peer<C> {
    return {
      id: info.id,
      callId: info.callId,
      actor: info.actor,
      grant: info.grant,
      muted: info.muted,
      speaking: info.speaking,
      resumeToken: '',
      node: info.node,
      conn: null,
      graceTimer: null,
      queue: [],
    };
  }

  /** Adds a peer known from another node to its room (creating the room in this copy). */
  addRemote(info: PeerInfo): Peer<C> {
    const existing = this.byId.get(info.id);
    if (existing) return existing;
    let room = this.rooms.get(info.callId);
    if (!room) room = { callId: info.callId, peers: new Map(), pending: 0 };
    const p = this.adopt(info);
    this.add(room, p);
    return p;
  }

  /** Holds a place in the call while its join is recorded; refuses past the mesh limit. */
  reserve(callId: string): Room<C> {
    let room = this.rooms.get(callId);
    if (!room) {
      room = { callId, peers: new Map(), pending: 0 };
      this.rooms.set(callId, room);
    }
    if (room.peers.size + room.pending >= this.maxPeers) {
      throw new LiveProtocolError(
        'call_full',
        `This call already has ${this.maxPeers} connections, the most a peer-to-peer call carries. Ask someone to leave, or close a duplicate tab.`,
      );
    }
    room.pending++;
    return room;
  }

  release(room: Room<C>): void {
    room.pending--;
    if (room.peers.size === 0 && room.pending === 0) this.rooms.delete(room.callId);
  }

  newPeer(callId: string, actor: LiveActor, grant: CallAccessGrant, conn: C | null, node = ''): Peer<C> {
    return {
      id: newId('p_', 12),
      callId,
      actor,
      grant,
      muted: false,
      speaking: false,
      resumeToken: newId('', 32),
      node,
      conn,
      graceTimer: null,
      queue: [],
    };
  }

  add(room: Room<C>, peer: Peer<C>): void {
    room.peers.set(peer.id, peer);
    this.rooms.set(room.callId, room);
    this.byId.set(peer.id, peer);
    if (peer.resumeToken) this.byToken.set(peer.resumeToken, peer);
  }

  /** Takes a peer out; returns its room if it was still in it (so the others are told). */
  remove(peer: Peer<C>): Room<C> | null {
    if (peer.graceTimer) clearTimeout(peer.graceTimer);
    peer.graceTimer = null;
    this.byId.delete(peer.id);
    this.byToken.delete(peer.resumeToken);
    const room = this.rooms.get(peer.callId);
    if (!room || room.peers.get(peer.id) !== peer) return null;
    room.peers.delete(peer.id);
    if (room.peers.size === 0 && room.pending === 0) this.rooms.delete(room.callId);
    return room;
  }

  /** Another peer of the same call, or a refusal naming it. */
  other(peer: Peer<C>, otherId: string): Peer<C> {
    const target = this.rooms.get(peer.callId)?.peers.get(otherId);
    if (!target || target === peer) {
      throw new LiveProtocolError('unknown_peer', `Peer ${otherId} is not in this call (it may have left).`);
    }
    return target;
  }

  /** Queues a message for a peer that is away (the oldest is dropped past the limit). */
  queue(peer: Peer<C>, raw: string): void {
    peer.queue.push(raw);
    if (peer.queue.length > MAX_QUEUED_PER_PEER) peer.queue.shift();
  }

  peersOf(userId: string): Peer<C>[] {
    return [...this.byId.values()].filter((p) => p.actor.userId === userId);
  }
}
