import { EventEmitter } from 'node:events';

/** Sessions that ended together: signed out, revoked by their owner or an administrator, or the person deactivated. */
export interface SessionsEnded {
  userId: string;
  sessionIds: string[];
  why: 'signed_out' | 'revoked' | 'deactivated';
}

/** A person's roles changed (an administrator's act, committed). */
export interface RolesChanged {
  userId: string;
  from: string[];
  to: string[];
}

interface Events {
  ended: SessionsEnded;
  'roles-changed': RolesChanged;
}

/**
 * "This person's sessions ended" and "this person's roles changed", emitted after the change is
 * committed. The live WebSocket layer subscribes (live/wiring.ts) to close those sessions'
 * sockets, or a person's sockets when a role was taken away. Listeners run synchronously; one
 * that throws does not turn the committed change into an error.
 */
export class SessionEvents {
  private readonly emitter = new EventEmitter();

  on<K extends keyof Events>(event: K, listener: (e: Events[K]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<K extends keyof Events>(event: K, e: Events[K]): void {
    if (event === 'ended' && (e as SessionsEnded).sessionIds.length === 0) return;
    for (const l of this.emitter.listeners(event) as ((e: Events[K]) => void)[]) {
      try {
        l(e);
      } catch {
        // A subscriber's failure must not turn a committed change into an error.
      }
    }
  }
}
