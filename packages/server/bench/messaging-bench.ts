/**
 * Messaging bench (run: npx tsx packages/server/bench/messaging-bench.ts [members] [bigGroup] [archived]):
 * 1. send → delivered to every member of a group (default 50): the sender encrypts and the
 *    delivery service stores it; each member's device, told by the live event, fetches and
 *    decrypts. p50/p99 over 30 sends. Beside it: the bare ts-mls cost (one createApplicationMessage
 *    plus one processPrivateMessage per member, same states).
 * 2. A Commit adding one member to a group of `bigGroup` (default 100): time to produce it, for the
 *    server to accept it, and for a member to apply it; beside the bare ts-mls createCommit /
 *    processPublicMessage.
 * 3. Records-member throughput: messages decrypted, sealed to the archive key and archived per
 *    second; beside bare ts-mls decryption per second.
 * In-process (services and queries on an in-memory PGlite, no HTTP); loopback HTTP adds its own cost.
 */
import { loadavg } from 'node:os';
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
import type { Actor } from '../src/policy/policy.js';
import { newActor, newOfficeInput } from '../test/helpers/builders.js';
import { messagingDevices } from '../test/helpers/messaging.js';
import { newTestContext } from '../test/helpers/test-context.js';

const MEMBERS = Number(process.argv[2] ?? 50);
const BIG = Number(process.argv[3] ?? 100);
const ARCHIVED = Number(process.argv[4] ?? 200);
const SENDS = 30;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const enc = (s: string) => new TextEncoder().encode(s);
const ms = (t0: number) => performance.now() - t0;
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const f = (x: number) => x.toFixed(1);

const t = await newTestContext();
const devices = messagingDevices(() => t.ctx);
const office = (await t.ctx.identity.createOffice({ operator: 'bench' }, newOfficeInput())).id;
const officer = await newActor(t.ctx, office, ['records']);
const archive = await newArchiveKeyPair();
const recKp = await newKeyPackage({ kind: 'records', officeId: office });
await t.ctx.messaging.publishRecordsMember(officer, b64(recKp.publicBytes), b64(archive.publicKey));
const directory = new Map([[office, decodeKeyPackage(recKp.publicBytes).leafNode.signaturePublicKey]]);
const cs = await suite();

/** A group of n people (one device each) and the records member; every device's session. */
async function group(n: number) {
  const people: Actor[] = [];
  for (let i = 0; i < n; i++) people.push(await newActor(t.ctx, office, ['staff']));
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
    claimed.push((await t.ctx.messaging.claimKeyPackages(people[0]!, { userId: p.userId })).keyPackages[0]!);
  const add = await commitChanges(s, { add: claimed.map((k) => unb64(k.data)) });
  s = add.session;
  await t.ctx.messaging.postCommit(people[0]!, g.id, { commit: b64(add.commit), welcome: b64(add.welcome!) });
  const sessions: Session[] = [s];
  for (const kp of kps) sessions.push(await joinFromWelcome(add.welcome!, kp, directory));
  return { id: g.id, people, sessions, welcome: add.welcome! };
}

const load = loadavg()[0]!.toFixed(1);
console.log(
  `messaging bench: ${MEMBERS} members, Commit into ${BIG}, ${ARCHIVED} archived; load ${load} (1-min average at start)`,
);

// 1. send → delivered to all members
{
  const g = await group(MEMBERS);
  const lat: number[] = [];
  const bare: number[] = [];
  let after = (await t.ctx.messagingQueries.messages(g.people[0]!, g.id, 0, 500)).messages.at(-1)!.seq;
  for (let k = 0; k < SENDS; k++) {
    const sender = k % MEMBERS;
    const t0 = performance.now();
    const delivered = new Promise<void>((resolve) => {
      const off = t.ctx.messaging.events.on((_u, msg) => {
        if (msg.type === 'messaging' && msg.groupId === g.id && msg.kind === 'message') {
          off();
          resolve();
        }
      });
    });
    const m = await encryptMessage(g.sessions[sender]!, enc(`bench message ${k}`));
    g.sessions[sender] = m.session;
    await t.ctx.messaging.postMessage(g.people[sender]!, g.id, b64(m.message));
    await delivered;
    // Every member's device fetches what is new and decrypts it.
    for (let i = 0; i < MEMBERS; i++) {
      if (i === sender) continue;
      const got = (await t.ctx.messagingQueries.messages(g.people[i]!, g.id, after, 10)).messages;
      const r = await decryptMessage(g.sessions[i]!, unb64(got[0]!.data));
      g.sessions[i] = r.session;
    }
    lat.push(ms(t0));
    after = (await t.ctx.messagingQueries.messages(g.people[0]!, g.id, after, 10)).messages[0]!.seq;
    // Bare ts-mls: the same encrypt and decrypts on the same (pre-send) states, discarded.
    const b0 = performance.now();
    const raw = await createApplicationMessage(g.sessions[sender]!.state, enc(`bare ${k}`), cs);
    for (let i = 0; i < MEMBERS; i++) {
      if (i === sender) continue;
      await processPrivateMessage(g.sessions[i]!.state, raw.privateMessage, emptyPskIndex, cs);
    }
    bare.push(ms(b0));
  }
  console.log(
    `send → delivered to all ${MEMBERS}: p50 ${f(pct(lat, 50))} ms, p99 ${f(pct(lat, 99))} ms (target p99 < 200 ms) | bare ts-mls p50 ${f(pct(bare, 50))} ms, p99 ${f(pct(bare, 99))} ms`,
  );
}

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
