import {
  applyCommit,
  checkRecordsMembers,
  commitChanges,
  createConversation,
  decodePrivateKeys,
  decryptMessage,
  encodePrivateKeys,
  encryptMessage,
  exportSession,
  formatSafetyCode,
  importSession,
  joinFromWelcome,
  type KeyPackageBundle,
  type MemberIdentity,
  newDeviceKeyPackage,
  type RecordsCheck,
  type RecordsDirectory,
  RecordsMemberError,
  type RosterEntry,
  rosterOf,
  type Session,
  safetyCode,
  suite,
  toHex,
  verifyCredential,
} from '@hotline/e2ee';
import { ApiError, del, get, post } from '../api';
import { SealedStore } from './sealed-store';
import { b64, decodePayload, encodePayload, type FileRef, keyBytes, type Payload, unb64 } from './wire';

/**
 * The browser's MLS client (RFC 9420) for Hotline messaging. This device is its own member: a
 * random device id and an Ed25519 signature key, certified by the server's authentication
 * service after sign-in. The server is only the delivery service: it sees MLS ciphertext; the
 * plaintext, the group state and the keys live sealed in IndexedDB (sealed-store.ts).
 *
 * Rules it keeps: every conversation carries a valid records member of each office involved
 * (it refuses to encrypt otherwise and says why); a Commit is written to storage before it is
 * sent, and becomes the state only once the server accepted it (409: another Commit came first,
 * so it applies that one and makes its change again).
 */

export interface Credential {
  officeId: string;
  personId: string;
  deviceId: string;
  signaturePublicKey: string;
  issuedAt: string;
  signature: string;
}

export interface DirectoryPerson {
  personId: string;
  name: string;
  title?: string | null;
  officeId: string;
  officeName: string;
  role?: string | null;
}

export interface ConversationSummary {
  groupId: string;
  title: string;
  memberPersonIds: string[];
  officeIds: string[];
  preservedBy: { officeId: string; officeName: string }[];
  unread: number;
  lastSeq: number;
  lastAt: string | null;
  disappearAfterSeconds: number | null;
}

/** One line of a conversation as this device saw it. */
export type Item =
  | {
      kind: 'message';
      seq: number;
      at: string;
      id: string;
      senderUserId: string;
      text: string;
      replyTo?: string;
      file?: FileRef;
      /** Earlier versions, oldest first, when the sender edited it. */
      versions?: string[];
      archivedAt?: string | null;
      /** Set when the sender named in the message is not the one the server saw. */
      warning?: string;
    }
  | { kind: 'change'; seq: number; at: string; text: string }
  | { kind: 'unreadable'; seq: number; at: string; text: string };

interface StoredGroup {
  id: string;
  mls: string;
  /** The last server sequence number this device processed. */
  seq: number;
  /** Messages of epochs before this one are not for this device (it joined later). */
  fromEpoch: number;
  items: Item[];
  removed?: boolean;
  /** Server sequence numbers of this device's own messages and Commits (already applied here). */
  own?: number[];
  /** A Commit written before it was sent: its state, to become the group's state once accepted. */
  pending?: { mls: string; commit: string };
}

interface StoredDevice {
  deviceId: string;
  signKey: string;
  publicKey: string;
  credential: Credential | null;
}

interface StoredKeyPackage {
  publicBytes: string;
  privateKeys: string;
  lastResort: boolean;
}

type ServerMessage = {
  seq: number;
  epoch: number;
  kind: 'commit' | 'application';
  senderUserId: string;
  data: string;
  at: string;
  archivedAt?: string | null;
};

const KEY_PACKAGES_TO_KEEP = 5;

const clients = new Map<string, Promise<MessagingClient>>();

/** Another tab of this browser may act on the same stored state: one at a time (Web Locks). */
function exclusive<T>(name: string, f: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks)
    return navigator.locks.request(name, f) as Promise<T>;
  return f();
}

export class MessagingError extends Error {
  override readonly name = 'MessagingError';
}

const utf8 = (s: string) => new TextEncoder().encode(s);

export class MessagingClient {
  private device!: StoredDevice;
  private keyPackages: Record<string, StoredKeyPackage> = {};
  private groups = new Map<string, StoredGroup>();
  private sessions = new Map<string, Session>();
  private directory: RecordsDirectory = new Map();
  private people = new Map<string, DirectoryPerson>();
  private authority: Uint8Array | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private listeners = new Set<() => void>();
  /** Why the client could not do its start-up fully (e.g. no credential service), for the screen. */
  notices: string[] = [];

  private constructor(
    readonly store: SealedStore,
    readonly me: { personId: string; officeId: string; name: string; officeName: string },
  ) {}

