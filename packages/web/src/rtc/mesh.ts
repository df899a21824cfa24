import type {
  LiveIceServer,
  LivePeer,
  LiveServerMessage,
  LiveServerMessageOf,
  VerificationResult,
} from '@hotline/contract';
import { LiveSocket } from './live-socket';
import { readStats } from './mesh-stats';
import type {
  Link,
  MeshCallOptions,
  MeshEvents,
  MeshPeerView,
  MeshSelfView,
  MeshSnapshot,
  MeshState,
} from './mesh-types';
import { shortAuthenticationString } from './sas';

export type {
  MeshCallOptions,
  MeshEvents,
  MeshPeerView,
  MeshSelfView,
  MeshSnapshot,
  MeshState,
  PeerStats,
} from './mesh-types';

/**
 * One call as a peer-to-peer mesh (up to 6): one RTCPeerConnection per remote peer, signaled
 * over the live WebSocket with the perfect negotiation pattern (the peer with the smaller id is
 * polite). Principals and interpreters send and receive; listeners never open the microphone
 * and only receive (recvonly transceivers). Framework-free: React reads `snapshot()` and
 * subscribes with `on('change')`.
 */

type Handler<K extends keyof MeshEvents> = (value: MeshEvents[K]) => void;

export class MeshCall {
  private readonly socket: LiveSocket;
  private readonly opts: MeshCallOptions;
  private readonly links = new Map<string, Link>();
  private peers = new Map<string, MeshPeerView>();
  private self: MeshSelfView | null = null;
  private state: MeshState = 'idle';
  private error: MeshSnapshot['error'] = null;
  private iceServers: LiveIceServer[] = [];
  private localStream: MediaStream | null = null;
  private chain: Promise<void> = Promise.resolve();
  private statsTimer: ReturnType<typeof setInterval> | null = null;
  private handlers: { [K in keyof MeshEvents]?: Set<Handler<K>> } = {};
  private snap: MeshSnapshot;

  constructor(opts: MeshCallOptions) {
    this.opts = opts;
    this.socket = new LiveSocket({ url: opts.liveUrl });
    this.socket.onMessage((msg) => {
      this.chain = this.chain
        .then(() => this.onMessage(msg))
        .catch((err: unknown) => console.error('live message failed', err));
    });
    this.socket.onState((s) => {
      if (s === 'reconnecting' && this.state === 'joined') this.state = 'reconnecting';
      this.changed();
    });
    this.snap = this.buildSnapshot();
  }

  on<K extends keyof MeshEvents>(event: K, fn: Handler<K>): () => void {
    let set = this.handlers[event] as Set<Handler<K>> | undefined;
    if (!set) {
      set = new Set();
      (this.handlers as Record<string, Set<Handler<K>>>)[event] = set;
    }
    set.add(fn);
    return () => set.delete(fn);
  }

  private emit<K extends keyof MeshEvents>(event: K, value: MeshEvents[K]): void {
    const set = this.handlers[event] as Set<Handler<K>> | undefined;
    if (set) for (const fn of set) fn(value);
  }

  /** The current state, as one immutable object per change (for useSyncExternalStore). */
  snapshot(): MeshSnapshot {
    return this.snap;
  }

  private buildSnapshot(): MeshSnapshot {
    return {
      state: this.state,
      socket: this.socket.state,
      error: this.error,
      self: this.self ? { ...this.self } : null,
      peers: [...this.peers.values()].map((p) => ({ ...p })),
      reconnects: this.socket.reconnects,
    };
  }

  private changed(): void {
    this.snap = this.buildSnapshot();
    this.emit('change', this.snap);
  }

  join(): void {
    if (this.state === 'joined' || this.state === 'connecting') return;
    this.state = 'connecting';
    this.error = null;
    this.changed();
    this.socket.join(this.opts.callId);
  }

  leave(): void {
    this.socket.leave();
    this.teardown();
    this.state = 'left';
    this.changed();
  }

