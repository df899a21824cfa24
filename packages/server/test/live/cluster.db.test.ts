import rateLimit from '@fastify/rate-limit';
import { ManualClock, MINUTE, silentLogger } from '@hotline/common';
import Fastify from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { postgresRateLimitStore } from '../../src/http/rate-limit-store.js';
import { RateLimitRepository } from '../../src/http/repository.js';
import type { Backplane, ClusterEvent } from '../../src/live/backplane.js';
import { PostgresBackplane } from '../../src/live/backplane-postgres.js';
import { LiveRepository } from '../../src/live/repository.js';
import { openTestDatabase } from '../helpers/test-context.js';
import {
  type FakeCall,
  type LiveTestServer,
  newCall,
  PRINCIPAL,
  sleep,
  startLiveServer,
  TestClient,
} from './helpers.js';

/**
 * Two hubs (two "nodes") on one PostgreSQL schema: one room whichever node each socket reaches.
 * PostgreSQL only: on the embedded database there is one process and the rooms stay in memory.
 */
const onPostgres = process.env.HOTLINE_TEST_DB === 'postgres';
const START = new Date('2026-03-10T14:00:00Z');

describe.skipIf(!onPostgres)('live rooms across two nodes (PostgreSQL backplane)', () => {
  let db: DatabaseHandle & { drop(): Promise<void> };
  const servers: LiveTestServer[] = [];
  const clients: TestClient[] = [];
  let clock: ManualClock;

  beforeAll(async () => {
    db = await openTestDatabase();
    await migrateToLatest(db.db);
  });
  afterAll(async () => {
    await db.drop();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    for (const s of servers.splice(0)) await s.close().catch(() => undefined);
  });

  async function node(
    calls: Map<string, FakeCall>,
    name: string,
    extra: { maxPeersPerCall?: number } = {},
    fixedId?: string,
  ) {
    const backplane = new PostgresBackplane({
      repo: new LiveRepository(db.db),
      listen: db.listen!,
      channel: db.channel!,
      logger: silentLogger(),
      nodeId: fixedId ?? `${name}-${Math.random().toString(36).slice(2, 6)}`,
      heartbeatMs: 100,
    });
    const s = await startLiveServer(calls, clock, { backplane, resumeGraceMs: 400, ...extra });
    servers.push(s);
    return s;
  }

  async function connect(s: LiveTestServer, as: string): Promise<TestClient> {
    const c = await TestClient.connect(s.url, as);
    clients.push(c);
    return c;
  }

  /** A node whose events from other nodes can be held back, then delivered in order. */
  async function gatedNode(calls: Map<string, FakeCall>) {
    const held: ClusterEvent[] = [];
    let deliver: ((ev: ClusterEvent) => void) | null = null;
    let holding = false;
    const inner = new PostgresBackplane({
      repo: new LiveRepository(db.db),
      listen: db.listen!,
      channel: db.channel!,
      logger: silentLogger(),
      nodeId: `a-${Math.random().toString(36).slice(2, 6)}`,
      heartbeatMs: 100,
    });
    const gated: Backplane = {
      nodeId: inner.nodeId,
      clustered: inner.clustered,
      heartbeatMs: inner.heartbeatMs,
      start: (onEvent) => {
        deliver = onEvent;
        return inner.start((ev) => (holding ? held.push(ev) : onEvent(ev)));
      },
      publish: (ev) => inner.publish(ev),
      admit: (peer, tokenHash, maxPeers) => inner.admit(peer, tokenHash, maxPeers),
      remove: (peerId, node) => inner.remove(peerId, node),
      removeCall: (callId) => inner.removeCall(callId),
      claim: (tokenHash, newTokenHash, callId, userId) =>
        inner.claim(tokenHash, newTokenHash, callId, userId),
      setState: (peerId, muted, speaking) => inner.setState(peerId, muted, speaking),
      peers: (callId) => inner.peers(callId),
      heartbeat: (graceMs) => inner.heartbeat(graceMs),
      close: () => inner.close(),
    };
    const s = await startLiveServer(calls, clock, { backplane: gated, resumeGraceMs: 400 });
    servers.push(s);
    return {
      ...s,
      /** The room as the shared table holds it. */
      tablePeers: (callId: string) => inner.peers(callId),
      hold: () => {
        holding = true;
      },
      release: () => {
        holding = false;
        for (const ev of held.splice(0)) deliver!(ev);
      },
    };
  }

  function setup(participants: string[]) {
    clock = new ManualClock(new Date(START.getTime() - 5 * MINUTE));
    const call = newCall(Object.fromEntries(participants.map((p) => [p, PRINCIPAL])), START);
    return { call, calls: new Map([[call.id, call]]) };
  }

  it('puts peers on different nodes in one room: joins, big signals over NOTIFY, mutes, leaves', async () => {
    const { call, calls } = setup(['alice', 'bob']);
    const a = await node(calls, 'a');
    const b = await node(calls, 'b');
    const alice = await connect(a, 'alice');
    const bob = await connect(b, 'bob');
    const aj = await alice.join(call.id);
    const bj = await bob.join(call.id);
    expect(bj.peers.map((p) => p.peerId)).toEqual([aj.peerId]);
    expect((await alice.next('peer-joined')).peer.peerId).toBe(bj.peerId);

    // An SDP past NOTIFY's 8,000 bytes travels as a stored row named by id.
    const sdp = `v=0\r\n${'a=x-filler:0123456789abcdef0123456789abcdef\r\n'.repeat(400)}`;
    expect(sdp.length).toBeGreaterThan(8000);
    alice.send({ type: 'signal', to: bj.peerId, description: { type: 'answer', sdp } });
    const sig = await bob.next('signal');
    expect(sig.from).toBe(aj.peerId);
    expect(sig.description?.sdp).toBe(sdp);
    bob.send({
      type: 'signal',
      to: aj.peerId,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    });
    expect((await alice.next('signal')).candidate).toMatchObject({
      candidate: expect.stringContaining('127.0.0.1'),
    });

    bob.send({ type: 'state', muted: true });
    expect(await alice.next('peer-state')).toMatchObject({ peerId: bj.peerId, muted: true });
    expect(a.hub.peers(call.id).find((p) => p.peerId === bj.peerId)?.muted).toBe(true);

    bob.send({ type: 'leave' });
    expect(await alice.next('peer-left')).toMatchObject({ peerId: bj.peerId, reason: 'left' });
    await sleep(100);
    expect(a.hub.peers(call.id).map((p) => p.peerId)).toEqual([aj.peerId]);
    // Each event is recorded once, by the node the peer was on.
    expect(a.events.map((e) => `${e.kind}:${e.userId}`)).toEqual(['join:alice']);
    expect(b.events.map((e) => `${e.kind}:${e.userId}`)).toEqual(['join:bob', 'mute:bob', 'leave:bob']);
  });

  it("tells a node's people of a peer it read from the table before that peer's join event arrived", async () => {
    // Node A holds back the events of other nodes until told; meanwhile a join on A reads the
    // room from the shared table and so learns of Bob (joined on B) before B's event arrives.
    const { call, calls } = setup(['alice', 'bob', 'carol']);
    const a = await gatedNode(calls);
    const b = await node(calls, 'b');
    const alice = await connect(a, 'alice');
    const aj = await alice.join(call.id);

    a.hold();
    const bob = await connect(b, 'bob');
    const bj = await bob.join(call.id);
    const carol = await connect(a, 'carol');
    const cj = await carol.join(call.id);
    expect(cj.peers.map((p) => p.peerId).sort()).toEqual([aj.peerId, bj.peerId].sort());
    expect((await alice.next('peer-joined')).peer.peerId).toBe(cj.peerId);

    a.release();
    // Without this, Alice would drop Bob's offer as from a stranger and never connect to him.
    expect((await alice.next('peer-joined')).peer.peerId).toBe(bj.peerId);
    expect(alice.all('peer-joined').map((m) => m.peer.peerId)).toEqual([cj.peerId, bj.peerId]);
    // Carol, who had Bob in her "joined" already, is told too: a browser that knows the peer
    // only updates it (MeshCall.addPeer), so the second word is harmless.
    expect((await carol.next('peer-joined')).peer.peerId).toBe(bj.peerId);
  });

  it("tells a node's people of a peer that left while a join there read the room, before the leave event arrived", async () => {
    const { call, calls } = setup(['alice', 'bob', 'carol']);
    const a = await gatedNode(calls);
    const b = await node(calls, 'b');
    const alice = await connect(a, 'alice');
    const aj = await alice.join(call.id);
    const bob = await connect(b, 'bob');
    const bj = await bob.join(call.id);
    expect((await alice.next('peer-joined')).peer.peerId).toBe(bj.peerId);

    a.hold();
    bob.send({ type: 'leave' });
    await expect.poll(async () => (await a.tablePeers(call.id)).length).toBe(1);
    const carol = await connect(a, 'carol');
    const cj = await carol.join(call.id);
    expect(cj.peers.map((p) => p.peerId)).toEqual([aj.peerId]);

    a.release();
    // Without this, Alice would keep Bob in the call, his connection failing, until she left.
    expect(await alice.next('peer-left')).toMatchObject({ peerId: bj.peerId, reason: 'left' });
  });

  it('enforces the mesh limit across nodes: two nodes never both admit the last place', async () => {
    const people = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    const { call, calls } = setup(people);
    const a = await node(calls, 'a', { maxPeersPerCall: 3 });
    const b = await node(calls, 'b', { maxPeersPerCall: 3 });
    const cs = await Promise.all(people.map((p, i) => connect(i % 2 ? b : a, p)));
    for (const c of cs) c.send({ type: 'join', callId: call.id });
    const outcomes = await Promise.all(
      cs.map(async (c) => {
        for (let i = 0; i < 100; i++) {
          if (c.messages.some((m) => m.type === 'joined')) return 'joined';
          const err = c.messages.find((m) => m.type === 'error');
          if (err && err.type === 'error') return err.code;
          await sleep(20);
        }
        return 'nothing';
      }),
    );
    expect(outcomes.filter((o) => o === 'joined')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'call_full')).toHaveLength(3);
  });

  it('resumes a dropped peer on the other node with its token; a dead node’s peers expire after the grace period', async () => {
    const { call, calls } = setup(['alice', 'bob', 'carol']);
    const a = await node(calls, 'a');
    const b = await node(calls, 'b');
    const alice = await connect(a, 'alice');
    const carol = await connect(a, 'carol');
    const bob = await connect(b, 'bob');
    const aj = await alice.join(call.id);
    const cj = await carol.join(call.id);
    const bj = await bob.join(call.id);

    // Node a dies (its sockets cut, no goodbye): alice comes back through node b.
    await a.close();
    servers.splice(servers.indexOf(a), 1);
    const alice2 = await connect(b, 'alice');
    const rj = await alice2.join(call.id, aj.resumeToken);
    expect(rj).toMatchObject({ resumed: true, peerId: aj.peerId });
    expect(rj.peers.map((p) => p.peerId).sort()).toEqual([bj.peerId, cj.peerId].sort());
    // The spent token is refused everywhere (a second resume makes a new peer).
    bob.send({ type: 'signal', to: aj.peerId, candidate: null });
    expect((await alice2.next('signal')).from).toBe(bj.peerId);

    // carol did not come back: after 3 missed heartbeats and the grace period she leaves, once.
    const left = await bob.next('peer-left', 5000);
    expect(left).toMatchObject({ peerId: cj.peerId, reason: 'timeout' });
    expect((await alice2.next('peer-left', 5000)).peerId).toBe(cj.peerId);
    await sleep(500);
    expect(bob.all('peer-left')).toHaveLength(1);
    expect(
      b.hub
        .peers(call.id)
        .map((p) => p.peerId)
        .sort(),
    ).toEqual([aj.peerId, bj.peerId].sort());
    expect((await new LiveRepository(db.db).peers(call.id)).map((p) => p.id).sort()).toEqual(
      [aj.peerId, bj.peerId].sort(),
    );
  });

  it('expires the peers of a node restarted under the same id after the grace period, unless they resume', async () => {
    const { call, calls } = setup(['alice', 'bob']);
    const fixed = `fixed-${Math.random().toString(36).slice(2, 6)}`;
    const a = await node(calls, 'a', {}, fixed);
    const b = await node(calls, 'b');
    const alice = await connect(a, 'alice');
    const bob = await connect(b, 'bob');
    const aj = await alice.join(call.id);
    await bob.join(call.id);
    await a.close();
    servers.splice(servers.indexOf(a), 1);
    // Same node id, new process: alice's row is not taken for one of its own.
    await node(calls, 'a', {}, fixed);
    expect((await bob.next('peer-left', 5000)).peerId).toBe(aj.peerId);
    expect((await new LiveRepository(db.db).peers(call.id)).map((p) => p.actor.userId)).toEqual(['bob']);
  });

  it('reaches a person on any node (the per-person channel) and closes their sockets on every node', async () => {
    const { call, calls } = setup(['alice', 'bob']);
    const a = await node(calls, 'a');
    const b = await node(calls, 'b');
    const onA = await connect(a, 'alice');
    const onB = await connect(b, 'alice');
    await onA.join(call.id);
    await sleep(100);
    a.hub.notifyUser('alice', { type: 'pong', t: 42 });
    expect(await onA.next('pong')).toEqual({ type: 'pong', t: 42 });
    expect(await onB.next('pong')).toEqual({ type: 'pong', t: 42 });
    await b.hub.disconnectUser('alice', 'Signed out.');
    expect((await onA.next('error')).code).toBe('unauthenticated');
    expect((await onB.next('error')).code).toBe('unauthenticated');
    await sleep(200);
    expect(a.hub.peers(call.id)).toEqual([]);
  });

  it('sends one message to several people on any node, a large one (over the NOTIFY limit) too', async () => {
    const { call, calls } = setup(['alice', 'bob', 'carol']);
    const a = await node(calls, 'a');
    const b = await node(calls, 'b');
    const alice = await connect(a, 'alice');
    const bob = await connect(b, 'bob');
    const carol = await connect(b, 'carol');
    // Joined: each socket is authenticated as its person.
    for (const c of [alice, bob, carol]) await c.join(call.id);
    await sleep(100);
    // A messaging event with 60 KiB of ciphertext inline: stored and referenced between nodes.
    const data = Buffer.alloc(60 * 1024, 7).toString('base64');
    const msg = {
      type: 'messaging' as const,
      groupId: 'g1',
      kind: 'message' as const,
      seq: 9,
      prevSeq: 8,
      message: {
        seq: 9,
        epoch: 1,
        kind: 'application' as const,
        senderUserId: 'alice',
        data,
        at: '2026-03-02T14:00:00.000Z',
        archivedAt: null,
      },
    };
    a.hub.notifyUsers(['alice', 'bob'], msg);
    expect(await alice.next('messaging')).toEqual(msg);
    expect(await bob.next('messaging')).toEqual(msg);
    await sleep(300);
    expect(carol.all('messaging')).toEqual([]);
  });
});

