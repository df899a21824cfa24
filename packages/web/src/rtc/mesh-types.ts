import type { CallMediaRole, LivePeer, VerificationResult } from '@hotline/contract';
import type { LiveSocketState } from './live-socket';

/** The types of a mesh call (mesh.ts): its state, its peers, what a call page reads. */
export type MeshState = 'idle' | 'connecting' | 'joined' | 'reconnecting' | 'left' | 'refused';

export interface PeerStats {
  /** Round-trip time of the selected candidate pair (or RTCP), ms. */
  rttMs: number | null;
  /** Inbound audio jitter, ms. */
  jitterMs: number | null;
  /** Inbound packet loss over the last interval, percent. */
  lossPct: number | null;
  bytesReceived: number;
  packetsReceived: number;
  bytesSent: number;
  packetsSent: number;
  /** Inbound audio level, 0..1. */
  audioLevel: number | null;
  /** Audio energy received so far (rises only when sound arrives). */
  totalAudioEnergy: number;
  dtlsState: string | null;
}

export interface MeshPeerView extends LivePeer {
  /** The peer connection's state, or 'none' when no media flows between the two (two listeners). */
  connection: RTCPeerConnectionState | 'none';
  /** The 6-digit verification code for this pair, once both descriptions are known. */
  sas: string | null;
  /** What I reported after comparing codes with this peer. */
  myVerification: VerificationResult | null;
  /** What this peer reported about me. */
  theirVerification: VerificationResult | null;
  /** Set on a reported mismatch or a code that changed after it was verified. */
  alarm: string | null;
  stats: PeerStats | null;
  /** Heard speaking (inbound audio level) or says so. */
  speakingNow: boolean;
}

export interface MeshSelfView {
  peerId: string;
  role: CallMediaRole;
  canSend: boolean;
  muted: boolean;
  speaking: boolean;
}

export interface MeshSnapshot {
  state: MeshState;
  socket: LiveSocketState;
  error: { code: string; detail: string } | null;
  self: MeshSelfView | null;
  peers: MeshPeerView[];
  reconnects: number;
}

export interface MeshEvents {
  change: MeshSnapshot;
  sas: { peerId: string; code: string };
  stats: { peerId: string; stats: PeerStats };
  alarm: { peerId: string; reason: string };
  error: { code: string; detail: string };
}

export interface MeshCallOptions {
  liveUrl: string;
  callId: string;
  /** Default: navigator.mediaDevices.getUserMedia. Never called for listeners. */
  getUserMedia?: (c: MediaStreamConstraints) => Promise<MediaStream>;
  /** Play remote audio through <audio> elements. Default true when there is a document. */
  playAudio?: boolean;
  statsIntervalMs?: number;
  /** Audio level (0..1) above which someone counts as speaking. */
  speakingThreshold?: number;
}

export interface Link {
  peerId: string;
  pc: RTCPeerConnection;
  polite: boolean;
  /** Makes the first offer. Later offers (ICE restarts) may come from either side. */
  initiator: boolean;
  /** The first offer/answer has completed. */
  negotiated: boolean;
  makingOffer: boolean;
  ignoreOffer: boolean;
  settingRemoteAnswer: boolean;
  audio: HTMLAudioElement | null;
  lastInbound: { received: number; lost: number } | null;
}
