import { type Backplane, type ClusterEvent, callFull, newNodeId, type PeerInfo } from './backplane.js';

/** One process (the embedded database): membership in a map, and no other node to tell. */
export class MemoryBackplane implements Backplane {
  readonly clustered = false;
  readonly heartbeatMs = 0;
  private readonly peersById = new Map<string, { info: PeerInfo; tokenHash: string }>();

  constructor(readonly nodeId: string = newNodeId()) {}

  async start(_onEvent: (ev: ClusterEvent) => void): Promise<void> {}

  async publish(_ev: ClusterEvent): Promise<void> {}

  async admit(peer: PeerInfo, tokenHash: string, maxPeers: number): Promise<void> {
    let n = 0;
    for (const p of this.peersById.values()) if (p.info.callId === peer.callId) n++;
    if (n >= maxPeers) throw callFull(maxPeers);
    this.peersById.set(peer.id, { info: { ...peer }, tokenHash });
  }

  async remove(peerId: string, node?: string): Promise<boolean> {
    const p = this.peersById.get(peerId);
    if (!p || (node !== undefined && p.info.node !== node)) return false;
    this.peersById.delete(peerId);
    return true;
  }

  async removeCall(callId: string): Promise<PeerInfo[]> {
    const out: PeerInfo[] = [];
    for (const [id, p] of this.peersById) {
      if (p.info.callId !== callId) continue;
      this.peersById.delete(id);
      out.push(p.info);
    }
    return out;
  }

  async claim(
    tokenHash: string,
    newTokenHash: string,
    callId: string,
    userId: string,
  ): Promise<PeerInfo | null> {
    for (const p of this.peersById.values()) {
      if (p.tokenHash !== tokenHash) continue;
      if (p.info.callId !== callId || p.info.actor.userId !== userId) return null;
      p.tokenHash = newTokenHash;
      p.info.node = this.nodeId;
      return { ...p.info };
    }
    return null;
  }

  async setState(peerId: string, muted: boolean, speaking: boolean): Promise<void> {
    const p = this.peersById.get(peerId);
    if (p) Object.assign(p.info, { muted, speaking });
  }

  async peers(callId: string): Promise<PeerInfo[]> {
    return [...this.peersById.values()].filter((p) => p.info.callId === callId).map((p) => ({ ...p.info }));
  }

  async heartbeat(_graceMs: number): Promise<PeerInfo[]> {
    return [];
  }

  async close(): Promise<void> {}
}
