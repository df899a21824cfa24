import type { LiveClientMessage, LiveErrorCode, LiveServerMessage } from '@hotline/contract';

/**
 * The browser end of /api/v1/live: one WebSocket that reconnects with backoff, rejoins its
 * call with the resume token (so it keeps its peer id), and holds outgoing messages while it
 * is away. Framework-free.
 */

export type LiveSocketState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface LiveSocketOptions {
  /** ws:// or wss:// URL of /api/v1/live. */
  url: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A ping this often; no message for 2.5× this long counts as a dead connection. */
  pingIntervalMs?: number;
  /** For tests outside a browser. */
  WebSocketImpl?: typeof WebSocket;
}

type Listener<T> = (value: T) => void;

/** Refusals after which retrying the same join cannot help. */
const FINAL_JOIN_ERRORS: ReadonlySet<LiveErrorCode> = new Set([
  'unauthenticated',
  'forbidden',
  'call_ended',
  'call_full',
]);
/** Close codes after which the server does not want us back (see LIVE_CLOSE). */
const FINAL_CLOSE_CODES = new Set([4401, 4403, 4409, 4410]);
const MAX_QUEUE = 500;

export class LiveSocket {
  private ws: WebSocket | null = null;
  private readonly opts: Required<Omit<LiveSocketOptions, 'WebSocketImpl'>> & {
    WebSocketImpl: typeof WebSocket;
  };
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private lastHeard = 0;
  private callId: string | null = null;
  private resumeToken: string | null = null;
  private joined = false;
  private queue: string[] = [];
  private stopped = false;
  private messageListeners = new Set<Listener<LiveServerMessage>>();
  private stateListeners = new Set<Listener<LiveSocketState>>();
  state: LiveSocketState = 'idle';
  /** How many times the socket came back after a drop. */
  reconnects = 0;

  constructor(opts: LiveSocketOptions) {
    this.opts = {
      minBackoffMs: 250,
      maxBackoffMs: 5000,
      pingIntervalMs: 10_000,
      WebSocketImpl: globalThis.WebSocket,
      ...opts,
    };
  }

  onMessage(fn: Listener<LiveServerMessage>): () => void {
    this.messageListeners.add(fn);
    return () => this.messageListeners.delete(fn);
  }

  onState(fn: Listener<LiveSocketState>): () => void {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  /** Connects (if needed) and joins the call; after a drop it rejoins with the resume token. */
  join(callId: string): void {
    this.callId = callId;
    this.stopped = false;
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.sendJoin();
    else if (!this.ws) this.open();
  }

  /**
   * Connects without joining a call (the per-person channel: notifications and other pushes),
   * reconnecting with backoff after a drop.
   */
  connect(): void {
    this.stopped = false;
    if (!this.ws) this.open();
  }

  /** Leaves the call and closes for good. */
  leave(): void {
    if (this.joined) this.sendNow({ type: 'leave' });
    this.close();
  }

  close(): void {
    this.stopped = true;
    this.callId = null;
    this.resumeToken = null;
    this.joined = false;
    this.queue = [];
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.stopPing();
    const ws = this.ws;
    this.ws = null;
    ws?.close(1000, 'bye');
    this.setState('closed');
  }

  /** Sends now when joined, or queues until the call is rejoined. */
  send(msg: LiveClientMessage): void {
    if (this.joined && this.ws?.readyState === WebSocket.OPEN) {
      this.sendNow(msg);
      return;
    }
    this.queue.push(JSON.stringify(msg));
    if (this.queue.length > MAX_QUEUE) this.queue.shift();
  }

  /** Drops the connection as a network failure would (for tests and the "reconnect" button). */
  dropForTest(): void {
    this.ws?.close(4000, 'dropped by the client');
  }

  private setState(s: LiveSocketState): void {
    if (this.state === s) return;
    this.state = s;
    for (const fn of this.stateListeners) fn(s);
  }

  private sendNow(msg: LiveClientMessage): void {
    this.ws?.send(JSON.stringify(msg));
  }

  private sendJoin(): void {
    if (!this.callId) return;
    this.sendNow({
      type: 'join',
      callId: this.callId,
      ...(this.resumeToken ? { resumeToken: this.resumeToken } : {}),
    });
  }

  private open(): void {
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new this.opts.WebSocketImpl(this.opts.url);
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      this.startPing();
      if (this.callId) this.sendJoin();
      else {
        // No call to join: the socket is open for what the server pushes to this person.
        if (this.attempt > 0) this.reconnects++;
        this.attempt = 0;
        this.setState('open');
      }
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let msg: LiveServerMessage;
      try {
        msg = JSON.parse(String(ev.data)) as LiveServerMessage;
      } catch {
        return;
      }
      this.onServerMessage(msg);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.joined = false;
      this.stopPing();
      if (this.stopped || FINAL_CLOSE_CODES.has(ev.code)) {
        this.setState('closed');
        return;
      }
      this.scheduleReconnect();
    };
  }

  private onServerMessage(msg: LiveServerMessage): void {
    if (msg.type === 'joined') {
      const resumed = msg.resumed;
      this.resumeToken = msg.resumeToken;
      this.joined = true;
      if (this.attempt > 0) this.reconnects++;
      this.attempt = 0;
      this.setState('open');
      // Queued messages were addressed from the old identity: useless if it was not kept.
      const queued = this.queue.splice(0);
      if (resumed) for (const raw of queued) this.ws?.send(raw);
    } else if (msg.type === 'error' && !this.joined && FINAL_JOIN_ERRORS.has(msg.code)) {
      this.callId = null;
      this.resumeToken = null;
    }
    for (const fn of this.messageListeners) fn(msg);
  }

  private scheduleReconnect(): void {
    this.setState('reconnecting');
    const base = Math.min(this.opts.maxBackoffMs, this.opts.minBackoffMs * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  private startPing(): void {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastHeard > this.opts.pingIntervalMs * 2.5) {
        this.ws?.close(4000, 'no answer from the server');
        return;
      }
      if (this.ws?.readyState === WebSocket.OPEN) this.sendNow({ type: 'ping', t: Date.now() });
    }, this.opts.pingIntervalMs);
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
  }
}