  /** An office's name as the directory gives it. */
  officeName(officeId: string): string {
    if (officeId === this.me.officeId) return this.me.officeName;
    return [...this.people.values()].find((p) => p.officeId === officeId)?.officeName ?? officeId;
  }

  static async start(me: {
    personId: string;
    officeId: string;
    name: string;
    officeName: string;
  }): Promise<MessagingClient> {
    // One client per person per page, however often the screen asks for it.
    let started = clients.get(me.personId);
    if (!started) {
      started = (async () => {
        const c = new MessagingClient(await SealedStore.open(me.personId), me);
        await c.serial(() => c.load());
        return c;
      })();
      clients.set(me.personId, started);
      started.catch(() => clients.delete(me.personId));
    }
    return started;
  }

  get deviceId(): string {
    return this.device.deviceId;
  }

  onChange(l: () => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private changed() {
    for (const l of this.listeners) l();
  }

  /** One operation at a time: MLS state moves forward one step at a time. */
  private serial<T>(f: () => Promise<T>): Promise<T> {
    const locked = () => exclusive(`hotline-messaging:${this.me.personId}`, f);
    const run = this.queue.then(locked, locked);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private identity(): MemberIdentity {
    return {
      kind: 'person',
      officeId: this.me.officeId,
      personId: this.me.personId,
      deviceId: this.device.deviceId,
    };
  }

  // ---- start-up: device, credential, key packages, directories ----

  private async load() {
    let device = await this.store.get<StoredDevice>('device');
    if (!device) {
      const keys = await (await suite()).signature.keygen();
      device = {
        deviceId: crypto.randomUUID(),
        signKey: b64(keys.signKey),
        publicKey: b64(keys.publicKey),
        credential: null,
      };
      await this.store.put('device', device);
    }
    this.device = device;
    this.keyPackages = (await this.store.get<Record<string, StoredKeyPackage>>('key-packages')) ?? {};
    const ids = (await this.store.get<string[]>('groups')) ?? [];
    for (const id of ids) {
      const g = await this.store.get<StoredGroup>(`group:${id}`);
      if (g) this.groups.set(id, g);
    }
    await this.refreshDirectories();
    for (const g of this.groups.values())
      if (!g.removed) this.sessions.set(g.id, importSession(unb64(g.mls), this.directory));
    await this.ensureCredential();
    await this.ensureKeyPackages();
  }

  /** The records members' keys, the authentication service's key and the people this person may message. */
  async refreshDirectories() {
    const [rm, a, d] = await Promise.all([
      get<{ officeId: string; signatureKey: string }[]>('/api/v1/messaging/records-members'),
      get<{ publicKey: string }>('/api/v1/messaging/authority'),
      get<{ items: DirectoryPerson[] }>('/api/v1/messaging/directory'),
    ]);
    this.directory = new Map(rm.map((r) => [r.officeId, keyBytes(r.signatureKey)]));
    for (const [id, s] of this.sessions) this.sessions.set(id, { state: s.state, directory: this.directory });
    this.authority = keyBytes(a.publicKey);
    this.people = new Map(d.items.map((p) => [p.personId, p]));
  }

  private note(n: string) {
    if (!this.notices.includes(n)) this.notices.push(n);
  }

  private async ensureCredential() {
    const d = this.device;
    if (d.credential && d.credential.signaturePublicKey === d.publicKey) return;
    const c = await post<Credential>('/api/v1/messaging/credentials', {
      deviceId: d.deviceId,
      signaturePublicKey: d.publicKey,
    });
    if (!(await this.verifyCredential(c)))
      throw new MessagingError('The credential the server issued does not verify against its authority key.');
    this.device = { ...d, credential: c };
    await this.store.put('device', this.device);
  }

  /** A credential is good when the authority's Ed25519 signature covers exactly its fields. */
  async verifyCredential(c: Credential): Promise<boolean> {
    if (!this.authority) return false;
    return (await verifyCredential(c, this.authority)).ok;
  }

  /** Every key package of this device carries its one signature key, the one its credential binds. */
  private newKeyPackage(): Promise<KeyPackageBundle> {
    return newDeviceKeyPackage(this.identity(), {
      signKey: unb64(this.device.signKey),
      publicKey: unb64(this.device.publicKey),
    });
  }

  /** Keep some key packages (and one last-resort package) published for others to add this device. */
  private async ensureKeyPackages() {
    const mine = Object.values(this.keyPackages);
    const want = KEY_PACKAGES_TO_KEEP - mine.filter((k) => !k.lastResort).length;
    const needLastResort = !mine.some((k) => k.lastResort);
    if (want <= 0 && !needLastResort) return;
    const fresh: { bundle: KeyPackageBundle; lastResort: boolean }[] = [];
    for (let i = 0; i < want; i++) fresh.push({ bundle: await this.newKeyPackage(), lastResort: false });
    if (needLastResort) fresh.push({ bundle: await this.newKeyPackage(), lastResort: true });
    const r = await post<{ refs: string[] }>('/api/v1/messaging/key-packages', {
      keyPackages: fresh.map((f) => ({ data: b64(f.bundle.publicBytes), lastResort: f.lastResort })),
    });
    r.refs.forEach((ref, i) => {
      const f = fresh[i]!;
      this.keyPackages[ref] = {
        publicBytes: b64(f.bundle.publicBytes),
        privateKeys: encodePrivateKeys(f.bundle.privateKeys),
        lastResort: f.lastResort,
      };
    });
    await this.store.put('key-packages', this.keyPackages);
  }

  // ---- reading ----

  person(id: string): DirectoryPerson | undefined {
    return this.people.get(id);
  }

  directoryPeople(): DirectoryPerson[] {
    return [...this.people.values()];
  }

  hasGroup(id: string): boolean {
    return this.groups.has(id);
  }

  items(groupId: string): Item[] {
    return this.groups.get(groupId)?.items ?? [];
  }

  isRemoved(groupId: string): boolean {
    return this.groups.get(groupId)?.removed === true;
  }

  localGroupIds(): string[] {
    return [...this.groups.keys()];
  }

  lastSeq(groupId: string): number {
    return this.groups.get(groupId)?.seq ?? 0;
  }

  roster(groupId: string): RosterEntry[] {
    const s = this.sessions.get(groupId);
    return s ? rosterOf(s) : [];
  }

  /** Does the roster carry a valid records member of every office involved? (Sending needs it.) */
  recordsCheck(groupId: string): RecordsCheck {
    return checkRecordsMembers(this.roster(groupId), this.directory);
  }

  /**
   * A person in a conversation: is each of their devices in the roster vouched for by a credential
   * the server's authority signed (for that device's key), and their safety code computed from
   * those credentials. Two people who compare the code on their screens (in person or on a call)
   * know the server did not slip in a device of its own.
   */
  async personCheck(
    groupId: string,
    personId: string,
  ): Promise<{ ok: boolean; reason: string; code: string | null }> {
    if (!this.authority)
      return { ok: false, reason: 'The server has no authentication service to check against.', code: null };
    let creds: Credential[];
    try {
      creds = (
        await get<{ items: Credential[] }>(
          `/api/v1/messaging/credentials?personId=${encodeURIComponent(personId)}`,
        )
      ).items;
    } catch (e) {
      return { ok: false, reason: e instanceof Error ? e.message : String(e), code: null };
    }
    const leaves = this.roster(groupId).filter(
      (e) => e.identity?.kind === 'person' && e.identity.personId === personId,
    );
    const used: Credential[] = [];
    for (const leaf of leaves) {
      const id = leaf.identity as Extract<MemberIdentity, { kind: 'person' }>;
      const key = b64(leaf.signatureKey);
      const c = creds.find(
        (c) => c.deviceId === id.deviceId && c.officeId === id.officeId && c.signaturePublicKey === key,
      );
      if (!c || !(await this.verifyCredential(c)))
        return {
          ok: false,
          reason: `Device ${id.deviceId} in this conversation has no credential signed by the server's authority key.`,
          code: null,
        };
      used.push(c);
    }
    if (used.length === 0)
      return { ok: false, reason: 'No device of this person is in the conversation.', code: null };
    return {
      ok: true,
      reason: `${used.length} device(s), each with a credential the authority signed.`,
      code: formatSafetyCode(await safetyCode(personId, used)),
    };
  }

  // ---- syncing ----

  /**
   * A message or Commit that came over the live channel with its ciphertext. Applied at once when
   * this device is at the conversation's sequence number just before it (`prevSeq`): no fetch.
   * One this device has processed already (by seq) is ignored; after a gap (an event missed while
   * offline, or one that overtook another), the conversation is fetched from where this device is.
   */
  receive(groupId: string, m: ServerMessage, prevSeq: number): Promise<void> {
    return this.serial(async () => {
      const g = this.groups.get(groupId);
      if (!g || g.removed || m.seq <= g.seq) return;
      if (prevSeq === g.seq) await this.process(groupId, g, [m]);
      else await this.syncGroup(groupId);
      this.changed();
    });
  }

  /** Join conversations this device was welcomed to, then fetch and apply every conversation's news. */
  sync(groupIds?: string[]): Promise<void> {
    return this.serial(async () => {
      await this.joinWelcomes();
      const ids = groupIds ?? [...this.groups.keys()];
      for (const id of ids) if (this.groups.has(id)) await this.syncGroup(id);
      if (!groupIds) await this.bringInMyDevices();
      await this.ensureKeyPackages();
      this.changed();
    });
  }

  /**
   * My devices follow my credentials. A new device of mine (a browser where I signed in since)
   * joins my conversations, and a device I removed (a lost phone) leaves them: when my verified
   * live credentials name a device a conversation lacks, or a conversation holds a device of mine
   * with no live credential, one of my live devices in it (the first by device id, so my devices
   * do not race each other) adds or removes it in one Commit.
   */
  private async bringInMyDevices() {
    const credentials = (await this.myDevicesRaw()).items;
    const mine: string[] = [];
    for (const c of credentials) if (await this.verifyCredential(c)) mine.push(c.deviceId);
    for (const [id, g] of this.groups) {
      if (g.removed || !this.sessions.has(id)) continue;
      const own = this.roster(id).filter(
        (e) => e.identity?.kind === 'person' && e.identity.personId === this.me.personId,
      );
      const deviceOf = (e: RosterEntry) => (e.identity?.kind === 'person' ? e.identity.deviceId : '');
      const live = own.map(deviceOf).filter((d) => mine.includes(d));
      if ([...live].sort()[0] !== this.device.deviceId) continue;
      const missing = mine.filter((d) => !own.some((e) => deviceOf(e) === d));
      const stale = own.filter((e) => !mine.includes(deviceOf(e))).map((e) => e.leafIndex);
      let adds: Uint8Array[] = [];
      if (missing.length > 0) {
        const r = await post<{ keyPackages: { deviceId: string | null; data: string }[] }>(
          '/api/v1/messaging/key-packages/claim',
          { userId: this.me.personId },
        );
        adds = r.keyPackages
          .filter((k) => k.deviceId && missing.includes(k.deviceId))
          .map((k) => unb64(k.data));
      }
      if (adds.length > 0 || stale.length > 0)
        await this.commit(id, {
          ...(adds.length > 0 ? { add: adds } : {}),
          ...(stale.length > 0 ? { remove: stale } : {}),
        });
    }
  }

  private myDevicesRaw() {
    return get<{ items: Credential[] }>(
      `/api/v1/messaging/credentials?personId=${encodeURIComponent(this.me.personId)}`,
    );
  }

  /** My devices with a live credential, this one marked. */
  async myDevices(): Promise<{ deviceId: string; issuedAt: string; thisDevice: boolean }[]> {
    const { items } = await this.myDevicesRaw();
    return items.map((c) => ({
      deviceId: c.deviceId,
      issuedAt: c.issuedAt,
      thisDevice: c.deviceId === this.device.deviceId,
    }));
  }

  /** Remove another device of mine (its credential ends); then take it out of my conversations. */
  async removeDevice(deviceId: string): Promise<void> {
    if (deviceId === this.device.deviceId) throw new MessagingError('Remove this device from another one.');
    await del(`/api/v1/messaging/credentials/${encodeURIComponent(deviceId)}`);
    await this.sync();
  }

  private async joinWelcomes() {
    const { welcomes } = await get<{
      welcomes: { id: string; groupId: string; epoch: number; keyPackageRef: string; data: string }[];
    }>('/api/v1/messaging/welcomes');
    for (const w of welcomes) {
      const existing = this.groups.get(w.groupId);
      if (existing && !existing.removed) continue;
      const kp = this.keyPackages[w.keyPackageRef];
      if (!kp) continue; // for another device of mine
      let session: Session;
      try {
        session = await joinFromWelcome(
          unb64(w.data),
          { publicBytes: unb64(kp.publicBytes), privateKeys: decodePrivateKeys(kp.privateKeys) },
          this.directory,
        );
      } catch (e) {
        this.note(`Could not join conversation ${w.groupId}: ${(e as Error).message}`);
        continue;
      }
      const g: StoredGroup = {
        id: w.groupId,
        mls: b64(exportSession(session)),
        seq: 0,
        fromEpoch: w.epoch,
        items: [
          {
            kind: 'change',
            seq: 0,
            at: new Date().toISOString(),
            text: 'You were added to this conversation.',
          },
        ],
      };
      if (!kp.lastResort) delete this.keyPackages[w.keyPackageRef];
      await this.saveGroup(g, session);
      await this.store.put('key-packages', this.keyPackages);
    }
  }

  private async saveGroup(g: StoredGroup, session?: Session) {
    const known = this.groups.has(g.id);
    await this.store.put(`group:${g.id}`, g);
    this.groups.set(g.id, g);
    if (session) this.sessions.set(g.id, session);
    if (!known) await this.store.put('groups', [...this.groups.keys()]);
  }

  private async fetchAfter(groupId: string, after: number): Promise<ServerMessage[]> {
    const out: ServerMessage[] = [];
    for (;;) {
      const { messages } = await get<{ messages: ServerMessage[] }>(
        `/api/v1/messaging/groups/${groupId}/messages?after=${after}&limit=500`,
      );
      out.push(...messages);
      if (messages.length < 500) return out;
      after = messages[messages.length - 1]!.seq;
    }
  }

  private async syncGroup(groupId: string) {
    const g = this.groups.get(groupId)!;
    if (g.removed) return;
    let messages: ServerMessage[];
    try {
      // Messages not yet archived are read again for their archive mark (the server adds archivedAt).
      const unarchived = g.items.find((i) => i.kind === 'message' && !i.archivedAt)?.seq;
      messages = await this.fetchAfter(groupId, unarchived ? Math.min(g.seq, unarchived - 1) : g.seq);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        await this.saveGroup({
          ...g,
          removed: true,
          items: [...g.items, this.line(g.seq, 'You are no longer a member of this conversation.')],
        });
        this.sessions.delete(groupId);
        return;
      }
      throw e;
    }
    // Archive marks (and other server-side facts) of messages already shown.
    const bySeq = new Map(messages.map((m) => [m.seq, m]));
    const items = g.items.map((i) => {
      const m = bySeq.get(i.seq);
      return m && i.kind === 'message' && m.archivedAt !== undefined ? { ...i, archivedAt: m.archivedAt } : i;
    });
    await this.process(
      groupId,
      { ...g, items },
      messages.filter((m) => m.seq > g.seq),
    );
  }

  private line(seq: number, text: string, at = new Date().toISOString()): Item {
    return { kind: 'change', seq, at, text };
  }

  private async process(groupId: string, g: StoredGroup, messages: ServerMessage[]) {
    let session = this.sessions.get(groupId);
    if (!session) return;
    let group = g;
    // A Commit written before a crash: its state becomes ours where the server took it.
    let pending = group.pending;
    group = { ...group, pending: undefined };
    const items = [...group.items];
    for (const m of messages) {
      if (pending && m.kind === 'commit' && m.data === pending.commit) {
        session = importSession(unb64(pending.mls), this.directory);
        pending = undefined;
        group = { ...group, seq: m.seq };
        continue;
      }
      if (m.epoch < group.fromEpoch || group.own?.includes(m.seq)) {
        group = { ...group, seq: m.seq };
        continue;
      }
      if (m.kind === 'commit') {
        pending = undefined; // another Commit took this epoch: ours was never accepted
        const before = rosterOf(session);
        try {
          session = await applyCommit(session, unb64(m.data));
        } catch (e) {
          items.push(
            this.line(m.seq, `A change to the conversation was refused: ${(e as Error).message}`, m.at),
          );
          group = { ...group, seq: m.seq };
          continue;
        }
        const after = rosterOf(session);
        items.push(this.line(m.seq, this.describeChange(m.senderUserId, before, after), m.at));
        const mine = this.device.deviceId;
        if (!after.some((e) => e.identity?.kind === 'person' && e.identity.deviceId === mine)) {
          group = { ...group, seq: m.seq, removed: true, items };
          items.push(
            this.line(m.seq, 'You were removed: this device can no longer read or send here.', m.at),
          );
          await this.saveGroup(group);
          this.sessions.delete(groupId);
          return;
        }
      } else {
        try {
          const r = await decryptMessage(session, unb64(m.data));
          session = r.session;
          const p = decodePayload(r.plaintext);
          const from = r.sender.identity?.kind === 'person' ? r.sender.identity.personId : null;
          if (p) this.addPayload(items, p, m, from);
        } catch (e) {
          items.push({
            kind: 'unreadable',
            seq: m.seq,
            at: m.at,
            text: `A message could not be decrypted (${(e as Error).message}).`,
          });
        }
      }
      group = { ...group, seq: m.seq };
    }
    items.sort((a, b) => a.seq - b.seq);
    const own = (group.own ?? []).filter((s) => s > group.seq);
    await this.saveGroup({ ...group, own, items, mls: b64(exportSession(session)) }, session);
  }

  /**
   * `from` is the sender MLS authenticated (the leaf that signed the message); it is who the
   * message is shown as from. The server's and the payload's claims are only cross-checked.
   */
  private addPayload(items: Item[], p: Payload, m: ServerMessage, from: string | null) {
    const sender = from ?? m.senderUserId;
    const warning =
      from === null
        ? 'This message was not signed by a person in the conversation.'
        : from !== m.senderUserId
          ? `The server says ${m.senderUserId} sent this message, but it is signed by ${from}.`
          : p.from.personId !== from
            ? `The message says it is from ${p.from.personId}, but it is signed by ${from}.`
            : undefined;
    if (p.t === 'edit') {
      const i = items.findIndex((x) => x.kind === 'message' && x.id === p.target);
      const target = items[i];
      if (target?.kind === 'message' && target.senderUserId === sender) {
        items[i] = { ...target, versions: [...(target.versions ?? []), target.text], text: p.text };
      }
      return;
    }
    items.push({
      kind: 'message',
      seq: m.seq,
      at: m.at,
      id: p.id,
      senderUserId: sender,
      text: p.text,
      ...(p.replyTo ? { replyTo: p.replyTo } : {}),
      ...(p.file ? { file: p.file } : {}),
      archivedAt: m.archivedAt ?? null,
      ...(warning ? { warning } : {}),
    });
  }

  private nameOf(e: RosterEntry): string {
    const id = e.identity;
    if (!id) return 'an unknown member';
    if (id.kind === 'records') {
      return `the records member of ${this.officeName(id.officeId)}`;
    }
    return (
      this.people.get(id.personId)?.name ?? (id.personId === this.me.personId ? this.me.name : id.personId)
    );
  }

  private describeChange(senderUserId: string, before: RosterEntry[], after: RosterEntry[]): string {
    const key = (e: RosterEntry) => toHex(e.signatureKey) + (e.identity ? JSON.stringify(e.identity) : '');
    const had = new Set(before.map(key));
    const has = new Set(after.map(key));
    // A person already in the conversation who gains a leaf: a new device of theirs.
    const people = new Set(
      before.flatMap((e) => (e.identity?.kind === 'person' ? [e.identity.personId] : [])),
    );
    const added = after
      .filter((e) => !had.has(key(e)))
      .map((e) =>
        e.identity?.kind === 'person' && people.has(e.identity.personId)
          ? `a new device of ${this.nameOf(e)}`
          : this.nameOf(e),
      );
    const stay = new Set(after.flatMap((e) => (e.identity?.kind === 'person' ? [e.identity.personId] : [])));
    const removed = before
      .filter((e) => !has.has(key(e)))
      .map((e) =>
        e.identity?.kind === 'person' && stay.has(e.identity.personId)
          ? `a device of ${this.nameOf(e)}`
          : this.nameOf(e),
      );
    const by =
      senderUserId === this.me.personId ? 'You' : (this.people.get(senderUserId)?.name ?? senderUserId);
    const parts = [
      added.length ? `added ${[...new Set(added)].join(', ')}` : '',
      removed.length ? `removed ${[...new Set(removed)].join(', ')}` : '',
    ].filter(Boolean);
    return parts.length ? `${by} ${parts.join(' and ')}.` : `${by} updated the conversation's keys.`;
  }

  // ---- changing ----

  /** Key packages for each device of these people and the records member of each office involved. */
  private async claimFor(personIds: string[], offices: string[]): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    for (const userId of personIds) {
      const r = await post<{ keyPackages: { deviceId: string | null; data: string }[] }>(
        '/api/v1/messaging/key-packages/claim',
        { userId },
      );
      for (const k of r.keyPackages)
        if (!(userId === this.me.personId && k.deviceId === this.device.deviceId)) out.push(unb64(k.data));
    }
    for (const recordsOfficeId of offices) {
      const r = await post<{ keyPackages: { data: string }[] }>('/api/v1/messaging/key-packages/claim', {
        recordsOfficeId,
      });
      for (const k of r.keyPackages) out.push(unb64(k.data));
    }
    return out;
  }

