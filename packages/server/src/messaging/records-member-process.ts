/**
 * `hotline records-member`: an office's records member as a process of its own. It holds its
 * own key (a file under <dir>, mode 0600, that the server process never opens), authenticates
 * to the server over HTTP by signing each request with that key, joins every conversation of its
 * office by Welcome, decrypts each message, seals it to the office's archive public key (HPKE),
 * hands the sealed record to the server (which appends it to the records log) and so
 * acknowledges it "archived". It never sends a message.
 *
 * Live: it holds a WebSocket on the server's live channel (/api/v1/live, the upgrade signed with
 * its key like every request). A message or Commit whose event carries the ciphertext, and that
 * follows the last one it processed (`prevSeq`), is archived at once with no read; any other
 * event (a Welcome, a gap, a large message) starts a pass that fetches what is new. Polling is only
 * the slow fallback (every `pollMs`, default 30 s) and the catch-up at start and after the socket
 * comes back: what arrived while it was down is fetched then.
 *
 * Crash safety: the MLS state is written only after the server has the sealed record, so after a
 * crash the old state decrypts the message again and the server answers "already archived".
 *
 * Imports no database or HTTP-server module: only packages/e2ee, fetch and a WebSocket client.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeKeyPackage,
  decodePrivateKeys,
  encodePrivateKeys,
  type KeyPackageBundle,
  newKeyPackage,
  RecordsMember,
  sealForArchive,
  signRecordsRequest,
} from '@hotline/e2ee';
import WebSocket from 'ws';

export interface RecordsMemberOptions {
  officeId: string;
  /** Its folder: key file and state (made mode 0700; files 0600). */
  dir: string;
  /** The server's base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  /** The fallback: a pass this often even when no live event came. Default 30 s. */
  pollMs?: number;
  /** Wait before opening the live socket again after it closed. Default 1 s. */
  reconnectMs?: number;
  log?: (line: string) => void;
}

interface KeyFile {
  kind: 'hotline-records-member/1';
  officeId: string;
  keyPackage: string;
  privateKeys: string;
}

interface StateFile {
  groups: Record<string, { state: string; after: number; joinedEpoch: number }>;
  welcomes: string[];
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

function writePrivate(file: string, text: string) {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** The records member's key: made on first start (a last-resort key package for every conversation). */
export async function ensureRecordsMemberKey(
  dir: string,
  officeId: string,
): Promise<{ bundle: KeyPackageBundle; created: boolean }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'records-member.key');
  let created = false;
  if (!existsSync(file)) {
    const kp = await newKeyPackage({ kind: 'records', officeId });
    const k: KeyFile = {
      kind: 'hotline-records-member/1',
      officeId,
      keyPackage: b64(kp.publicBytes),
      privateKeys: encodePrivateKeys(kp.privateKeys),
    };
    writePrivate(file, `${JSON.stringify(k)}\n`);
    created = true;
  }
  const k = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
  if (k.kind !== 'hotline-records-member/1' || k.officeId !== officeId)
    throw new Error(`${file} is not the records-member key of office ${officeId}`);
  return {
    bundle: { publicBytes: unb64(k.keyPackage), privateKeys: decodePrivateKeys(k.privateKeys) },
    created,
  };
}

export class RecordsMemberClient {
  private member: RecordsMember | undefined;
  private directoryKey = '';
  private state: StateFile = { groups: {}, welcomes: [] };
  private archiveKey: Uint8Array | undefined;
  private stopped = false;
  /** Passes and live messages, one at a time (the MLS state moves one step at a time). */
  private chain: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;
  private kicked = false;
  private socket: WebSocket | null = null;
  /** Messages archived since start. */
  archived = 0;
  /** Of those, archived straight from a live event (no fetch). */
  archivedLive = 0;
  /** Whether the live socket is open now. */
  live = false;

  constructor(
    private readonly opts: RecordsMemberOptions,
    private readonly bundle: KeyPackageBundle,
  ) {
    const f = join(opts.dir, 'state.json');
    if (existsSync(f)) this.state = JSON.parse(readFileSync(f, 'utf8')) as StateFile;
  }

