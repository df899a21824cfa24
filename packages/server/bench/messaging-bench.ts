/**
 * Messaging bench (run: npm run bench:messaging -w @hotline/server, or npx tsx
 * packages/server/bench/messaging-bench.ts [members] [bigGroup] [archived]; with TEST_DATABASE_URL
 * set, part 1 runs on PostgreSQL too):
 * 1. send → delivered to every member of a group (default 50), the real path: the server listens
 *    on loopback, each member's device has its own signed-in WebSocket on /api/v1/live, the sender
 *    encrypts and POSTs the message over HTTP, and a member counts as delivered once its device has
 *    decrypted it. p50/p99 over 30 sends, two ways in the same run:
 *      live   — the event carries the ciphertext (≤ 64 KiB), each device decrypts it at once;
 *      fetch  — the previous design: the event only says "something new", every device then GETs
 *               the message over HTTP and decrypts it.
 *    Beside them: the bare ts-mls cost of the same sends (one createApplicationMessage plus one
 *    processPrivateMessage per member, same states, no I/O). The devices share this process (and
 *    its one thread) with the server, so their decryptions queue behind each other: real devices
 *    decrypt in parallel, each on its own CPU. The bare figure is that serial decrypt cost.
 * 2. A Commit adding one member to a group of `bigGroup` (default 100): time to produce it, for the
 *    server to accept it, and for a member to apply it; beside the bare ts-mls createCommit /
 *    processPublicMessage. (In-process: services on an in-memory PGlite, no HTTP.)
 * 3. Records-member throughput: messages decrypted, sealed to the archive key and archived per
 *    second; beside bare ts-mls decryption per second. (In-process.)
 */
import { loadavg } from 'node:os';
import type { GroupMessage, LiveServerMessage } from '@hotline/contract';
import {
  applyCommit,
  commitChanges,
  createConversation,
  decodeKeyPackage,
  decryptMessage,
  encryptMessage,
  joinFromWelcome,
  newArchiveKeyPair,
  newKeyPackage,
  RecordsMember,
  type Session,
  sealForArchive,
  suite,
} from '@hotline/e2ee';
import {
  createApplicationMessage,
  createCommit,
  decodeMlsMessage,
  emptyPskIndex,
  processPrivateMessage,
  processPublicMessage,
} from '@hotline/e2ee/raw';
import WebSocket from 'ws';
import { buildApp } from '../src/app.js';
import { LIVE_PATH } from '../src/live/index.js';
import type { Actor } from '../src/policy/policy.js';
import { newActor, newInviteInput, newOfficeInput } from '../test/helpers/builders.js';
import { SAME_ORIGIN, signInAs } from '../test/helpers/http.js';
import { b64, enc, messagingDevices, unb64 } from '../test/helpers/messaging.js';
import { newTestContext, type TestContext } from '../test/helpers/test-context.js';

const MEMBERS = Number(process.argv[2] ?? 50);
const BIG = Number(process.argv[3] ?? 100);
const ARCHIVED = Number(process.argv[4] ?? 200);
const SENDS = 30;
const ms = (t0: number) => performance.now() - t0;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const f = (x: number) => x.toFixed(1);
const cs = await suite();

