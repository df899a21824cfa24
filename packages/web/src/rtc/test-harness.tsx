import { createRoot } from 'react-dom/client';
import { CallRoom } from './CallRoom';

/**
 * Entry of the standalone page (e2e/rtc-page) for the WebRTC e2e tests and the bench: mounts the real CallRoom for
 * ?callId=…&as=<user>&name=…, with the live socket authenticated by the test server's `as`
 * query parameter. Every RTCPeerConnection is kept on window.__pcs so tests can read getStats.
 */
declare global {
  interface Window {
    __pcs: RTCPeerConnection[];
    __joinStartedAt: number;
  }
}

window.__pcs = [];
const Native = window.RTCPeerConnection;
window.RTCPeerConnection = class extends Native {
  constructor(config?: RTCConfiguration) {
    super(config);
    window.__pcs.push(this);
  }
} as typeof RTCPeerConnection;

const q = new URLSearchParams(window.location.search);
const as = q.get('as') ?? '';
const liveUrl = new URL('/api/v1/live', window.location.href);
liveUrl.protocol = 'ws:';
liveUrl.searchParams.set('as', as);
window.__joinStartedAt = performance.now();

createRoot(document.getElementById('root')!).render(
  <CallRoom
    callId={q.get('callId') ?? ''}
    me={{ userId: as, displayName: q.get('name') ?? as }}
    liveUrl={liveUrl.toString()}
    autoJoin={q.get('autoJoin') === '1'}
  />,
);
