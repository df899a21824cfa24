import type { CallMediaRole } from '@hotline/contract';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { durationInWords, when } from '../calls/format';
import './call-room.css';
import { MeshCall, type MeshPeerView, type MeshSnapshot, type PeerStats } from './mesh';
import { formatSas } from './sas';

export interface CallRoomProps {
  callId: string;
  me: { userId: string; displayName: string };
  /** Default: ws(s)://<this origin>/api/v1/live. */
  liveUrl?: string;
  /** Join as soon as the component mounts (default: wait for the Join button). */
  autoJoin?: boolean;
  /** When the room admits participants: before then no Join button, but when it opens. */
  opensAt?: string | null;
  /** Seconds until then by the server's clock, when the page was loaded. */
  opensInSeconds?: number | null;
  /** The person's zone, for that time. */
  zone?: string;
  /** Called when who is on the line, or a verification, changes (the page reloads its call log). */
  onActivity?: () => void;
  /** The principal's "End the call for everyone" (kept apart from Leave); absent: not offered. */
  onEnd?: () => void;
}

/** Now, re-read every 15 s (so "in 2 h 40 min" counts down and the Join button appears on time). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function defaultLiveUrl(): string {
  const u = new URL('/api/v1/live', window.location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

const ROLE_LABEL: Record<CallMediaRole, string> = {
  principal: 'Principal',
  interpreter: 'Interpreter',
  listener: 'Listener',
};

const STATE_LABEL: Record<MeshSnapshot['state'], string> = {
  idle: 'Not joined',
  connecting: 'Connecting…',
  joined: 'Connected',
  reconnecting: 'Reconnecting…',
  left: 'You left the call',
  refused: 'Not admitted',
};

function useMeshSnapshot(mesh: MeshCall): MeshSnapshot {
  return useSyncExternalStore(
    (notify) => mesh.on('change', notify),
    () => mesh.snapshot(),
  );
}

/** The live call: participants, verification codes, quality figures, and Join/Leave/Mute. */
export function CallRoom({
  callId,
  me,
  liveUrl,
  autoJoin = false,
  opensAt,
  opensInSeconds,
  zone,
  onActivity,
  onEnd,
}: CallRoomProps) {
  const [mesh, setMesh] = useState<MeshCall | null>(null);
  useEffect(() => {
    const m = new MeshCall({ callId, liveUrl: liveUrl ?? defaultLiveUrl() });
    setMesh(m);
    if (autoJoin) m.join();
    return () => m.leave();
  }, [callId, liveUrl, autoJoin]);
  if (!mesh) return null;
  return (
    <CallRoomView
      mesh={mesh}
      me={me}
      opensAt={opensAt ?? null}
      opensInSeconds={opensInSeconds ?? null}
      zone={zone}
      onActivity={onActivity}
      onEnd={onEnd}
    />
  );
}

