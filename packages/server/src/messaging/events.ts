import type { LiveServerMessage } from '@hotline/contract';

export type MessagingEventKind = 'message' | 'commit' | 'welcome' | 'archived' | 'settings';

/**
 * Live delivery: after each accepted message, Commit, Welcome or archived acknowledgement, every
 * member person is told over their per-person live channel (`{ type: 'messaging', … }`); their
 * devices then fetch. The event carries no content. Wired to the live hub in live/wiring.ts.
 */
export class MessagingEvents {
  private push: ((userId: string, msg: LiveServerMessage) => void) | null = null;
  private readonly listeners = new Set<(userId: string, msg: LiveServerMessage) => void>();

  setPush(push: (userId: string, msg: LiveServerMessage) => void): void {
    this.push = push;
  }

  /** For tests and benchmarks: see what would go to each person. */
  on(listener: (userId: string, msg: LiveServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(userIds: Iterable<string>, groupId: string, kind: MessagingEventKind, seq: number): void {
    const msg: LiveServerMessage = { type: 'messaging', groupId, kind, seq };
    for (const u of new Set(userIds)) {
      this.push?.(u, msg);
      for (const l of this.listeners) l(u, msg);
    }
  }
}
