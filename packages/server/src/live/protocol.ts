import { isHotlineError } from '@hotline/common';
import { type LiveClientMessage, LiveClientMessageSchema, type LiveErrorCode } from '@hotline/contract';

/** The live protocol's limits: one message, one peer's queue while it is away, one connection's rate. */
export const MAX_MESSAGE_BYTES = 128 * 1024;
export const MAX_QUEUED_PER_PEER = 500;
/** Token bucket per connection: a burst of ICE candidates for 5 peers fits, a flood does not. */
export const RATE_BURST = 400;
export const RATE_PER_SECOND = 100;

/** A refusal the client reads as is: its code and a detail that says what to do. */
export class LiveProtocolError extends Error {
  constructor(
    readonly code: LiveErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

/** A HotlineError from the access check, as the live protocol's error (null for anything else). */
export function errorFromAccess(err: unknown): LiveProtocolError | null {
  if (!isHotlineError(err)) return null;
  const code: LiveErrorCode =
    err.status === 401 ? 'unauthenticated' : err.status === 410 ? 'call_ended' : 'forbidden';
  return new LiveProtocolError(code, err.detail);
}

/** A WebSocket frame's payload as text (ws hands over a Buffer, a Buffer[] or an ArrayBuffer). */
export function frameText(data: unknown): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Parses one client message, or throws an Error whose message names the field that is wrong. */
export function parseClientMessage(text: string): LiveClientMessage {
  if (text.length > MAX_MESSAGE_BYTES) throw new Error(`larger than ${MAX_MESSAGE_BYTES} bytes`);
  const result = LiveClientMessageSchema.safeParse(JSON.parse(text));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** A token bucket: `take()` is false once the connection sends faster than the rate allows. */
export class RateBucket {
  private tokens = RATE_BURST;
  private lastRefill: number;

  constructor(private readonly now: () => number = Date.now) {
    this.lastRefill = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(RATE_BURST, this.tokens + ((t - this.lastRefill) / 1000) * RATE_PER_SECOND);
    this.lastRefill = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