/** An office with its records member published, in a fresh test database (PGlite, or PostgreSQL). */
async function world(t: TestContext) {
  const devices = messagingDevices(() => t.ctx);
  const office = (await t.ctx.identity.createOffice({ operator: 'bench' }, newOfficeInput())).id;
  const officer = await newActor(t.ctx, office, ['records']);
  const archive = await newArchiveKeyPair();
  const recKp = await newKeyPackage({ kind: 'records', officeId: office });
  await t.ctx.messaging.publishRecordsMember(officer, b64(recKp.publicBytes), b64(archive.publicKey));
  const directory = new Map([[office, decodeKeyPackage(recKp.publicBytes).leafNode.signaturePublicKey]]);

  /** A group of n people (one device each) and the records member; every device's session. */
  async function group(n: number, person = (o: string) => newActor(t.ctx, o, ['staff'])) {
    const people: Actor[] = [];
    for (let i = 0; i < n; i++) people.push(await person(office));
    const kps = [];
    for (const p of people.slice(1)) {
      const kp = await devices.keyPackage(p, 'd');
      await t.ctx.messaging.publishKeyPackages(p, [{ data: b64(kp.publicBytes), lastResort: false }]);
      kps.push(kp);
    }
    const own = await devices.keyPackage(people[0]!, 'd');
    const g = await t.ctx.messaging.createGroup(people[0]!, b64(own.publicBytes));
    let s = await createConversation(enc(g.id), own, directory);
    const claimed = [
      (await t.ctx.messaging.claimKeyPackages(people[0]!, { recordsOfficeId: office })).keyPackages[0]!,
    ];
    for (const p of people.slice(1))
      claimed.push(
        (await t.ctx.messaging.claimKeyPackages(people[0]!, { userId: p.userId })).keyPackages[0]!,
      );
    const add = await commitChanges(s, { add: claimed.map((k) => unb64(k.data)) });
    s = add.session;
    const c = await t.ctx.messaging.postCommit(people[0]!, g.id, {
      commit: b64(add.commit),
      welcome: b64(add.welcome!),
    });
    const sessions: Session[] = [s];
    for (const kp of kps) sessions.push(await joinFromWelcome(add.welcome!, kp, directory));
    return { id: g.id, people, sessions, welcome: add.welcome!, seq: c.seq };
  }
  return { devices, office, officer, archive, recKp, directory, group };
}

/** A person who can sign in with the demo sign-in (so the bench gets a real session cookie). */
async function persona(t: TestContext, officeId: string): Promise<Actor> {
  const input = newInviteInput(officeId, { roles: ['staff'] });
  const id = await t.ctx.db
    .transaction()
    .execute((tx) => t.ctx.identity.createActiveUser(tx, { ...input, roles: ['staff'], demoPersona: true }));
  return { userId: id, officeId, roles: ['staff'], displayName: input.displayName };
}

/**
 * One member's device: its live socket, its MLS session and the last seq it processed. On an
 * event it decrypts the inline ciphertext when it is at `prevSeq` (mode live), else it GETs what is
 * new over HTTP (mode fetch, and any gap), as the web client does.
 */
class Device {
  seq: number;
  private chain: Promise<void> = Promise.resolve();
  mode: 'live' | 'fetch' = 'live';
  onDecrypted: ((seq: number) => void) | null = null;
  private ws!: WebSocket;
  constructor(
    private readonly base: string,
    private readonly cookie: string,
    readonly userId: string,
    private readonly groupId: string,
    public session: Session,
    seq: number,
  ) {
    this.seq = seq;
  }
  async connect() {
    this.ws = new WebSocket(`${this.base.replace('http', 'ws')}${LIVE_PATH}`, {
      headers: { cookie: this.cookie },
    });
    await new Promise<void>((resolve, reject) => {
      this.ws.once('error', reject);
      this.ws.on('message', (d) => {
        const msg = JSON.parse(String(d)) as LiveServerMessage;
        if (msg.type === 'pong') resolve();
        if (msg.type === 'messaging' && msg.groupId === this.groupId && msg.kind === 'message')
          this.chain = this.chain.then(() => this.onEvent(msg));
      });
      this.ws.once('open', () => this.ws.send(JSON.stringify({ type: 'ping', t: 1 })));
    });
  }
  private async onEvent(ev: Extract<LiveServerMessage, { type: 'messaging' }>) {
    if (ev.seq <= this.seq) return;
    if (this.mode === 'live' && ev.message && ev.prevSeq === this.seq) return this.apply(ev.message);
    const res = await fetch(
      `${this.base}/api/v1/messaging/groups/${this.groupId}/messages?after=${this.seq}&limit=500`,
      {
        headers: { cookie: this.cookie },
      },
    );
    const { messages } = (await res.json()) as { messages: GroupMessage[] };
    for (const m of messages) await this.apply(m);
  }
  private async apply(m: GroupMessage) {
    if (m.senderUserId !== this.userId) {
      const r = await decryptMessage(this.session, unb64(m.data));
      this.session = r.session;
      this.onDecrypted?.(m.seq);
    }
    this.seq = m.seq;
  }
  close() {
    this.ws.close();
  }
}