  get signatureKey(): Uint8Array {
    return decodeKeyPackage(this.bundle.publicBytes).leafNode.signaturePublicKey;
  }

  private save() {
    writePrivate(join(this.opts.dir, 'state.json'), JSON.stringify(this.state));
  }

  async request(method: 'GET' | 'POST', path: string, body?: Uint8Array): Promise<Response> {
    const payload = body ?? new Uint8Array(0);
    const auth = await signRecordsRequest(
      this.bundle.privateKeys.signaturePrivateKey,
      this.opts.officeId,
      method,
      path,
      payload,
    );
    return fetch(new URL(path, this.opts.url), {
      method,
      headers: {
        authorization: auth,
        'sec-fetch-site': 'same-origin',
        ...(body ? { 'content-type': 'application/octet-stream' } : {}),
      },
      ...(body ? { body: Buffer.from(payload) } : {}),
    });
  }

  private async json<T>(path: string): Promise<T> {
    const res = await this.request('GET', path);
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  }

  /** Reload the records directory; a new office's key makes a new RecordsMember (state carried over). */
  private async refreshDirectory() {
    const d = await this.json<{ items: { officeId: string; signatureKey: string }[] }>(
      '/api/v1/messaging/records/directory',
    );
    const key = JSON.stringify(d.items);
    if (this.member && key === this.directoryKey) return this.member;
    const directory = new Map(
      d.items.map((i) => [i.officeId, new Uint8Array(Buffer.from(i.signatureKey, 'hex'))]),
    );
    const m = new RecordsMember(this.opts.officeId, this.bundle, directory);
    const states = this.member
      ? this.member.exportState()
      : new Map(Object.entries(this.state.groups).map(([g, v]) => [g, unb64(v.state)]));
    m.importState(states);
    this.member = m;
    this.directoryKey = key;
    return m;
  }

  /** One pass: join new conversations, then archive every new message of each. Returns messages archived. */
  async step(): Promise<number> {
    const member = await this.refreshDirectory();
    if (!this.archiveKey) {
      const self = await this.json<{ archivePublicKey: string }>('/api/v1/messaging/records/self');
      this.archiveKey = unb64(self.archivePublicKey);
    }
    const { welcomes } = await this.json<{
      welcomes: { id: string; groupId: string; epoch: number; data: string }[];
    }>('/api/v1/messaging/records/welcomes');
    for (const w of welcomes) {
      if (this.state.welcomes.includes(w.id) || this.state.groups[w.groupId]) continue;
      try {
        await member.join(unb64(w.data));
        const exported = member.exportState().get(w.groupId)!;
        this.state.groups[w.groupId] = { state: b64(exported), after: 0, joinedEpoch: w.epoch };
        this.opts.log?.(`joined conversation ${w.groupId} at epoch ${w.epoch}`);
      } catch (err) {
        this.opts.log?.(`could not join ${w.groupId} by Welcome ${w.id}: ${(err as Error).message}`);
      }
      this.state.welcomes.push(w.id);
      this.save();
    }
    let n = 0;
    for (const [groupId, g] of Object.entries(this.state.groups)) {
      for (;;) {
        const { messages } = await this.json<{
          messages: { seq: number; epoch: number; kind: string; data: string }[];
        }>(`/api/v1/messaging/records/groups/${groupId}/messages?after=${g.after}&limit=200`);
        if (messages.length === 0) break;
        for (const m of messages) if (await this.archiveOne(member, groupId, g, m)) n++;
        if (messages.length < 200) break;
      }
    }
    this.archived += n;
    return n;
  }

  /** Decrypt one message (or apply one Commit), hand in the sealed record, then save the state. True: newly archived. */
  private async archiveOne(
    member: RecordsMember,
    groupId: string,
    g: StateFile['groups'][string],
    m: { seq: number; epoch: number; data: string },
  ): Promise<boolean> {
    let archived = false;
    if (m.epoch >= g.joinedEpoch) {
      const ev = await member.handle(groupId, unb64(m.data));
      if (ev.kind === 'application') {
        const sealed = await sealForArchive(this.archiveKey!, ev.plaintext, {
          groupId,
          epoch: ev.epoch,
          seq: m.seq,
        });
        const res = await this.request(
          'POST',
          `/api/v1/messaging/records/groups/${groupId}/archived/${m.seq}`,
          sealed,
        );
        if (res.status !== 201 && res.status !== 409)
          throw new Error(
            `archiving ${groupId}#${m.seq}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`,
          );
        archived = res.status === 201;
      }
    }
    // The new state is written only once the server holds the sealed record.
    g.after = m.seq;
    g.state = b64(member.exportState().get(groupId)!);
    this.save();
    return archived;
  }