  private officeOf(personId: string): string {
    if (personId === this.me.personId) return this.me.officeId;
    const p = this.people.get(personId);
    if (!p) throw new MessagingError(`Person ${personId} is not in your messaging directory.`);
    return p.officeId;
  }

  /** Start a conversation with these people (and your own other devices, and every records member needed). */
  createConversation(personIds: string[]): Promise<string> {
    return this.serial(async () => {
      await this.refreshDirectories();
      const others = [...new Set(personIds)].filter((p) => p !== this.me.personId);
      const offices = [...new Set([this.me.officeId, ...others.map((p) => this.officeOf(p))])].sort();
      const missing = offices.filter((o) => !this.directory.has(o));
      if (missing.length)
        throw new RecordsMemberError(
          `The conversation cannot be preserved: office ${missing.join(', ')} has no records member yet. Ask its records officer to start one (hotline records-member).`,
        );
      const own = await this.newKeyPackage();
      const created = await post<{ id: string }>('/api/v1/messaging/groups', {
        creatorKeyPackage: b64(own.publicBytes),
      });
      let session = await createConversation(utf8(created.id), own, this.directory);
      const g: StoredGroup = {
        id: created.id,
        mls: b64(exportSession(session)),
        seq: 0,
        fromEpoch: 0,
        items: [],
      };
      await this.saveGroup(g, session);
      const adds = await this.claimFor([this.me.personId, ...others], offices);
      session = await this.commit(created.id, { add: adds });
      this.changed();
      return created.id;
    });
  }

