import { ManualClock, MINUTE } from '@hotline/common';
import { LIVE_CLOSE, LiveServerMessageSchema } from '@hotline/contract';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeCall,
  LISTENER,
  type LiveTestServer,
  newCall,
  PRINCIPAL,
  sleep,
  startLiveServer,
  TestClient,
} from './helpers.js';

const START = new Date('2026-03-10T14:00:00Z');

const OFFER_SENDRECV = [
  'v=0',
  'o=- 1 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendrecv',
  'a=fingerprint:sha-256 AA:BB:CC',
  '',
].join('\r\n');
const ANSWER_RECVONLY = OFFER_SENDRECV.replace('a=sendrecv', 'a=recvonly');
const ANSWER_NO_DIRECTION = OFFER_SENDRECV.replace('a=sendrecv\r\n', '');

describe('live hub (/api/v1/live)', () => {
  let clock: ManualClock;
  let calls: Map<string, FakeCall>;
  let call: FakeCall;
  let other: FakeCall;
  let server: LiveTestServer;
  const clients: TestClient[] = [];

  async function connect(as: string | null): Promise<TestClient> {
    const c = await TestClient.connect(server.url, as);
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    clock = new ManualClock(new Date(START.getTime() - 5 * MINUTE));
    call = newCall({ alice: PRINCIPAL, bob: PRINCIPAL, nora: LISTENER }, START);
    other = newCall({ carol: PRINCIPAL, dave: PRINCIPAL }, START);
    calls = new Map([
      [call.id, call],
      [other.id, other],
    ]);
    server = await startLiveServer(calls, clock, { resumeGraceMs: 400 });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.ws.terminate();
    await server.close();
  });

  it('refuses a connection without a session, with a reason, and closes it', async () => {
    const c = await connect(null);
    const err = await c.next('error');
    expect(err).toMatchObject({ code: 'unauthenticated', fatal: true });
    expect(err.detail).toMatch(/Sign in/);
    await sleep(50);
    expect(c.closed?.code).toBe(LIVE_CLOSE.unauthenticated);
  });

  it('refuses a user who is not a participant of the call, saying so', async () => {
    const mallory = await connect('mallory');
    mallory.send({ type: 'join', callId: call.id });
    const err = await mallory.next('error');
    expect(err.code).toBe('forbidden');
    expect(err.detail).toBe('You are not a participant of this call.');
    expect(server.hub.peers(call.id)).toEqual([]);
    expect(server.events).toEqual([]);
  });

  it('refuses a participant before the call window opens, naming when it opens', async () => {
    clock.set(new Date(START.getTime() - 16 * MINUTE));
    const alice = await connect('alice');
    alice.send({ type: 'join', callId: call.id });
    const err = await alice.next('error');
    expect(err.code).toBe('forbidden');
    expect(err.detail).toContain('opens 15 minutes before the start at 13:45 UTC');
    clock.advance(2 * MINUTE);
    const joined = await alice.join(call.id);
    expect(joined.you).toEqual({ role: 'principal', canSend: true });
  });

  it('admits participants, tells each who is there, and records the joins', async () => {
    const alice = await connect('alice');
    const a = await alice.join(call.id);
    expect(a.peers).toEqual([]);
    expect(a.resumed).toBe(false);
    const nora = await connect('nora');
    const n = await nora.join(call.id);
    expect(n.you).toEqual({ role: 'listener', canSend: false });
    expect(n.peers).toEqual([
      expect.objectContaining({ peerId: a.peerId, userId: 'alice', role: 'principal', canSend: true }),
    ]);
    const seen = await alice.next('peer-joined');
    expect(seen.peer).toMatchObject({
      peerId: n.peerId,
      role: 'listener',
      canSend: false,
      displayName: 'User nora',
    });
    expect(server.events.map((e) => [e.kind, e.userId, e.role])).toEqual([
      ['join', 'alice', 'principal'],
      ['join', 'nora', 'listener'],
    ]);
    // Every server message matches the published schema.
    for (const m of [...alice.messages, ...nora.messages]) LiveServerMessageSchema.parse(m);
  });

  it('relays signals only between members of the same call', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const carol = await connect('carol');
    const a = await alice.join(call.id);
    const b = await bob.join(call.id);
    const c = await carol.join(other.id);

    alice.send({ type: 'signal', to: b.peerId, description: { type: 'offer', sdp: OFFER_SENDRECV } });
    const got = await bob.next('signal');
    expect(got).toEqual({
      type: 'signal',
      from: a.peerId,
      description: { type: 'offer', sdp: OFFER_SENDRECV },
    });

    // Carol knows Alice's peer id but is in another call: refused, nothing delivered.
    carol.send({
      type: 'signal',
      to: a.peerId,
      candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host' },
    });
    const err = await carol.next('error');
    expect(err.code).toBe('unknown_peer');
    alice.send({ type: 'ping', t: 1 });
    await alice.next('pong');
    expect(alice.all('signal')).toEqual([]);
    expect(c.peers).toEqual([]);

    // Signals before joining are refused.
    const dave = await connect('dave');
    dave.send({ type: 'signal', to: a.peerId, candidate: null });
    expect((await dave.next('error')).code).toBe('not_joined');
  });

  it('rejects malformed messages with a reason and keeps the connection', async () => {
    const alice = await connect('alice');
    alice.ws.send('not json');
    expect((await alice.next('error')).code).toBe('bad_message');
    alice.send({ type: 'join', callId: 'nope' });
    const err = await alice.next('error');
    expect(err.detail).toMatch(/callId: must be a UUID/);
    await alice.join(call.id);
  });

  it('refuses a listener description that would send audio, and relays a receive-only one', async () => {
    const alice = await connect('alice');
    const nora = await connect('nora');
    const a = await alice.join(call.id);
    await nora.join(call.id);

    nora.send({ type: 'signal', to: a.peerId, description: { type: 'answer', sdp: OFFER_SENDRECV } });
    const err = await nora.next('error');
    expect(err.code).toBe('listener_cannot_send');
    expect(err.detail).toContain('m=audio sendrecv');

    // No direction attribute means sendrecv (RFC 3264): refused too.
    nora.send({ type: 'signal', to: a.peerId, description: { type: 'answer', sdp: ANSWER_NO_DIRECTION } });
    expect((await nora.next('error')).code).toBe('listener_cannot_send');

    nora.send({ type: 'signal', to: a.peerId, description: { type: 'answer', sdp: ANSWER_RECVONLY } });
    const relayed = await alice.next('signal');
    expect(relayed.description?.sdp).toBe(ANSWER_RECVONLY);
    expect(alice.all('signal')).toHaveLength(1);
  });

  it('lets a dropped connection resume its peer id without the others seeing it leave', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const a = await alice.join(call.id);
    const b = await bob.join(call.id);

    expect(server.hub.dropConnection(a.peerId)).toBe(true);
    await sleep(50);
    expect(alice.closed).not.toBeNull();
    // A signal sent while Alice is away is kept for her.
    bob.send({
      type: 'signal',
      to: a.peerId,
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    });
    await sleep(50);

    const alice2 = await connect('alice');
    const again = await alice2.join(call.id, a.resumeToken);
    expect(again.peerId).toBe(a.peerId);
    expect(again.resumed).toBe(true);
    expect(again.resumeToken).not.toBe(a.resumeToken);
    expect(again.peers.map((p) => p.peerId)).toEqual([b.peerId]);
    expect((await alice2.next('signal')).from).toBe(b.peerId);

    await sleep(500); // past the grace period
    expect(bob.all('peer-left')).toEqual([]);
    expect(bob.all('peer-joined')).toEqual([]);
    expect(server.events.map((e) => e.kind)).toEqual(['join', 'join']);

    // The old token no longer works: it makes a new peer.
    const alice3 = await connect('alice');
    alice2.send({ type: 'leave' });
    const fresh = await alice3.join(call.id, a.resumeToken);
    expect(fresh.peerId).not.toBe(a.peerId);
  });

  it('does not let another user take over a peer with a stolen resume token', async () => {
    const alice = await connect('alice');
    const a = await alice.join(call.id);
    server.hub.dropConnection(a.peerId);
    const bob = await connect('bob');
    const b = await bob.join(call.id, a.resumeToken);
    expect(b.peerId).not.toBe(a.peerId);
    expect(b.resumed).toBe(false);
  });

  it('tells the others a peer left once the grace period passes, and records it', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const a = await alice.join(call.id);
    await bob.join(call.id);
    server.hub.dropConnection(a.peerId);
    await sleep(150);
    expect(bob.all('peer-left')).toEqual([]);
    const left = await bob.next('peer-left');
    expect(left).toEqual({ type: 'peer-left', peerId: a.peerId, reason: 'timeout' });
    const leave = server.events.at(-1);
    expect(leave).toMatchObject({ kind: 'leave', userId: 'alice', reason: 'timeout' });
    expect(leave?.kind === 'leave' && leave.remaining.map((r) => r.userId)).toEqual(['bob']);
    // Too late to resume: a new identity.
    const alice2 = await connect('alice');
    expect((await alice2.join(call.id, a.resumeToken)).peerId).not.toBe(a.peerId);
  });

  it('relays and records mute changes and verification results', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    const a = await alice.join(call.id);
    const b = await bob.join(call.id);
    alice.send({ type: 'state', muted: true });
    expect(await bob.next('peer-state')).toEqual({
      type: 'peer-state',
      peerId: a.peerId,
      muted: true,
      speaking: false,
    });
    alice.send({ type: 'state', muted: true, speaking: false }); // no change: not recorded again
    alice.send({ type: 'verify', peer: b.peerId, result: 'mismatch', code: '123456' });
    expect(await bob.next('verification')).toEqual({
      type: 'verification',
      by: a.peerId,
      peer: b.peerId,
      result: 'mismatch',
    });
    alice.send({ type: 'leave' });
    await bob.next('peer-left');
    expect(server.events.map((e) => e.kind)).toEqual(['join', 'join', 'mute', 'verification', 'leave']);
    expect(server.events[3]).toMatchObject({
      kind: 'verification',
      userId: 'alice',
      withUserId: 'bob',
      result: 'mismatch',
      code: '123456',
    });
  });

  it('refuses a join that cannot be recorded', async () => {
    await server.close();
    server = await startLiveServer(calls, clock, {
      onCallEvent: async () => {
        throw new Error('database down');
      },
    });
    const alice = await connect('alice');
    alice.send({ type: 'join', callId: call.id });
    const err = await alice.next('error');
    expect(err.code).toBe('record_failed');
    expect(server.hub.peers(call.id)).toEqual([]);
  });

  it('limits the mesh to six connections', async () => {
    const big = newCall(
      Object.fromEntries(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7'].map((u) => [u, PRINCIPAL])),
      START,
    );
    calls.set(big.id, big);
    for (const u of ['u1', 'u2', 'u3', 'u4', 'u5', 'u6']) await (await connect(u)).join(big.id);
    const seventh = await connect('u7');
    seventh.send({ type: 'join', callId: big.id });
    expect((await seventh.next('error')).code).toBe('call_full');
  });

  it('ends a call for everyone', async () => {
    const alice = await connect('alice');
    const bob = await connect('bob');
    await alice.join(call.id);
    await bob.join(call.id);
    await server.hub.endCall(call.id, 'The secretariat ended the call.');
    expect(await alice.next('error')).toMatchObject({ code: 'call_ended', fatal: true });
    await sleep(50);
    expect(bob.closed?.code).toBe(LIVE_CLOSE.ended);
    expect(
      server.events.filter((e) => e.kind === 'leave').map((e) => e.kind === 'leave' && e.reason),
    ).toEqual(['ended', 'ended']);
  });

  it('applies a test relay transform to relayed descriptions', async () => {
    await server.close();
    server = await startLiveServer(calls, clock, {
      transformSignal: (s) =>
        s.description?.sdp
          ? {
              ...s,
              description: { ...s.description, sdp: s.description.sdp.replace('AA:BB:CC', 'DD:EE:FF') },
            }
          : s,
    });
    const alice = await connect('alice');
    const bob = await connect('bob');
    await alice.join(call.id);
    const b = await bob.join(call.id);
    alice.send({ type: 'signal', to: b.peerId, description: { type: 'offer', sdp: OFFER_SENDRECV } });
    expect((await bob.next('signal')).description?.sdp).toContain('a=fingerprint:sha-256 DD:EE:FF');
  });
});
