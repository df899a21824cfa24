import { type GroupMessage, LIVE_INLINE_MESSAGE_BYTES, type LiveServerMessage } from '@hotline/contract';

export type MessagingEventKind = 'message' | 'commit' | 'welcome' | 'archived' | 'settings';

/** The live channel's name for an office's records member (it signs in with its key, not a session). */
export const recordsChannel = (officeId: string) => `records:${officeId}`;

/**
 * Live delivery: after each accepted message, Commit, Welcome or archived acknowledgement, every
 * member person (and each records member of the conversation, on its own channel) is told over the
 * per-person live channel (`{ type: 'messaging', … }`). An application message or Commit of at
 * most LIVE_INLINE_MESSAGE_BYTES carries its ciphertext, so each device applies it with no
 * database read; anything else (and a device that sees a gap in the sequence) fetches. Only
 * ciphertext ever travels here. Wired to the live hub in live/wiring.ts.
 */
export class MessagingEvents {
  private push: ((userIds: string[], msg: LiveServerMessage) => void) | null = null;
  private readonly listeners = new Set<(userId: string, msg: LiveServerMessage) => void>();

  setPush(push: (userIds: string[], msg: LiveServerMessage) => void): void {
    this.push = push;
  }

  /** For tests and benchmarks: see what would go to each person. */
  on(listener: (userId: string, msg: LiveServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  send(
    userIds: Iterable<string>,
    groupId: string,
    kind: MessagingEventKind,
    seq: number,
    message?: { row: Omit<GroupMessage, 'data'>; data: Uint8Array; prevSeq: number },
  ): void {
    const msg: LiveServerMessage = { type: 'messaging', groupId, kind, seq };
    if (message && message.data.length <= LIVE_INLINE_MESSAGE_BYTES) {
      msg.message = { ...message.row, data: Buffer.from(message.data).toString('base64') };
      msg.prevSeq = message.prevSeq;
    }
    const to = [...new Set(userIds)];
    this.push?.(to, msg);
    for (const u of to) for (const l of this.listeners) l(u, msg);
  }
}
