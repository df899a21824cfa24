import { EventEmitter } from 'node:events';

/** Sessions that ended together: signed out, revoked by their owner or an administrator, or the person deactivated. */
export interface SessionsEnded {
  userId: string;
  sessionIds: string[];
  why: 'signed_out' | 'revoked' | 'deactivated';
}

/**
 * "This person's sessions ended", emitted after the ending is committed. The live WebSocket
 * layer subscribes (`ctx.auth.sessionEvents.on('ended', …)`) to close those sessions' sockets.
 * Listeners run synchronously; one that throws is logged by the emitter's owner, not the caller.
 */
export class SessionEvents {
  private readonly emitter = new EventEmitter();

  on(event: 'ended', listener: (e: SessionsEnded) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit(event: 'ended', e: SessionsEnded): void {
    if (e.sessionIds.length === 0) return;
    for (const l of this.emitter.listeners(event) as ((e: SessionsEnded) => void)[]) {
      try {
        l(e);
      } catch {
        // A subscriber's failure must not turn a committed sign-out into an error.
      }
    }
  }
}