  /** Add people to a conversation (each of their devices, and any records member their office brings). */
  addMembers(groupId: string, personIds: string[]): Promise<void> {
    return this.serial(async () => {
      await this.refreshDirectories();
      await this.syncGroup(groupId);
      const roster = this.roster(groupId);
      const present = new Set(
        roster.flatMap((e) => (e.identity?.kind === 'records' ? [e.identity.officeId] : [])),
      );
      const offices = [...new Set(personIds.map((p) => this.officeOf(p)))].filter((o) => !present.has(o));
      const adds = await this.claimFor(personIds, offices);
      await this.commit(groupId, { add: adds });
      this.changed();
    });
  }

  /** Remove a person (every device of theirs) from a conversation. */
  removeMember(groupId: string, personId: string): Promise<void> {
    return this.serial(async () => {
      await this.syncGroup(groupId);
      const leaves = this.roster(groupId)
        .filter((e) => e.identity?.kind === 'person' && e.identity.personId === personId)
        .map((e) => e.leafIndex);
      if (leaves.length === 0) throw new MessagingError('That person is not in this conversation.');
      await this.commit(groupId, { remove: leaves });
      this.changed();
    });
  }

  /**
   * Make a Commit, write it to storage, send it. Accepted: it becomes the state. 409 (another
   * Commit took the epoch): apply what came first and make the change again, up to 5 times.
   */
  private async commit(groupId: string, change: { add?: Uint8Array[]; remove?: number[] }): Promise<Session> {
    for (let attempt = 0; ; attempt++) {
      const g = this.groups.get(groupId)!;
      const session = this.sessions.get(groupId)!;
      const out = await commitChanges(session, change);
      const commit = b64(out.commit);
      await this.saveGroup({ ...g, pending: { mls: b64(exportSession(out.session)), commit } });
      try {
        const r = await post<{ seq: number }>(`/api/v1/messaging/groups/${groupId}/commits`, {
          commit,
          ...(out.welcome ? { welcome: b64(out.welcome) } : {}),
        });
        const items = [
          ...g.items,
          this.line(r.seq, this.describeChange(this.me.personId, rosterOf(session), rosterOf(out.session))),
        ];
        await this.saveGroup(
          {
            ...g,
            items,
            own: [...(g.own ?? []), r.seq],
            mls: b64(exportSession(out.session)),
            pending: undefined,
          },
          out.session,
        );
        await this.syncGroup(groupId);
        return out.session;
      } catch (e) {
        // Back to the state from before this Commit, as stored: making a Commit changes parts of
        // the in-memory state in place (ts-mls), and applying the winner's Commit to that fails
        // ("Could not verify confirmation tag").
        await this.saveGroup(
          { ...this.groups.get(groupId)!, pending: undefined },
          importSession(unb64(g.mls), this.directory),
        );
        if (e instanceof ApiError && e.status === 409 && e.code === 'epoch_moved_on' && attempt < 5) {
          await this.syncGroup(groupId);
          if (change.remove) {
            // Leaves may have moved: remove by who they were.
            const was = rosterOf(session).filter((x) => change.remove!.includes(x.leafIndex));
            const now = this.roster(groupId);
            change = {
              ...change,
              remove: now
                .filter((x) => was.some((w) => toHex(w.signatureKey) === toHex(x.signatureKey)))
                .map((x) => x.leafIndex),
            };
          }
          continue;
        }
        throw e;
      }
    }
  }

