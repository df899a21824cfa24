import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LiveServerMessage } from '@hotline/contract';
import { LiveProtocolError } from './protocol.js';
import type { CallAccessGrant, LiveActor } from './types.js';

/**
 * What every node of a cluster must agree on about a peer in a call's room (its socket is on
 * exactly one node, `node`).
 */
export interface PeerInfo {
  id: string;
  callId: string;
  actor: LiveActor;
  grant: CallAccessGrant;
  muted: boolean;
  speaking: boolean;
  node: string;
}

/**
 * What nodes tell each other. A node applies its own change at once and publishes it; the
 * others apply it to their copy of the room and to the sockets they hold.
 */
export type ClusterEvent =
  | { k: 'join'; peer: PeerInfo }
  | { k: 'leave'; callId: string; peerId: string; reason: 'left' | 'timeout' | 'ended' }
  | { k: 'state'; callId: string; peerId: string; muted: boolean; speaking: boolean }
  /** A message for every peer of a call but one (a verification result). */
  | { k: 'room'; callId: string; msg: LiveServerMessage; except?: string }
  /** A message for one peer, delivered by the node holding its socket (queued while it is away). */
  | { k: 'peer'; peerId: string; msg: LiveServerMessage }
  /** A peer resumed on `node`: the node that held its old socket closes it and hands over what it queued. */
  | { k: 'resumed'; callId: string; peerId: string; node: string }
  | { k: 'end'; callId: string; detail: string }
  /** The per-person channel: whatever the app pushes to a person reaches each of their sockets. */
  | { k: 'user'; userId: string; msg: LiveServerMessage }
  /** One message for each socket of several people (a conversation's members): one event, not one per person. */
  | { k: 'users'; userIds: string[]; msg: LiveServerMessage }
  /** Close every socket of a person (signed out, session ended, account disabled). */
  /** Close a person's sockets (all of them, or those of these sessions only). */
  | { k: 'kick'; userId: string; detail: string; sessionIds?: string[] };

/**
 * The room membership every node agrees on, and the channel between nodes. On PostgreSQL
 * (backplane-postgres.ts) membership is rows in live_peers and the channel is LISTEN/NOTIFY; on
 * the embedded database, one process, it is all in memory (backplane-memory.ts).
 */
export interface Backplane {
  readonly nodeId: string;
  /** True when other nodes may exist (events are published, heartbeats sent, dead nodes swept). */
  readonly clustered: boolean;
  /** How often a clustered node beats and sweeps dead nodes' peers (a node silent 3 beats is dead). */
  readonly heartbeatMs: number;
  /** Starts receiving other nodes' events. */
  start(onEvent: (ev: ClusterEvent) => void): Promise<void>;
  /** Tells every other node. */
  publish(ev: ClusterEvent): Promise<void>;
  /** Adds a peer to its room, or refuses with call_full past the mesh limit (atomic across nodes). */
  admit(peer: PeerInfo, tokenHash: string, maxPeers: number): Promise<void>;
  /** Takes a peer out; with `node`, only while that node still holds it. True when it was removed. */
  remove(peerId: string, node?: string): Promise<boolean>;
  /** Takes every peer of a call out (the call ended); returns them. */
  removeCall(callId: string): Promise<PeerInfo[]>;
  /**
   * Moves the peer a resume token belongs to (in that call, for that person) to this node and
   * swaps its token, atomically: the token is spent. Null when there is no such peer.
   */
  claim(tokenHash: string, newTokenHash: string, callId: string, userId: string): Promise<PeerInfo | null>;
  setState(peerId: string, muted: boolean, speaking: boolean): Promise<void>;
  /** The room as every node sees it. */
  peers(callId: string): Promise<PeerInfo[]>;
  /** Records this node alive; removes and returns the peers of nodes silent past `graceMs`. */
  heartbeat(graceMs: number): Promise<PeerInfo[]>;
  close(): Promise<void>;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A node id for logs and the X-Hotline-Node header: HOTLINE_NODE_ID, or host, pid and a random tail. */
export function newNodeId(configured?: string): string {
  if (configured) return configured;
  return `${hostname().split('.')[0]}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export function callFull(maxPeers: number): LiveProtocolError {
  return new LiveProtocolError(
    'call_full',
    `This call already has ${maxPeers} connections, the most a peer-to-peer call carries. Ask someone to leave, or close a duplicate tab.`,
  );
}