describe.skipIf(!onPostgres)('rate limits shared by two app instances on one PostgreSQL', () => {
  it('counts requests to either instance against one limit', async () => {
    const db = await openTestDatabase();
    try {
      await migrateToLatest(db.db);
      const apps = await Promise.all(
        [1, 2].map(async () => {
          const app = Fastify({ logger: false });
          await app.register(rateLimit, {
            global: false,
            store: postgresRateLimitStore(new RateLimitRepository(db.db)),
          });
          app.post(
            '/sign-in',
            { config: { rateLimit: { max: 3, timeWindow: '1 minute' } } },
            async () => 'ok',
          );
          app.get('/public', { config: { rateLimit: { max: 3, timeWindow: '1 minute' } } }, async () => 'ok');
          await app.ready();
          return app;
        }),
      );
      const [a, b] = apps as [(typeof apps)[0], (typeof apps)[0]];
      const codes: number[] = [];
      for (const app of [a, b, a, b])
        codes.push((await app.inject({ method: 'POST', url: '/sign-in' })).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      // Another route keeps its own count; another address too.
      expect((await b.inject({ method: 'GET', url: '/public' })).statusCode).toBe(200);
      expect(
        (await a.inject({ method: 'POST', url: '/sign-in', remoteAddress: '10.0.0.9' })).statusCode,
      ).toBe(200);
      const limited = await a.inject({ method: 'POST', url: '/sign-in' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
      await Promise.all(apps.map((x) => x.close()));
    } finally {
      await db.drop();
    }
  });
});