  /**
   * A live event: the next message of a conversation it follows, with its ciphertext, is archived
   * at once; anything else asks for a pass (which fetches).
   */
  private onEvent(ev: {
    type: string;
    groupId?: string;
    kind?: string;
    seq?: number;
    prevSeq?: number;
    message?: { seq: number; epoch: number; data: string };
  }) {
    if (ev.type !== 'messaging' || !ev.groupId) return;
    const { groupId, message, prevSeq } = ev;
    if (ev.kind === 'archived' || ev.kind === 'settings') return;
    const g = this.state.groups[groupId];
    if (!message || prevSeq === undefined || !g || !this.member || !this.archiveKey) {
      this.kick();
      return;
    }
    this.serial(async () => {
      const now = this.state.groups[groupId]!;
      if (message.seq <= now.after) return;
      if (prevSeq !== now.after || !this.member) {
        this.kick();
        return;
      }
      if (await this.archiveOne(this.member, groupId, now, message)) {
        this.archived++;
        this.archivedLive++;
      }
    }).catch((err: unknown) => {
      this.opts.log?.(`records member: ${(err as Error).message}; fetching instead`);
      this.kick();
    });
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.chain.then(f, f);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Ask for a pass now (a Welcome, a gap, the socket back). */
  private kick() {
    this.kicked = true;
    this.wake?.();
  }

  /** The live socket; opened again `reconnectMs` after it closes (then a pass catches up). */
  private async connect(): Promise<void> {
    if (this.stopped) return;
    const path = '/api/v1/live';
    const auth = await signRecordsRequest(
      this.bundle.privateKeys.signaturePrivateKey,
      this.opts.officeId,
      'GET',
      path,
      new Uint8Array(0),
    );
    const url = new URL(path, this.opts.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, { headers: { authorization: auth } });
    this.socket = ws;
    ws.on('open', () => {
      // Authentication ends after the upgrade: the pong says the socket is the records member's.
      ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
    });
    ws.on('message', (data) => {
      let msg: { type: string; fatal?: boolean; detail?: string };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        return;
      }
      if (msg.type === 'pong' && !this.live) {
        this.live = true;
        this.opts.log?.('records member: live');
        this.kick(); // catch up on what came while the socket was down
      } else if (msg.type === 'error') this.opts.log?.(`records member: live channel: ${msg.detail}`);
      else this.onEvent(msg);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      this.live = false;
      if (this.socket !== ws || this.stopped) return;
      this.socket = null;
      setTimeout(() => void this.connect().catch(() => undefined), this.opts.reconnectMs ?? 1000).unref();
    });
  }

  /**
   * Until stop(): live events as they come; a pass (fetching what is new) at start, when an event
   * asks for one, when the socket is back, and every `pollMs` as the fallback.
   */
  async run(): Promise<void> {
    const pollMs = this.opts.pollMs ?? 30_000;
    await this.connect().catch((err: unknown) =>
      this.opts.log?.(`records member: live channel: ${(err as Error).message}`),
    );
    this.kicked = true;
    while (!this.stopped) {
      if (!this.kicked)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, pollMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      this.wake = null;
      this.kicked = false;
      if (this.stopped) break;
      let n = 0;
      try {
        n = await this.serial(() => this.step());
      } catch (err) {
        this.opts.log?.(`records member: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 2000));
        this.kicked = true;
      }
      // A full page archived: there may be more.
      if (n > 0) this.kicked = true;
    }
    await this.chain;
  }

  stop() {
    this.stopped = true;
    const ws = this.socket;
    this.socket = null;
    ws?.close();
    this.wake?.();
  }
}
