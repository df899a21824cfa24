import type { Link, PeerStats } from './mesh-types';

/** The figures a call page shows, from one getStats() report. */
export function readStats(
  report: RTCStatsReport,
  link: Link,
): { stats: PeerStats; sourceLevel: number | null } {
  const stats: PeerStats = {
    rttMs: null,
    jitterMs: null,
    lossPct: null,
    bytesReceived: 0,
    packetsReceived: 0,
    bytesSent: 0,
    packetsSent: 0,
    audioLevel: null,
    totalAudioEnergy: 0,
    dtlsState: null,
  };
  let sourceLevel: number | null = null;
  let packetsLost = 0;
  let selectedPair: string | null = null;
  let remoteRtt: number | null = null;
  const pairs = new Map<string, { rtt: number | null; nominated: boolean; state: string }>();
  // RTCStats entries are dictionaries whose fields depend on `type`.
  report.forEach((s: Record<string, unknown> & { type: string; id: string }) => {
    const num = (k: string) => (typeof s[k] === 'number' ? (s[k] as number) : null);
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      stats.bytesReceived += num('bytesReceived') ?? 0;
      stats.packetsReceived += num('packetsReceived') ?? 0;
      packetsLost += num('packetsLost') ?? 0;
      const jitter = num('jitter');
      if (jitter !== null) stats.jitterMs = Math.max(stats.jitterMs ?? 0, jitter * 1000);
      const level = num('audioLevel');
      if (level !== null) stats.audioLevel = Math.max(stats.audioLevel ?? 0, level);
      stats.totalAudioEnergy += num('totalAudioEnergy') ?? 0;
    } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
      stats.bytesSent += num('bytesSent') ?? 0;
      stats.packetsSent += num('packetsSent') ?? 0;
    } else if (s.type === 'remote-inbound-rtp') {
      const rtt = num('roundTripTime');
      if (rtt !== null) remoteRtt = rtt * 1000;
    } else if (s.type === 'media-source' && s.kind === 'audio') {
      const level = num('audioLevel');
      if (level !== null) sourceLevel = level;
    } else if (s.type === 'transport') {
      if (typeof s.selectedCandidatePairId === 'string') selectedPair = s.selectedCandidatePairId;
      if (typeof s.dtlsState === 'string') stats.dtlsState = s.dtlsState;
    } else if (s.type === 'candidate-pair') {
      pairs.set(s.id, {
        rtt: num('currentRoundTripTime'),
        nominated: s.nominated === true,
        state: String(s.state),
      });
    }
  });
  const pair =
    (selectedPair ? pairs.get(selectedPair) : undefined) ??
    [...pairs.values()].find((p) => p.nominated && p.state === 'succeeded');
  stats.rttMs = pair?.rtt != null ? pair.rtt * 1000 : remoteRtt;
  const prev = link.lastInbound;
  if (prev) {
    const dRecv = stats.packetsReceived - prev.received;
    const dLost = Math.max(0, packetsLost - prev.lost);
    stats.lossPct =
      dRecv + dLost > 0 ? (100 * dLost) / (dRecv + dLost) : stats.packetsReceived > 0 ? 0 : null;
  }
  link.lastInbound = { received: stats.packetsReceived, lost: packetsLost };
  return { stats, sourceLevel };
}
