import type { Clock } from '@hotline/common';
import type {
  CallMediaRole,
  LiveIceCandidate,
  LiveIceServer,
  LiveSessionDescription,
  VerificationResult,
} from '@hotline/contract';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** The signed-in user behind a live connection (from the session cookie). */
export interface LiveActor {
  userId: string;
  officeId: string;
  roles: readonly string[];
  displayName: string;
  /**
   * The session the connection was opened with. When set, ending that session (sign-out,
   * revocation) closes this connection and no other of the person's.
   */
  sessionId?: string;
  /** When the session expires: the connection is closed then (checked against the hub's clock). */
  expiresAt?: Date;
}

export interface CallAccessGrant {
  role: CallMediaRole;
  /** False for listeners: they receive only, and the hub refuses any SDP that would send. */
  canSend: boolean;
}

/**
 * Who may join which call, and when. The calls service implements it against the database.
 * `check` throws a HotlineError (ForbiddenError for "not a participant" or "outside the
 * window", GoneError when the call is over) whose detail the user reads as is, e.g.
 * "you are not a participant of this call" or "the call window opens 15 minutes before the
 * start at 14:00 UTC".
 */
export interface CallAccess {
  check(callId: string, actor: LiveActor, now: Date): Promise<CallAccessGrant>;
}

interface CallEventBase {
  callId: string;
  peerId: string;
  userId: string;
  officeId: string;
  displayName: string;
  role: CallMediaRole;
  at: Date;
}

/**
 * What happened on a call, for the call log and the records log. `join` is recorded before
 * the joiner is admitted (a join that cannot be recorded is refused); the others are recorded
 * in order per call, and a failure is logged (and reported to the client for `verification`).
 */
export type CallEvent =
  | (CallEventBase & { kind: 'join'; canSend: boolean })
  | (CallEventBase & {
      kind: 'leave';
      /** left: said so; timeout: the connection dropped and did not resume in time; ended: the call was ended. */
      reason: 'left' | 'timeout' | 'ended';
      /** Who is still in the call, so the lifecycle can tell when the last principal hung up. */
      remaining: { peerId: string; userId: string; role: CallMediaRole }[];
    })
  | (CallEventBase & { kind: 'mute'; muted: boolean })
  | (CallEventBase & {
      kind: 'verification';
      result: VerificationResult;
      /** The 6-digit code the user compared. */
      code: string;
      withPeerId: string;
      withUserId: string;
      withDisplayName: string;
    });

/** A relayed signal as the hub is about to deliver it. */
export interface RelayedSignal {
  callId: string;
  from: string;
  to: string;
  description?: LiveSessionDescription | undefined;
  candidate?: LiveIceCandidate | null | undefined;
}

export type LiveLogger = Pick<FastifyBaseLogger, 'debug' | 'info' | 'warn' | 'error'>;

export interface LiveDeps {
  /** Reads the session (cookie) of the upgrade request; throws a HotlineError when there is none. */
  authenticate(req: FastifyRequest): Promise<LiveActor>;
  callAccess: CallAccess;
  onCallEvent(ev: CallEvent): Promise<void>;
  logger: LiveLogger;
  clock: Clock;
  /** From HOTLINE_ICE_SERVERS; sent to each client in `joined`. Empty: host candidates only. */
  iceServers?: LiveIceServer[];
  /** How long a dropped peer may resume before the others see it leave. Default 20 s. */
  resumeGraceMs?: number;
  /** Mesh size limit. Default 6. */
  maxPeersPerCall?: number;
  /**
   * How often every connection's session expiry is compared with the clock (besides each
   * connection's own timer, which a clock that jumps, as a test clock does, would outrun). Default 500 ms.
   */
  sessionSweepMs?: number;
  /** When set, an upgrade whose Origin header is not listed is refused (cross-site WebSocket hijacking). */
  allowedOrigins?: string[];
  /**
   * TESTS ONLY: rewrites a signal in the relay (a man in the middle, to prove the verification
   * code catches it). Never set in production wiring.
   */
  transformSignal?: (signal: RelayedSignal) => RelayedSignal;
}