  /** Encrypt and send a message. Refused, with the reason, when the roster lacks a records member. */
  send(groupId: string, text: string, opts: { replyTo?: string; file?: File } = {}): Promise<void> {
    return this.serial(async () => {
      await this.syncGroup(groupId);
      if (this.isRemoved(groupId))
        throw new MessagingError('You are no longer a member of this conversation.');
      const file = opts.file ? await this.prepareFile(groupId, opts.file) : undefined;
      await this.sendPayload(groupId, {
        t: 'text',
        id: crypto.randomUUID(),
        from: { personId: this.me.personId, deviceId: this.device.deviceId },
        text,
        ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
        ...(file ? { file } : {}),
      });
    });
  }

  /** A new version of one of your messages; everyone sees it marked edited, with the earlier text kept. */
  edit(groupId: string, targetId: string, text: string): Promise<void> {
    return this.serial(async () => {
      await this.syncGroup(groupId);
      await this.sendPayload(groupId, {
        t: 'edit',
        id: crypto.randomUUID(),
        from: { personId: this.me.personId, deviceId: this.device.deviceId },
        target: targetId,
        text,
      });
    });
  }

  private async sendPayload(groupId: string, p: Payload) {
    for (let attempt = 0; ; attempt++) {
      const session = this.sessions.get(groupId);
      if (!session) throw new MessagingError('This device is not in that conversation.');
      const out = await encryptMessage(session, encodePayload(p)); // refuses without records members
      try {
        const r = await post<{ seq: number }>(`/api/v1/messaging/groups/${groupId}/messages`, {
          message: b64(out.message),
        });
        const g = this.groups.get(groupId)!;
        const items = [...g.items];
        this.addPayload(
          items,
          p,
          {
            seq: r.seq,
            epoch: 0,
            kind: 'application',
            senderUserId: this.me.personId,
            data: '',
            at: new Date().toISOString(),
            archivedAt: null,
          },
          this.me.personId, // our own message, which we signed
        );
        items.sort((a, b) => a.seq - b.seq);
        await this.saveGroup(
          { ...g, items, own: [...(g.own ?? []), r.seq], mls: b64(exportSession(out.session)) },
          out.session,
        );
        // Messages that came in before ours are fetched and placed in the server's order.
        await this.syncGroup(groupId);
        this.changed();
        return;
      } catch (e) {
        if (e instanceof ApiError && e.status === 409 && attempt < 5) {
          await this.syncGroup(groupId);
          continue;
        }
        throw e;
      }
    }
  }