function CallRoomView({
  mesh,
  me,
  opensAt,
  opensInSeconds,
  zone,
  onActivity,
  onEnd,
}: {
  mesh: MeshCall;
  me: CallRoomProps['me'];
  opensAt: string | null;
  opensInSeconds: number | null;
  zone: string | undefined;
  onActivity: (() => void) | undefined;
  onEnd: (() => void) | undefined;
}) {
  const snap = useMeshSnapshot(mesh);
  // Who is on the line and their verifications: when it changes, the call log has a new entry.
  const activity = [
    snap.state,
    ...snap.peers.map((p) => `${p.peerId}:${p.myVerification ?? ''}:${p.theirVerification ?? ''}`),
  ].join('|');
  useEffect(() => {
    if (!onActivity || activity === 'idle') return;
    // The server writes the entry as it relays the event: ask a moment later, and again after.
    const timers = [400, 2500].map((ms) => setTimeout(onActivity, ms));
    return () => {
      for (const t of timers) clearTimeout(t);
    };
  }, [activity, onActivity]);
  const listenOnly = snap.self?.role === 'listener';
  const inCall = snap.state === 'joined' || snap.state === 'reconnecting';
  // By this browser's clock, from the server's count (the two clocks may differ).
  const opensMs = useMemo(
    () => (opensInSeconds ? Date.now() + opensInSeconds * 1000 : null),
    [opensInSeconds],
  );
  const now = useNow(opensMs !== null);
  const early = opensMs !== null && now < opensMs && !inCall;
  const alarms = snap.peers.filter((p) => p.alarm);
  return (
    <section className="call-room" aria-label="Call" data-testid="call-room" data-state={snap.state}>
      <header className="call-room-bar">
        <span
          className={`call-room-state call-room-state-${snap.state}`}
          data-testid="call-state"
          role="status"
        >
          {STATE_LABEL[snap.state]}
          {snap.reconnects > 0 ? ` (reconnected ${snap.reconnects}×)` : ''}
        </span>
        <span className="call-room-buttons">
          {early && opensAt && opensMs !== null && (
            <span className="meta" data-testid="join-opens">
              Joining opens at {when(opensAt, zone)}, in {durationInWords(opensMs - now)}.
            </span>
          )}
          {!inCall && !early && (
            <button type="button" className="btn btn-primary" data-testid="join" onClick={() => mesh.join()}>
              Join call
            </button>
          )}
          {inCall && snap.self?.canSend && (
            <button
              type="button"
              className="btn"
              data-testid="mute"
              aria-pressed={snap.self.muted}
              onClick={() => mesh.setMuted(!snap.self?.muted)}
            >
              {snap.self.muted ? 'Unmute' : 'Mute'}
            </button>
          )}
          {inCall && (
            <button
              type="button"
              className="btn"
              data-testid="leave"
              aria-describedby="leave-hint"
              onClick={() => mesh.leave()}
            >
              Leave
            </button>
          )}
          {inCall && (
            <span className="meta" id="leave-hint">
              You hang up; the call goes on for the others.
            </span>
          )}
        </span>
      </header>
      {inCall && onEnd && (
        <div className="call-room-end" data-testid="end-call-zone">
          <button
            type="button"
            className="btn btn-danger"
            data-testid="end-call"
            aria-describedby="end-hint"
            onClick={onEnd}
          >
            End the call for everyone
          </button>
          <p className="meta" id="end-hint">
            Everyone is disconnected and the call is marked completed; the memcon falls due.
          </p>
        </div>
      )}

      {snap.error && (
        <div className="alert alert-error" role="alert" data-testid="call-error" data-code={snap.error.code}>
          {snap.error.detail}
        </div>
      )}

      {alarms.length > 0 && (
        <div className="call-room-alarm" role="alert" data-testid="sas-alarm">
          <strong>Warning: the connection may be intercepted.</strong>
          <ul>
            {alarms.map((p) => (
              <li key={p.peerId}>
                {p.displayName}: {p.alarm}
              </li>
            ))}
          </ul>
          <p>Stop talking about anything sensitive, hang up, and call again through the secretariat.</p>
        </div>
      )}

      {snap.self && (
        <ul className="call-room-people" aria-label="Participants">
          <li
            className="call-room-person call-room-me"
            data-testid="participant-self"
            data-peer-id={snap.self.peerId}
            data-role={snap.self.role}
          >
            <SpeakingDot on={snap.self.speaking} />
            <span className="call-room-name">{me.displayName} (you)</span>
            <RoleBadge role={snap.self.role} />
            {snap.self.muted && <span className="call-room-muted">Muted</span>}
          </li>
          {snap.peers.map((p) => (
            <PeerRow key={p.peerId} peer={p} mesh={mesh} listenOnly={listenOnly} />
          ))}
        </ul>
      )}
      {inCall && snap.peers.length === 0 && (
        <p className="call-room-empty">Waiting for the others to join…</p>
      )}
    </section>
  );
}