/** Part 1 on one database: both delivery ways and the bare ts-mls cost, interleaved send by send. */
async function delivery(db: 'PGlite' | 'PostgreSQL') {
  if (db === 'PostgreSQL') process.env.HOTLINE_TEST_DB = 'postgres';
  const t = await newTestContext({ demo: '1', authRateLimit: '100000', sessionTtlHours: '720' });
  const w = await world(t);
  const app = await buildApp(t.ctx, { webDir: null });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  const base = `http://127.0.0.1:${addr.port}`;
  const g = await w.group(MEMBERS, (o) => persona(t, o));
  const cookies = await Promise.all(g.people.map((p) => signInAs(app, p.userId)));
  const devices = g.people.map(
    (p, i) => new Device(base, cookies[i]!, p.userId, g.id, g.sessions[i]!, g.seq),
  );
  for (const d of devices) await d.connect();
  const lat = { live: [] as number[], fetch: [] as number[] };
  /** Send → the sender has the server's 201 (encrypt, HTTP, the transaction with its audit record). */
  const accepted: number[] = [];
  const bare: number[] = [];
  for (let k = 0; k < 2 * SENDS; k++) {
    const mode = k % 2 === 0 ? 'live' : 'fetch';
    for (const d of devices) d.mode = mode;
    const sender = k % MEMBERS;
    // Bare ts-mls first, on the same (pre-send) states, discarded.
    if (mode === 'live') {
      const b0 = performance.now();
      const raw = await createApplicationMessage(devices[sender]!.session.state, enc(`bare ${k}`), cs);
      for (let i = 0; i < MEMBERS; i++)
        if (i !== sender)
          await processPrivateMessage(devices[i]!.session.state, raw.privateMessage, emptyPskIndex, cs);
      bare.push(ms(b0));
    }
    let waiting = MEMBERS - 1;
    const delivered = new Promise<void>((resolve) => {
      for (const d of devices)
        d.onDecrypted = () => {
          if (--waiting === 0) resolve();
        };
    });
    const t0 = performance.now();
    const m = await encryptMessage(devices[sender]!.session, enc(`bench message ${k}`));
    devices[sender]!.session = m.session;
    const res = await fetch(`${base}/api/v1/messaging/groups/${g.id}/messages`, {
      method: 'POST',
      headers: { cookie: cookies[sender]!, 'content-type': 'application/json', ...SAME_ORIGIN },
      body: JSON.stringify({ message: b64(m.message) }),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`send: ${res.status} ${await res.text()}`);
    if (mode === 'live') accepted.push(ms(t0));
    await delivered;
    lat[mode].push(ms(t0));
  }
  for (const d of devices) d.close();
  await app.close();
  await t.close();
  return { lat, bare, accepted };
}

const load = loadavg()[0]!.toFixed(1);
console.log(
  `messaging bench: ${MEMBERS} members, Commit into ${BIG}, ${ARCHIVED} archived; load ${load} (1-min average at start)`,
);

// 1. send → delivered to all members, over loopback HTTP and WebSockets
for (const db of ['PGlite', ...(process.env.TEST_DATABASE_URL ? ['PostgreSQL' as const] : [])] as const) {
  const { lat, bare, accepted } = await delivery(db);
  console.log(
    `send → delivered (decrypted) on all ${MEMBERS - 1} other devices, ${db}: live (ciphertext in the event) p50 ${f(pct(lat.live, 50))} ms, p99 ${f(pct(lat.live, 99))} ms (target p99 < 200 ms; the sender had its 201 at p50 ${f(pct(accepted, 50))} ms) | fetch (event, then GET) p50 ${f(pct(lat.fetch, 50))} ms, p99 ${f(pct(lat.fetch, 99))} ms | bare ts-mls (encrypt + ${MEMBERS - 1} decrypts, one thread) p50 ${f(pct(bare, 50))} ms, p99 ${f(pct(bare, 99))} ms`,
  );
}
delete process.env.HOTLINE_TEST_DB;
const t = await newTestContext();
const { devices, office, archive, recKp, directory, group } = await world(t);

// 2. Commit adding one member to a big group
{
  const g = await group(BIG);
  const newcomer = await newActor(t.ctx, office, ['staff']);
  const kp = await devices.keyPackage(newcomer, 'd');
  await t.ctx.messaging.publishKeyPackages(newcomer, [{ data: b64(kp.publicBytes), lastResort: false }]);
  const claimed = (await t.ctx.messaging.claimKeyPackages(g.people[0]!, { userId: newcomer.userId }))
    .keyPackages[0]!;
  const p0 = performance.now();
  const out = await commitChanges(g.sessions[0]!, { add: [unb64(claimed.data)] });
  const produce = ms(p0);
  const a0 = performance.now();
  await t.ctx.messaging.postCommit(g.people[0]!, g.id, {
    commit: b64(out.commit),
    welcome: b64(out.welcome!),
  });
  const accept = ms(a0);
  const ap0 = performance.now();
  await applyCommit(g.sessions[1]!, out.commit);
  const apply = ms(ap0);
  const bp0 = performance.now();
  const bareCommit = await createCommit(
    { state: g.sessions[0]!.state, cipherSuite: cs },
    {
      extraProposals: [{ proposalType: 'add', add: { keyPackage: decodeKeyPackage(kp.publicBytes) } }],
      wireAsPublicMessage: true,
    },
  );
  const bareProduce = ms(bp0);
  const m = decodeMlsMessage(out.commit, 0)![0];
  const ba0 = performance.now();
  if (m.wireformat === 'mls_public_message')
    await processPublicMessage(g.sessions[2]!.state, m.publicMessage, emptyPskIndex, cs);
  const bareApply = ms(ba0);
  void bareCommit;
  console.log(
    `Commit adding 1 to ${BIG + 1} leaves: produce ${f(produce)} ms, server accepts ${f(accept)} ms, a member applies ${f(apply)} ms | bare ts-mls produce ${f(bareProduce)} ms, apply ${f(bareApply)} ms`,
  );
}

// 3. Records-member throughput
{
  const g = await group(3);
  const rm = new RecordsMember(office, recKp, directory);
  const welcomes = await t.ctx.messagingQueries.welcomesForRecords(office);
  await rm.join(welcomes.find((w) => w.groupId === g.id)!.data);
  const raw: { seq: number; data: Uint8Array }[] = [];
  let s = g.sessions[0]!;
  for (let k = 0; k < ARCHIVED; k++) {
    const m = await encryptMessage(s, enc(`archived message ${k} `.repeat(8)));
    s = m.session;
    const r = await t.ctx.messaging.postMessage(g.people[0]!, g.id, b64(m.message));
    raw.push({ seq: r.seq, data: m.message });
  }
  const bareState = new RecordsMember(office, recKp, directory);
  bareState.importState(rm.exportState());
  const r0 = performance.now();
  for (const m of raw) {
    const ev = await rm.handle(g.id, m.data);
    if (ev.kind !== 'application') continue;
    const sealed = await sealForArchive(archive.publicKey, ev.plaintext, {
      groupId: g.id,
      epoch: ev.epoch,
      seq: m.seq,
    });
    await t.ctx.recordsArchive.archive(office, { groupId: g.id, seq: m.seq, sealed });
  }
  const rate = ARCHIVED / (ms(r0) / 1000);
  const st = bareState.exportState().get(g.id)!;
  const { importSession } = await import('@hotline/e2ee');
  let bs = importSession(st, directory).state;
  const b0 = performance.now();
  for (const m of raw) {
    const d = decodeMlsMessage(m.data, 0)![0];
    if (d.wireformat !== 'mls_private_message') continue;
    const r = await processPrivateMessage(bs, d.privateMessage, emptyPskIndex, cs);
    bs = r.newState;
  }
  const bareRate = ARCHIVED / (ms(b0) / 1000);
  console.log(
    `records member: ${f(rate)} messages archived/s (decrypt, seal, append to the records log) | bare ts-mls decrypt ${f(bareRate)} messages/s`,
  );
}
console.log(`load at end ${loadavg()[0]!.toFixed(1)}`);
await t.close();