  setMuted(muted: boolean): void {
    if (!this.self) return;
    for (const t of this.localStream?.getAudioTracks() ?? []) t.enabled = !muted;
    this.self.muted = muted;
    if (muted) this.self.speaking = false;
    this.socket.send({ type: 'state', muted, speaking: this.self.speaking });
    this.changed();
  }

  /** Records the result of comparing this pair's code with the counterpart. */
  reportVerification(peerId: string, result: VerificationResult): void {
    const peer = this.peers.get(peerId);
    if (!peer?.sas) return;
    peer.myVerification = result;
    this.socket.send({ type: 'verify', peer: peerId, result, code: peer.sas });
    if (result === 'mismatch')
      this.raiseAlarm(peer, 'The verification codes differ: someone may be listening in.');
    this.changed();
  }

  /** Drops the WebSocket as a network failure would; it reconnects and resumes. */
  dropConnectionForTest(): void {
    this.socket.dropForTest();
  }

  /** The peer connection to a peer (for tests and diagnostics). */
  peerConnection(peerId: string): RTCPeerConnection | null {
    return this.links.get(peerId)?.pc ?? null;
  }

  private raiseAlarm(peer: MeshPeerView, reason: string): void {
    peer.alarm = reason;
    this.emit('alarm', { peerId: peer.peerId, reason });
  }

  private async onMessage(msg: LiveServerMessage): Promise<void> {
    switch (msg.type) {
      case 'joined':
        await this.onJoined(msg);
        break;
      case 'peer-joined':
        this.addPeer(msg.peer);
        break;
      case 'peer-left':
        this.removePeer(msg.peerId);
        break;
      case 'peer-state': {
        const p = this.peers.get(msg.peerId);
        if (p) {
          p.muted = msg.muted;
          p.speaking = msg.speaking;
        }
        break;
      }
      case 'signal':
        await this.onSignal(msg);
        break;
      case 'verification': {
        const by = this.peers.get(msg.by);
        if (by && msg.peer === this.self?.peerId) {
          by.theirVerification = msg.result;
          if (msg.result === 'mismatch') {
            this.raiseAlarm(by, `${by.displayName} reports that the verification codes differ.`);
          }
        }
        break;
      }
      case 'error':
        this.error = { code: msg.code, detail: msg.detail };
        this.emit('error', this.error);
        if (this.state === 'connecting' || msg.fatal) {
          this.state = 'refused';
          if (msg.fatal) this.teardown();
        }
        break;
      case 'pong':
        return;
    }
    this.changed();
  }

  private async onJoined(msg: LiveServerMessageOf<'joined'>): Promise<void> {
    const sameIdentity = this.self?.peerId === msg.peerId;
    this.iceServers = msg.iceServers;
    this.error = null;
    if (!sameIdentity) {
      // First join, or the grace period passed and the server gave a new identity: start over.
      for (const peerId of [...this.links.keys()]) this.closeLink(peerId);
      this.peers.clear();
    }
    const muted = this.self?.muted ?? false;
    this.self = { peerId: msg.peerId, role: msg.you.role, canSend: msg.you.canSend, muted, speaking: false };
    if (msg.you.canSend && !this.localStream) {
      const gum = this.opts.getUserMedia ?? ((c) => navigator.mediaDevices.getUserMedia(c));
      this.localStream = await gum({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: false,
      });
      for (const t of this.localStream.getAudioTracks()) t.enabled = !muted;
    }
    if (!msg.you.canSend && this.localStream) {
      for (const t of this.localStream.getTracks()) t.stop();
      this.localStream = null;
    }
    this.state = 'joined';
    const present = new Set(msg.peers.map((p) => p.peerId));
    for (const peerId of [...this.peers.keys()]) if (!present.has(peerId)) this.removePeer(peerId);
    for (const p of msg.peers) this.addPeer(p, true);
    if (sameIdentity && msg.resumed) {
      // The signaling path was down; the network path may have changed too.
      for (const link of this.links.values()) link.pc.restartIce();
    }
    if (!this.statsTimer) {
      this.statsTimer = setInterval(() => void this.pollStats(), this.opts.statsIntervalMs ?? 1000);
    }
  }

