import { z } from 'zod';
import { IdSchema } from './common.js';
import { GroupMessageSchema } from './messaging.js';
import { NotificationSchema } from './notifications.js';

/**
 * The live channel (`/api/v1/live`, WebSocket, JSON text frames): call signaling and presence.
 * The server relays SDP and ICE candidates between the members of one call and never sees
 * media; the browser imports only the types from here.
 */

export const CallMediaRoleSchema = z.enum(['principal', 'interpreter', 'listener']);
export type CallMediaRole = z.infer<typeof CallMediaRoleSchema>;

export const VerificationResultSchema = z.enum(['verified', 'mismatch', 'unverified']);
export type VerificationResult = z.infer<typeof VerificationResultSchema>;

/** A peer is one connection of one user to one call; it survives a resumed WebSocket. */
export const PeerIdSchema = z.string().regex(/^p_[A-Za-z0-9_-]{8,40}$/, 'must be a peer id like p_3f9a…');

const MAX_SDP = 100_000;

export const SessionDescriptionSchema = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string().max(MAX_SDP).optional(),
});
export type LiveSessionDescription = z.infer<typeof SessionDescriptionSchema>;

export const IceCandidateSchema = z.object({
  candidate: z.string().max(2000),
  sdpMid: z.string().max(64).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
  usernameFragment: z.string().max(256).nullable().optional(),
});
export type LiveIceCandidate = z.infer<typeof IceCandidateSchema>;

/** An ICE server as RTCPeerConnection takes it (from HOTLINE_ICE_SERVERS). */
export const IceServerSchema = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type LiveIceServer = z.infer<typeof IceServerSchema>;

// ---- client -> server

export const LiveJoinSchema = z.object({
  type: z.literal('join'),
  callId: IdSchema,
  /** From an earlier `joined`: takes back the same peer id within the grace period. */
  resumeToken: z.string().max(100).optional(),
});
export const LiveLeaveSchema = z.object({ type: z.literal('leave') });
export const LiveSignalSchema = z
  .object({
    type: z.literal('signal'),
    to: PeerIdSchema,
    description: SessionDescriptionSchema.optional(),
    candidate: IceCandidateSchema.nullable().optional(),
  })
  .refine((m) => (m.description === undefined) !== (m.candidate === undefined), {
    message: 'a signal carries either a description or a candidate',
  });
export const LiveStateSchema = z.object({
  type: z.literal('state'),
  muted: z.boolean(),
  speaking: z.boolean().optional(),
});
export const LiveVerifySchema = z.object({
  type: z.literal('verify'),
  peer: PeerIdSchema,
  result: VerificationResultSchema,
  /** The code as shown to the user (6 digits), recorded with the result. */
  code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code as shown'),
});
export const LivePingSchema = z.object({ type: z.literal('ping'), t: z.number().optional() });

export const LiveClientMessageSchema = z.discriminatedUnion('type', [
  LiveJoinSchema,
  LiveLeaveSchema,
  LiveSignalSchema,
  LiveStateSchema,
  LiveVerifySchema,
  LivePingSchema,
]);
export type LiveClientMessage = z.infer<typeof LiveClientMessageSchema>;

// ---- server -> client (the server builds these; the schemas document them and serve tests)

export const LivePeerSchema = z.object({
  peerId: PeerIdSchema,
  userId: z.string(),
  displayName: z.string(),
  role: CallMediaRoleSchema,
  canSend: z.boolean(),
  muted: z.boolean(),
  speaking: z.boolean(),
});
export type LivePeer = z.infer<typeof LivePeerSchema>;

export const LiveErrorCodeSchema = z.enum([
  'unauthenticated',
  'forbidden',
  'bad_message',
  'not_joined',
  'already_joined',
  'unknown_peer',
  'listener_cannot_send',
  'call_full',
  'call_ended',
  'record_failed',
  'internal',
]);
export type LiveErrorCode = z.infer<typeof LiveErrorCodeSchema>;

export const LiveServerMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('joined'),
    callId: IdSchema,
    peerId: PeerIdSchema,
    resumeToken: z.string(),
    /** True when an earlier peer identity was taken back; the client then restarts ICE. */
    resumed: z.boolean(),
    you: z.object({ role: CallMediaRoleSchema, canSend: z.boolean() }),
    peers: z.array(LivePeerSchema),
    iceServers: z.array(IceServerSchema),
  }),
  z.object({ type: z.literal('peer-joined'), peer: LivePeerSchema }),
  z.object({
    type: z.literal('peer-left'),
    peerId: PeerIdSchema,
    reason: z.enum(['left', 'timeout', 'ended']),
  }),
  z.object({
    type: z.literal('peer-state'),
    peerId: PeerIdSchema,
    muted: z.boolean(),
    speaking: z.boolean(),
  }),
  z.object({
    type: z.literal('signal'),
    from: PeerIdSchema,
    description: SessionDescriptionSchema.optional(),
    candidate: IceCandidateSchema.nullable().optional(),
  }),
  z.object({
    type: z.literal('verification'),
    /** Who compared, about whom, and what they found. */
    by: PeerIdSchema,
    peer: PeerIdSchema,
    result: VerificationResultSchema,
  }),
  z.object({
    type: z.literal('error'),
    code: LiveErrorCodeSchema,
    detail: z.string(),
    /** True when the server closes the socket after this message. */
    fatal: z.boolean(),
  }),
  z.object({ type: z.literal('pong'), t: z.number().optional() }),
  /** A step waits for this person (notifications.ts); `unread` is their count after it. */
  z.object({ type: z.literal('notification'), notification: NotificationSchema, unread: z.number().int() }),
  /** The person read notifications elsewhere (another tab or device): their unread count now. */
  z.object({ type: z.literal('notifications-read'), unread: z.number().int() }),
  /**
   * Something new in a conversation of this person (messaging.ts). An accepted application
   * message or Commit of at most 64 KiB comes with its ciphertext (`message`, as GET …/messages
   * lists it) and the conversation's sequence number before it (`prevSeq`): a device that is at
   * `prevSeq` applies it without a read; otherwise (a gap, or no `message`) it fetches.
   */
  z.object({
    type: z.literal('messaging'),
    groupId: z.string(),
    kind: z.enum(['message', 'commit', 'welcome', 'archived', 'settings']),
    seq: z.number().int(),
    message: GroupMessageSchema.optional(),
    prevSeq: z.number().int().optional(),
  }),
]);
export type LiveServerMessage = z.infer<typeof LiveServerMessageSchema>;
export type LiveServerMessageOf<T extends LiveServerMessage['type']> = Extract<
  LiveServerMessage,
  { type: T }
>;

/** WebSocket close codes the server uses (4000-4999 are for applications). */
export const LIVE_CLOSE = {
  unauthenticated: 4401,
  forbidden: 4403,
  replaced: 4409,
  ended: 4410,
  dropped: 4500,
} as const;