function RoleBadge({ role }: { role: CallMediaRole }) {
  return (
    <span className={`call-room-badge call-room-badge-${role}`}>
      {ROLE_LABEL[role]}
      {role === 'listener' ? ' · Listening' : ''}
    </span>
  );
}

function SpeakingDot({ on }: { on: boolean }) {
  return (
    <span
      className={`call-room-speaking${on ? ' is-speaking' : ''}`}
      data-testid="speaking"
      data-speaking={on}
      role="img"
      aria-label={on ? 'speaking' : 'not speaking'}
    />
  );
}

function PeerRow({ peer, mesh, listenOnly }: { peer: MeshPeerView; mesh: MeshCall; listenOnly: boolean }) {
  return (
    <li
      className={`call-room-person${peer.alarm ? ' has-alarm' : ''}`}
      data-testid="participant"
      data-peer-id={peer.peerId}
      data-user-id={peer.userId}
      data-role={peer.role}
      data-connection={peer.connection}
    >
      <SpeakingDot on={peer.speakingNow} />
      <span className="call-room-name">{peer.displayName}</span>
      <RoleBadge role={peer.role} />
      {peer.muted && <span className="call-room-muted">Muted</span>}
      <span className="call-room-conn">
        {peer.connection === 'none' ? 'no direct audio' : peer.connection}
      </span>
      {peer.sas && <Verification peer={peer} mesh={mesh} listenOnly={listenOnly} />}
      {peer.stats && <Quality stats={peer.stats} />}
    </li>
  );
}

function Verification({
  peer,
  mesh,
  listenOnly,
}: {
  peer: MeshPeerView;
  mesh: MeshCall;
  /** This person only listens: they have no microphone, so they read nothing aloud. */
  listenOnly: boolean;
}) {
  const code = peer.sas ?? '';
  const shown = (
    <strong className="call-room-code" data-testid="sas-code" data-code={code}>
      {formatSas(code)}
    </strong>
  );
  return (
    <div className="call-room-verify" data-testid="verification">
      {listenOnly ? (
        <p data-testid="sas-listen-only">
          Your link with {peer.displayName} has the code {shown}. You only listen, so you read nothing aloud:
          if {peer.displayName} reads out this code, press “Codes match”.
        </p>
      ) : (
        <p>
          Read this code to {peer.displayName}: {shown}
        </p>
      )}
      {peer.myVerification === null ? (
        <span className="call-room-buttons">
          <button
            type="button"
            className="btn"
            data-testid="sas-match"
            onClick={() => mesh.reportVerification(peer.peerId, 'verified')}
          >
            Codes match
          </button>
          <button
            type="button"
            className="btn btn-danger"
            data-testid="sas-differ"
            onClick={() => mesh.reportVerification(peer.peerId, 'mismatch')}
          >
            Codes differ
          </button>
        </span>
      ) : (
        <span data-testid="sas-result" data-result={peer.myVerification}>
          {peer.myVerification === 'verified'
            ? `You verified the code with ${peer.displayName}`
            : `Codes differ with ${peer.displayName}`}
          {peer.theirVerification === 'verified' ? ` · verified by ${peer.displayName} too` : ''}
        </span>
      )}
    </div>
  );
}

function fmt(n: number | null, digits = 0): string {
  return n === null ? '–' : n.toFixed(digits);
}

function Quality({ stats }: { stats: PeerStats }) {
  return (
    <dl
      className="call-room-stats"
      data-testid="stats"
      data-bytes-received={stats.bytesReceived}
      data-bytes-sent={stats.bytesSent}
    >
      <dt>RTT</dt>
      <dd data-testid="stat-rtt">{fmt(stats.rttMs)} ms</dd>
      <dt>Jitter</dt>
      <dd data-testid="stat-jitter">{fmt(stats.jitterMs, 1)} ms</dd>
      <dt>Loss</dt>
      <dd data-testid="stat-loss">{fmt(stats.lossPct, 1)} %</dd>
      <dt>Received</dt>
      <dd>{Math.round(stats.bytesReceived / 1024)} KiB</dd>
    </dl>
  );
}