  /** `newcomer`: I am joining and the peer was already there (from `joined`), not the other way. */
  private addPeer(p: LivePeer, newcomer = false): void {
    const existing = this.peers.get(p.peerId);
    if (existing) {
      Object.assign(existing, p);
      return;
    }
    this.peers.set(p.peerId, {
      ...p,
      connection: 'none',
      sas: null,
      myVerification: null,
      theirVerification: null,
      alarm: null,
      stats: null,
      speakingNow: false,
    });
    // Media flows only if one of the two sends; two listeners need no connection.
    if (this.self && (this.self.canSend || p.canSend)) {
      // One side makes the first offer, so a new pair never starts in glare: the sender towards
      // a listener, and the newcomer between two senders.
      const initiator = this.self.canSend && (!p.canSend || newcomer);
      this.openLink(p.peerId, initiator);
    }
  }

  private removePeer(peerId: string): void {
    this.closeLink(peerId);
    this.peers.delete(peerId);
  }

  private openLink(peerId: string, initiator: boolean): Link {
    const self = this.self!;
    const pc = new RTCPeerConnection({
      iceServers: this.iceServers as RTCIceServer[],
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    const link: Link = {
      peerId,
      pc,
      polite: self.peerId < peerId,
      initiator,
      negotiated: false,
      makingOffer: false,
      ignoreOffer: false,
      settingRemoteAnswer: false,
      audio: null,
      lastInbound: null,
    };
    this.links.set(peerId, link);

    pc.onnegotiationneeded = async () => {
      // Not before the first exchange unless this side starts it; never in mid-exchange (the
      // browser fires the event again once it is back to stable and still needs it).
      if ((!link.initiator && !link.negotiated) || pc.signalingState !== 'stable') return;
      try {
        link.makingOffer = true;
        await pc.setLocalDescription();
        if (pc.localDescription) this.signal(peerId, { description: pc.localDescription.toJSON() });
      } catch (err) {
        console.error('negotiation failed', err);
      } finally {
        link.makingOffer = false;
      }
    };
    pc.onicecandidate = (ev) => {
      if (ev.candidate?.candidate) this.signal(peerId, { candidate: ev.candidate.toJSON() });
    };
    pc.onconnectionstatechange = () => {
      const view = this.peers.get(peerId);
      if (view) view.connection = pc.connectionState;
      // A path that failed outright gets a new ICE round without waiting for signaling to drop.
      if (pc.connectionState === 'failed') pc.restartIce();
      this.changed();
    };
    pc.onsignalingstatechange = () => {
      if (pc.signalingState === 'stable' && pc.currentRemoteDescription) {
        link.negotiated = true;
        void this.updateSas(link);
      }
    };
    pc.ontrack = (ev) => {
      if (this.opts.playAudio === false || typeof document === 'undefined') return;
      const stream = ev.streams[0] ?? new MediaStream([ev.track]);
      if (!link.audio) {
        link.audio = document.createElement('audio');
        link.audio.autoplay = true;
      }
      link.audio.srcObject = stream;
      link.audio.play().catch(() => undefined);
    };

    if (self.canSend && this.localStream) {
      for (const track of this.localStream.getAudioTracks()) pc.addTrack(track, this.localStream);
    }
    // A listener adds nothing: the sender's offer creates its transceivers, which stay recvonly.
    return link;
  }

  private closeLink(peerId: string): void {
    const link = this.links.get(peerId);
    if (!link) return;
    this.links.delete(peerId);
    link.pc.onnegotiationneeded = null;
    link.pc.onicecandidate = null;
    link.pc.onconnectionstatechange = null;
    link.pc.close();
    if (link.audio) {
      link.audio.srcObject = null;
      link.audio = null;
    }
  }

  private signal(
    to: string,
    body: { description: RTCSessionDescriptionInit } | { candidate: RTCIceCandidateInit },
  ): void {
    if ('description' in body) {
      const d = body.description;
      this.socket.send({
        type: 'signal',
        to,
        description: { type: d.type, ...(d.sdp === undefined ? {} : { sdp: d.sdp }) },
      });
    } else {
      const c = body.candidate;
      this.socket.send({
        type: 'signal',
        to,
        candidate: {
          candidate: c.candidate ?? '',
          sdpMid: c.sdpMid ?? null,
          sdpMLineIndex: c.sdpMLineIndex ?? null,
          usernameFragment: c.usernameFragment ?? null,
        },
      });
    }
  }

  private async onSignal(msg: LiveServerMessageOf<'signal'>): Promise<void> {
    let link = this.links.get(msg.from);
    if (!link) {
      if (!this.peers.has(msg.from) || !this.self) return;
      link = this.openLink(msg.from, false);
    }
    const pc = link.pc;
    if (msg.description) {
      const description = msg.description as RTCSessionDescriptionInit;
      const readyForOffer = !link.makingOffer && (pc.signalingState === 'stable' || link.settingRemoteAnswer);
      const collision = description.type === 'offer' && !readyForOffer;
      link.ignoreOffer = !link.polite && collision;
      if (link.ignoreOffer) return;
      link.settingRemoteAnswer = description.type === 'answer';
      await pc.setRemoteDescription(description);
      link.settingRemoteAnswer = false;
      if (description.type === 'offer') {
        if (!this.self?.canSend) {
          for (const t of pc.getTransceivers()) if (t.direction !== 'stopped') t.direction = 'recvonly';
        }
        await pc.setLocalDescription();
        if (pc.localDescription) this.signal(link.peerId, { description: pc.localDescription.toJSON() });
      }
    } else if (msg.candidate) {
      try {
        await pc.addIceCandidate(msg.candidate as RTCIceCandidateInit);
      } catch (err) {
        if (!link.ignoreOffer) console.warn('could not add an ICE candidate', err);
      }
    }
  }

  private async updateSas(link: Link): Promise<void> {
    const local = link.pc.currentLocalDescription?.sdp;
    const remote = link.pc.currentRemoteDescription?.sdp;
    const view = this.peers.get(link.peerId);
    if (!local || !remote || !view) return;
    let code: string;
    try {
      code = await shortAuthenticationString(local, remote);
    } catch (err) {
      console.error('no verification code', err);
      return;
    }
    if (code === view.sas) return;
    if (view.sas && view.myVerification === 'verified') {
      this.raiseAlarm(view, 'The verification code changed after you verified it: compare codes again.');
    }
    if (view.sas) view.myVerification = null;
    view.sas = code;
    this.emit('sas', { peerId: link.peerId, code });
    this.changed();
  }

  private async pollStats(): Promise<void> {
    const threshold = this.opts.speakingThreshold ?? 0.02;
    let selfLevel: number | null = null;
    await Promise.all(
      [...this.links.values()].map(async (link) => {
        const report = await link.pc.getStats().catch(() => null);
        const view = this.peers.get(link.peerId);
        if (!report || !view) return;
        const { stats, sourceLevel } = readStats(report, link);
        if (sourceLevel !== null) selfLevel = Math.max(selfLevel ?? 0, sourceLevel);
        view.stats = stats;
        view.speakingNow = !view.muted && ((stats.audioLevel ?? 0) > threshold || view.speaking);
        this.emit('stats', { peerId: link.peerId, stats });
      }),
    );
    if (this.self?.canSend && selfLevel !== null) {
      const speaking = !this.self.muted && selfLevel > threshold;
      if (speaking !== this.self.speaking) {
        this.self.speaking = speaking;
        this.socket.send({ type: 'state', muted: this.self.muted, speaking });
      }
    }
    if (this.links.size > 0 || this.self) this.changed();
  }

  private teardown(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    for (const peerId of [...this.links.keys()]) this.closeLink(peerId);
    for (const t of this.localStream?.getTracks() ?? []) t.stop();
    this.localStream = null;
    this.peers.clear();
  }
}
