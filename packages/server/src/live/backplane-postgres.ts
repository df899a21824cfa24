import { type Backplane, type ClusterEvent, newNodeId, type PeerInfo } from './backplane.js';
import type { LiveRepository } from './repository.js';
import type { LiveLogger } from './types.js';

/** NOTIFY carries at most 8,000 bytes; a bigger event is stored and its id sent instead. */
const MAX_NOTIFY_BYTES = 7_000;

type Unlisten = () => Promise<void>;

interface Envelope {
  /** The node that sent it (a node ignores its own). */
  n: string;
  e?: ClusterEvent;
  /** Id of a live_messages row holding the event. */
  ref?: string;
}

export interface PostgresBackplaneOptions {
  repo: LiveRepository;
  listen(channel: string, onPayload: (p: string) => void, onError: (err: unknown) => void): Promise<Unlisten>;
  channel(name: string): string;
  logger: LiveLogger;
  nodeId?: string;
  /** How often this node says it is alive. Default 2 s; a node silent 3 beats is dead. */
  heartbeatMs?: number;
}

/**
 * Several processes on one PostgreSQL: membership in live_peers (the mesh limit under a
 * per-call advisory lock), events over LISTEN/NOTIFY on one channel, payloads over the NOTIFY
 * limit in live_messages. Needs no server besides PostgreSQL.
 */
export class PostgresBackplane implements Backplane {
  readonly clustered = true;
  readonly nodeId: string;
  readonly heartbeatMs: number;
  private readonly channelName: string;
  private unlisten: Unlisten | null = null;
  private outbox: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PostgresBackplaneOptions) {
    this.nodeId = newNodeId(opts.nodeId);
    this.heartbeatMs = opts.heartbeatMs ?? 2000;
    this.channelName = opts.channel('hotline_live');
  }

  async start(onEvent: (ev: ClusterEvent) => void): Promise<void> {
    try {
      const orphans = await this.opts.repo.orphan(this.nodeId, `${this.nodeId}~previous-${Date.now()}`);
      if (orphans > 0) {
        this.opts.logger.warn(
          { node: this.nodeId, peers: orphans },
          'peers of this node id from before a restart will expire unless they resume',
        );
      }
      await this.opts.repo.beat(this.nodeId);
    } catch (err) {
      // A database not migrated yet (readiness answers 503 until it is): the heartbeat starts
      // writing once the live tables exist. Anything else is a real failure.
      if ((err as { code?: string }).code !== '42P01') throw err;
      this.opts.logger.warn({ node: this.nodeId }, 'the live tables are missing: run "hotline migrate"');
    }
    // Events are handled in the order they arrive, a stored one (read back first) included:
    // an offer must reach a peer before the ICE candidates that follow it.
    let inbox: Promise<void> = Promise.resolve();
    this.unlisten = await this.opts.listen(
      'hotline_live',
      (payload) => {
        let env: Envelope;
        try {
          env = JSON.parse(payload) as Envelope;
        } catch {
          return;
        }
        if (env.n === this.nodeId) return;
        const ev: Promise<ClusterEvent | null> = env.e
          ? Promise.resolve(env.e)
          : env.ref
            ? this.opts.repo
                .loadMessage(env.ref)
                .then((raw) => (raw ? (JSON.parse(raw) as ClusterEvent) : null))
            : Promise.resolve(null);
        inbox = inbox
          .then(() => ev)
          .then((e) => {
            if (e) onEvent(e);
          })
          .catch((err: unknown) =>
            this.opts.logger.error({ err }, 'could not handle a live event from another node'),
          );
      },
      (err) => this.opts.logger.warn({ err }, 'live backplane: LISTEN connection failed; reconnecting'),
    );
  }

  /**
   * Tells the other nodes, in the order this node published: each NOTIFY is committed before the
   * next is sent (PostgreSQL delivers notifications in commit order).
   */
  publish(ev: ClusterEvent): Promise<void> {
    const sent = this.outbox.then(() => this.send(ev));
    this.outbox = sent.catch(() => undefined);
    return sent;
  }

  private async send(ev: ClusterEvent): Promise<void> {
    let payload = JSON.stringify({ n: this.nodeId, e: ev } satisfies Envelope);
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
      const ref = await this.opts.repo.storeMessage(JSON.stringify(ev));
      payload = JSON.stringify({ n: this.nodeId, ref } satisfies Envelope);
    }
    await this.opts.repo.notify(this.channelName, payload);
  }

  admit(peer: PeerInfo, tokenHash: string, maxPeers: number): Promise<void> {
    return this.opts.repo.admit(peer, tokenHash, maxPeers);
  }

  remove(peerId: string, node?: string): Promise<boolean> {
    return this.opts.repo.remove(peerId, node);
  }

  removeCall(callId: string): Promise<PeerInfo[]> {
    return this.opts.repo.removeCall(callId);
  }

  claim(tokenHash: string, newTokenHash: string, callId: string, userId: string): Promise<PeerInfo | null> {
    return this.opts.repo.claim(tokenHash, newTokenHash, callId, userId, this.nodeId);
  }

  setState(peerId: string, muted: boolean, speaking: boolean): Promise<void> {
    return this.opts.repo.setState(peerId, muted, speaking);
  }

  peers(callId: string): Promise<PeerInfo[]> {
    return this.opts.repo.peers(callId);
  }

  heartbeat(graceMs: number): Promise<PeerInfo[]> {
    return this.opts.repo.heartbeat(this.nodeId, 3 * this.heartbeatMs + graceMs);
  }

  async close(): Promise<void> {
    const u = this.unlisten;
    this.unlisten = null;
    await u?.();
  }
}
