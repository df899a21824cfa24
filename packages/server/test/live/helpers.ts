import { randomUUID } from 'node:crypto';
import { AuthenticationError, ForbiddenError, type ManualClock, MINUTE, silentLogger } from '@hotline/common';
import type { LiveServerMessage, LiveServerMessageOf } from '@hotline/contract';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { WebSocket } from 'ws';
import type { App } from '../../src/http/types.js';
import { type LiveHub, liveRoutes } from '../../src/live/live-hub.js';
import type { CallAccess, CallAccessGrant, CallEvent, LiveActor } from '../../src/live/types.js';

/** A scheduled call as the in-memory CallAccess sees it. */
export interface FakeCall {
  id: string;
  start: Date;
  ended?: boolean;
  participants: Map<string, CallAccessGrant>;
}

/**
 * CallAccess over a map, with the rules the calls service will enforce: participants only,
 * from 15 minutes before the start until the call is ended.
 */
export function memoryCallAccess(calls: Map<string, FakeCall>): CallAccess {
  return {
    async check(callId, actor, now) {
      const call = calls.get(callId);
      const grant = call?.participants.get(actor.userId);
      if (!call || !grant) throw new ForbiddenError('You are not a participant of this call.');
      const opens = new Date(call.start.getTime() - 15 * MINUTE);
      if (now < opens) {
        throw new ForbiddenError(
          `The call window opens 15 minutes before the start at ${opens.toISOString().slice(11, 16)} UTC (start ${call.start.toISOString()}).`,
        );
      }
      if (call.ended) throw new ForbiddenError('This call has ended.');
      return grant;
    },
  };
}

export function newCall(participants: Record<string, CallAccessGrant>, start: Date): FakeCall {
  return { id: randomUUID(), start, participants: new Map(Object.entries(participants)) };
}

export const PRINCIPAL: CallAccessGrant = { role: 'principal', canSend: true };
export const INTERPRETER: CallAccessGrant = { role: 'interpreter', canSend: true };
export const LISTENER: CallAccessGrant = { role: 'listener', canSend: false };

/** Test-only authentication: the user id comes from the `as` query parameter. */
export async function fakeAuthenticate(req: { query: unknown }): Promise<LiveActor> {
  const as = (req.query as { as?: string }).as;
  if (!as) throw new AuthenticationError();
  return { userId: as, officeId: `office-of-${as}`, roles: ['principal'], displayName: `User ${as}` };
}

export interface LiveTestServer {
  app: App;
  hub: LiveHub;
  url: string;
  events: CallEvent[];
  close(): Promise<void>;
}

export async function startLiveServer(
  calls: Map<string, FakeCall>,
  clock: ManualClock,
  extra: Partial<Parameters<typeof liveRoutes>[1]> = {},
): Promise<LiveTestServer> {
  const app: App = Fastify({ logger: false }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const events: CallEvent[] = [];
  const hub = await liveRoutes(app, {
    authenticate: fakeAuthenticate,
    callAccess: memoryCallAccess(calls),
    onCallEvent: async (ev) => {
      events.push(ev);
    },
    logger: silentLogger(),
    clock,
    ...extra,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { app, hub, url: `ws://127.0.0.1:${port}/api/v1/live`, events, close: () => app.close() };
}

/** A WebSocket client that keeps every message and waits for the next one of a type. */
export class TestClient {
  readonly messages: LiveServerMessage[] = [];
  private cursor = 0;
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()) as LiveServerMessage);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  static async connect(url: string, as: string | null): Promise<TestClient> {
    const ws = new WebSocket(as ? `${url}?as=${encodeURIComponent(as)}` : url);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** The next message of this type after the ones already taken (others are skipped). */
  async next<T extends LiveServerMessage['type']>(
    type: T,
    timeoutMs = 3000,
  ): Promise<LiveServerMessageOf<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.cursor < this.messages.length) {
        const m = this.messages[this.cursor++]!;
        if (m.type === type) return m as LiveServerMessageOf<T>;
      }
      const left = deadline - Date.now();
      if (left <= 0 || this.closed) {
        throw new Error(
          `no "${type}" message (closed: ${JSON.stringify(this.closed)}; got ${JSON.stringify(this.messages)})`,
        );
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Messages of a type received so far (taken or not). */
  all<T extends LiveServerMessage['type']>(type: T): LiveServerMessageOf<T>[] {
    return this.messages.filter((m) => m.type === type) as LiveServerMessageOf<T>[];
  }

  async join(callId: string, resumeToken?: string): Promise<LiveServerMessageOf<'joined'>> {
    this.send({ type: 'join', callId, ...(resumeToken ? { resumeToken } : {}) });
    return this.next('joined');
  }

  close(): void {
    this.ws.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