  /** A file: encrypted with a fresh AES-GCM key into a server blob; the key travels in the MLS message. */
  private async prepareFile(groupId: string, file: File): Promise<FileRef> {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const base = { name: file.name, type: file.type || 'application/octet-stream', size: bytes.length };
    const rawKey = crypto.getRandomValues(new Uint8Array(32));
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const key = await crypto.subtle.importKey('raw', rawKey, 'AES-GCM', false, ['encrypt']);
    const ct = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes));
    const res = await fetch(`/api/v1/messaging/groups/${groupId}/blobs`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/octet-stream', accept: 'application/json' },
      body: ct,
    });
    if (!res.ok) {
      const p = (await res.json().catch(() => ({}))) as { detail?: string };
      throw new MessagingError(`The file could not be stored: ${p.detail ?? res.statusText}`);
    }
    const r = (await res.json()) as { id: string };
    return { ...base, blobId: r.id, key: b64(rawKey), iv: b64(iv) };
  }

  /** A file's bytes, decrypted on this device. */
  async openFile(groupId: string, f: FileRef): Promise<Blob> {
    if (f.inline) return new Blob([unb64(f.inline) as BlobPart], { type: f.type });
    if (!f.blobId || !f.key || !f.iv) throw new MessagingError('The file reference is incomplete.');
    const res = await fetch(`/api/v1/messaging/groups/${groupId}/blobs/${encodeURIComponent(f.blobId)}`, {
      credentials: 'same-origin',
    });
    if (!res.ok) throw new MessagingError(`The file could not be fetched (${res.status}).`);
    const type = res.headers.get('content-type') ?? '';
    const ct = type.includes('json')
      ? unb64(((await res.json()) as { data: string }).data)
      : new Uint8Array(await res.arrayBuffer());
    const key = await crypto.subtle.importKey('raw', unb64(f.key) as BufferSource, 'AES-GCM', false, [
      'decrypt',
    ]);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: unb64(f.iv) as BufferSource },
      key,
      ct as BufferSource,
    );
    return new Blob([plain], { type: f.type });
  }

  /** Devices delete messages past the conversation's timer, but only those the records member archived. */
  async expire(groupId: string, afterSeconds: number | null): Promise<void> {
    if (!afterSeconds) return;
    return this.serial(async () => {
      const g = this.groups.get(groupId);
      if (!g) return;
      const cutoff = Date.now() - afterSeconds * 1000;
      const items = g.items.filter(
        (i) => !(i.kind === 'message' && i.archivedAt && new Date(i.at).getTime() < cutoff),
      );
      if (items.length !== g.items.length) {
        await this.saveGroup({ ...g, items });
        this.changed();
      }
    });
  }

  /** Test and support hook: a conversation with no one else in it (so no records member): sending must be refused. */
  createBareConversation(): Promise<string> {
    return this.serial(async () => {
      const own = await this.newKeyPackage();
      const created = await post<{ id: string }>('/api/v1/messaging/groups', {
        creatorKeyPackage: b64(own.publicBytes),
      });
      const session = await createConversation(utf8(created.id), own, this.directory);
      await this.saveGroup(
        { id: created.id, mls: b64(exportSession(session)), seq: 0, fromEpoch: 0, items: [] },
        session,
      );
      this.changed();
      return created.id;
    });
  }
}
