import type { LiveServerMessageOf } from '@hotline/contract';
import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { get, post, put } from '../api';
import { Alert, Link, Loading, PageHeader } from '../components';
import { useConfirm } from '../confirm';
import { CountBadge, useNotifications } from '../notifications';
import { navigate } from '../router';
import { useSession } from '../session';
import { when } from '../time';
import type { ConversationSummary, DirectoryPerson, Item, MessagingClient } from './client';

/**
 * The Messages screen: conversations encrypted end to end (MLS) on this device, each preserved by
 * the records member of every office in it, which the screen says at all times.
 */

interface MessagingState {
  client: MessagingClient | null;
  error: unknown;
  conversations: ConversationSummary[] | null;
  unread: number;
  /** Bumped whenever the client's local state changed (new messages decrypted…). */
  version: number;
  reload(): Promise<void>;
}

const Ctx = createContext<MessagingState>({
  client: null,
  error: null,
  conversations: null,
  unread: 0,
  version: 0,
  reload: async () => undefined,
});

export const useMessaging = () => useContext(Ctx);

declare global {
  interface Window {
    /** The messaging client of the signed-in person (for support and the browser tests). */
    hotlineMessaging?: MessagingClient;
  }
}

/** Starts this device's messaging client after sign-in and keeps the conversation list live. */
export function MessagingProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const { subscribe } = useNotifications();
  const [client, setClient] = useState<MessagingClient | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [conversations, setConversations] = useState<ConversationSummary[] | null>(null);
  const [version, setVersion] = useState(0);

  const reload = useCallback(async () => {
    if (!client) return;
    try {
      const r = await get<{ items: ConversationSummary[] }>('/api/v1/messaging/conversations');
      setConversations(r.items);
    } catch (e) {
      setError(e);
    }
  }, [client]);

  const personId = me?.user.id;
  const officeId = me?.office.id;
  const name = me?.user.displayName;
  const officeName = me?.office.name;
  useEffect(() => {
    if (!personId || !officeId || !name || !officeName) return;
    let stop = false;
    // The MLS library loads only when someone signs in (its own chunk, not in the first page load).
    import('./client')
      .then(({ MessagingClient }) => MessagingClient.start({ personId, officeId, name, officeName }))
      .then((c) => {
        if (stop) return;
        window.hotlineMessaging = c;
        setClient(c);
      }, setError);
    return () => {
      stop = true;
    };
  }, [personId, officeId, name, officeName]);

  useEffect(() => {
    if (!client) return;
    const off = client.onChange(() => setVersion((v) => v + 1));
    void client.sync().then(reload, setError);
    const offLive = subscribe((msg) => {
      if (msg === 'reconnected') void client.sync().then(reload, setError);
      else if (msg.type === 'messaging') {
        const ev = msg as unknown as LiveServerMessageOf<'messaging'>;
        const groupId = typeof ev.groupId === 'string' ? ev.groupId : undefined;
        // A message or Commit with its ciphertext is applied as it comes (no fetch); anything
        // else, or a conversation this device does not hold yet, is fetched.
        const done =
          ev.message && typeof ev.prevSeq === 'number' && groupId && client.hasGroup(groupId)
            ? client.receive(groupId, ev.message, ev.prevSeq)
            : client.sync(
                msg.kind === 'welcome' || !groupId || !client.hasGroup(groupId) ? undefined : [groupId],
              );
        void done.then(reload, setError);
      }
    });
    return () => {
      off();
      offLive();
    };
  }, [client, reload, subscribe]);

  const unread = (conversations ?? []).reduce((n, c) => n + c.unread, 0);
  return (
    <Ctx.Provider value={{ client, error, conversations, unread, version, reload }}>{children}</Ctx.Provider>
  );
}

/** The count beside "Messages" in the navigation. */
export function MessagesBadge() {
  return <CountBadge unread={useMessaging().unread} />;
}

function Preserved({ by }: { by: { officeName: string }[] }) {
  const names = by.map((b) => b.officeName);
  const text =
    names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return (
    <p className="preserved" role="note">
      <span aria-hidden="true">🔒 </span>
      Preserved by the records of {text || 'no office yet'}. Encrypted end to end: only the people here and
      each office's records member can read it.
    </p>
  );
}

/** The list of conversations, and people to start one with. */
export function MessagesPage() {
  const { client, error, conversations, reload } = useMessaging();
  // Opening the screen fetches what came meanwhile (live events keep it current after that).
  useEffect(() => {
    if (client) void client.sync().then(reload, () => undefined);
  }, [client, reload]);
  const { me } = useSession();
  const [filter, setFilter] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const people = useMemo(
    () =>
      (client?.directoryPeople() ?? [])
        .filter((p) => p.personId !== me?.user.id)
        .sort((a, b) => a.officeName.localeCompare(b.officeName) || a.name.localeCompare(b.name)),
    [client, me],
  );
  const shown = people.filter((p) =>
    `${p.name} ${p.title ?? ''} ${p.officeName}`.toLowerCase().includes(filter.toLowerCase()),
  );

  async function message(p: DirectoryPerson) {
    if (!client) return;
    // One-to-one: open the conversation already held with this person, if any.
    const existing = conversations?.find(
      (c) =>
        c.memberPersonIds.length === 2 &&
        c.memberPersonIds.includes(p.personId) &&
        client.hasGroup(c.groupId) &&
        !client.isRemoved(c.groupId),
    );
    if (existing) return navigate(`/messages/${existing.groupId}`);
    setBusy(p.personId);
    setFailed(null);
    try {
      const id = await client.createConversation([p.personId]);
      navigate(`/messages/${id}`);
    } catch (e) {
      setFailed(e);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <PageHeader title="Messages" />
      <p className="hint">
        Encrypted end to end on this device. Every conversation is preserved by the records of each office in
        it: its records member is a visible member, and nothing is sent without it.
      </p>
      <Alert error={error ?? failed} />
      {client?.notices.map((n) => (
        <Alert key={n} error={n} kind="info" />
      ))}
      {!client && !error && <Loading what="Opening this device's messaging keys" />}
      <section aria-labelledby="conversations-title">
        <h2 id="conversations-title">Conversations</h2>
        {client && !conversations && <Loading what="Loading conversations" />}
        {conversations?.length === 0 && <p>No conversations yet. Start one below.</p>}
        {conversations && conversations.length > 0 && (
          <ul className="conversation-list">
            {conversations.map((c) => (
              <li key={c.groupId} className={c.unread > 0 ? 'conversation unread' : 'conversation'}>
                <Link to={`/messages/${c.groupId}`}>
                  <strong>{c.title}</strong>
                  {c.unread > 0 && (
                    <span className="count-badge">
                      {c.unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  )}
                </Link>
                <div className="hint">
                  {c.lastAt ? `Last message ${when(c.lastAt)}` : 'No messages yet'} · preserved by{' '}
                  {c.preservedBy.map((b) => b.officeName).join(', ')}
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="new-message-title">
        <h2 id="new-message-title">New message</h2>
        <label htmlFor="people-filter">Find a person</label>
        <input
          id="people-filter"
          type="search"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          placeholder="Name, title or office"
        />
        <ul className="people-list">
          {shown.map((p) => (
            <li key={p.personId}>
              <span>
                <strong>{p.name}</strong>
                <span className="hint">
                  {' '}
                  {p.title ? `${p.title}, ` : ''}
                  {p.officeName}
                </span>
              </span>
              <button
                type="button"
                className="btn"
                disabled={!client || busy !== null}
                onClick={() => void message(p)}
              >
                {busy === p.personId ? 'Starting…' : `Message ${p.name}`}
              </button>
            </li>
          ))}
        </ul>
      </section>
      {client && <MyDevices client={client} onChange={reload} />}
    </>
  );
}

/**
 * The person's messaging devices (each browser where they use Messages), this one marked. Removing
 * a lost one ends its credential; this device then takes it out of every conversation.
 */
function MyDevices({ client, onChange }: { client: MessagingClient; onChange: () => void }) {
  const [devices, setDevices] = useState<
    { deviceId: string; issuedAt: string; thisDevice: boolean }[] | null
  >(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirmDialog, ask] = useConfirm();
  const load = useCallback(() => client.myDevices().then(setDevices, setError), [client]);
  useEffect(() => {
    void load();
  }, [load]);
  async function remove(deviceId: string) {
    const ok = await ask({
      title: 'Remove this device',
      body: `Device ${deviceId} can no longer be added to conversations, and this device takes it out of each of yours now: from then on it can read nothing new there.`,
      irreversible: 'what it already holds stays on it; to use Messages there again, sign in on it afresh.',
      confirmLabel: 'Remove the device',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    setNotice(null);
    try {
      await client.removeDevice(deviceId);
      setNotice(`Removed device ${deviceId}.`);
      await load();
      onChange();
    } catch (e) {
      setError(e);
    }
  }
  return (
    <section aria-labelledby="devices-title">
      <h2 id="devices-title">Your devices</h2>
      {confirmDialog}
      <Alert error={error} />
      <Alert error={notice} kind="success" />
      {!devices && !error && <Loading what="Loading your devices" />}
      {devices && (
        <ul className="people-list">
          {devices.map((d) => (
            <li key={d.deviceId}>
              <span>
                <strong>{d.thisDevice ? 'This device' : `Device ${d.deviceId.slice(0, 8)}`}</strong>
                <span className="hint"> since {when(d.issuedAt)}</span>
              </span>
              {!d.thisDevice && (
                <button type="button" className="btn btn-danger" onClick={() => void remove(d.deviceId)}>
                  Remove<span className="visually-hidden"> device {d.deviceId.slice(0, 8)}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const TIMERS: { label: string; seconds: number | null }[] = [
  { label: 'Off', seconds: null },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '1 week', seconds: 604_800 },
];

/** One conversation: its messages, members (with safety codes) and settings. */
export function ConversationPage({ groupId }: { groupId: string }) {
  const { client, conversations, reload, version } = useMessaging();
  const { me } = useSession();
  const summary = conversations?.find((c) => c.groupId === groupId);
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [replyTo, setReplyTo] = useState<Item | null>(null);
  const [editing, setEditing] = useState<Item | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [fileKey, setFileKey] = useState(0);

  const items = client?.items(groupId) ?? [];
  const lastSeq = items.length ? items[items.length - 1]!.seq : 0;
  const removed = client?.isRemoved(groupId) ?? false;
  const check = client && !removed ? client.recordsCheck(groupId) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks the client's new state
  const roster = useMemo(() => client?.roster(groupId) ?? [], [client, groupId, version]);

  useEffect(() => {
    if (client)
      void client.sync(client.hasGroup(groupId) ? [groupId] : undefined).then(reload, () => undefined);
  }, [client, groupId, reload]);

  // Reading the conversation marks it read up to its last message.
  useEffect(() => {
    if (!summary || summary.unread === 0 || removed) return;
    post(`/api/v1/messaging/groups/${groupId}/read`, { seq: Math.max(lastSeq, summary.lastSeq) }).then(
      () => reload(),
      () => undefined,
    );
  }, [summary, lastSeq, groupId, reload, removed]);

  useEffect(() => {
    if (client && summary?.disappearAfterSeconds) void client.expire(groupId, summary.disappearAfterSeconds);
  }, [client, groupId, summary?.disappearAfterSeconds]);

  if (!client) return <Loading what="Opening this device's messaging keys" />;
  if (!client.hasGroup(groupId))
    return (
      <>
        <PageHeader title="Conversation" />
        <p>
          This device is not in that conversation (yet). <Link to="/messages">Back to Messages</Link>.
        </p>
      </>
    );

  const name = (personId: string) =>
    personId === me?.user.id ? 'You' : (client.person(personId)?.name ?? personId);
  const byId = new Map(items.flatMap((i) => (i.kind === 'message' ? [[i.id, i] as const] : [])));
  const people = [
    ...new Set(roster.flatMap((e) => (e.identity?.kind === 'person' ? [e.identity.personId] : []))),
  ];
  const recordsOffices = roster.flatMap((e) => (e.identity?.kind === 'records' ? [e.identity.officeId] : []));
  const officeName = (o: string) =>
    summary?.preservedBy.find((b) => b.officeId === o)?.officeName ?? client.officeName(o);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!client || (!text.trim() && !file)) return;
    setBusy(true);
    setFailed(null);
    try {
      if (editing?.kind === 'message') await client.edit(groupId, editing.id, text);
      else
        await client.send(groupId, text, {
          ...(replyTo?.kind === 'message' ? { replyTo: replyTo.id } : {}),
          ...(file ? { file } : {}),
        });
      setText('');
      setFile(null);
      setFileKey((k) => k + 1);
      setReplyTo(null);
      setEditing(null);
      await reload();
    } catch (err) {
      setFailed(err);
    } finally {
      setBusy(false);
    }
  }

  async function open(i: Item) {
    if (!client || i.kind !== 'message' || !i.file) return;
    try {
      const blob = await client.openFile(groupId, i.file);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = i.file.name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setFailed(err);
    }
  }

  return (
    <>
      <PageHeader title={summary?.title ?? 'Conversation'} />
      <Preserved
        by={(summary?.preservedBy ?? recordsOffices.map((o) => ({ officeId: o }))).map((b) => ({
          officeName: officeName(b.officeId),
        }))}
      />
      <p>
        <Link to="/messages">← All conversations</Link>
      </p>
      {removed && (
        <div className="alert alert-warn" role="alert">
          You are no longer a member of this conversation: this device cannot read new messages or send.
        </div>
      )}
      <section aria-labelledby="thread-title">
        <h2 id="thread-title" className="visually-hidden">
          Messages
        </h2>
        {items.length === 0 && <p>No messages yet.</p>}
        <ol className="thread" aria-live="polite">
          {items.map((i) =>
            i.kind !== 'message' ? (
              <li key={`${i.kind}-${i.seq}-${i.text}`} className="thread-change">
                {i.text} <span className="hint">{when(i.at)}</span>
              </li>
            ) : (
              <li key={i.id} className={i.senderUserId === me?.user.id ? 'bubble mine' : 'bubble'}>
                <div className="bubble-head">
                  <strong>{name(i.senderUserId)}</strong> <span className="hint">{when(i.at)}</span>
                  {i.versions && i.versions.length > 0 && <span className="tag">edited</span>}
                  {i.archivedAt && (
                    <span className="tag tag-archived" title={`Archived ${when(i.archivedAt)}`}>
                      archived
                    </span>
                  )}
                </div>
                {i.replyTo && (
                  <blockquote className="reply-quote">
                    In reply to {byId.get(i.replyTo) ? name(byId.get(i.replyTo)!.senderUserId) : 'a message'}:{' '}
                    {(byId.get(i.replyTo) as { text?: string } | undefined)?.text ?? '(not on this device)'}
                  </blockquote>
                )}
                {i.text && <p className="bubble-text">{i.text}</p>}
                {i.file && (
                  <button type="button" className="btn" onClick={() => void open(i)}>
                    Download {i.file.name} ({Math.ceil(i.file.size / 1024)} KB)
                  </button>
                )}
                {i.warning && <p className="alert alert-warn">{i.warning}</p>}
                {i.versions && i.versions.length > 0 && (
                  <details>
                    <summary>Earlier versions</summary>
                    <ol>
                      {i.versions.map((v, n) => (
                        // biome-ignore lint/suspicious/noArrayIndexKey: versions only grow at the end, so an index names one version
                        <li key={`${n}-${v}`}>{v}</li>
                      ))}
                    </ol>
                  </details>
                )}
                {!removed && (
                  <div className="bubble-actions">
                    <button
                      type="button"
                      className="btn"
                      onClick={() => {
                        setEditing(null);
                        setReplyTo(i);
                      }}
                    >
                      Reply<span className="visually-hidden"> to {name(i.senderUserId)}</span>
                    </button>
                    {i.senderUserId === me?.user.id && (
                      <button
                        type="button"
                        className="btn"
                        onClick={() => {
                          setReplyTo(null);
                          setEditing(i);
                          setText(i.text);
                        }}
                      >
                        Edit<span className="visually-hidden"> your message</span>
                      </button>
                    )}
                  </div>
                )}
              </li>
            ),
          )}
        </ol>
      </section>
      {!removed && (
        <form className="composer" onSubmit={submit} aria-label="Send a message">
          {check && !check.ok && (
            <div className="alert alert-error" role="alert">
              Sending is refused: {check.reason}
            </div>
          )}
          {replyTo?.kind === 'message' && (
            <p className="hint">
              Replying to {name(replyTo.senderUserId)}: “{replyTo.text}”{' '}
              <button type="button" className="btn" onClick={() => setReplyTo(null)}>
                Cancel reply
              </button>
            </p>
          )}
          {editing && (
            <p className="hint">
              Editing your message (everyone sees it marked edited).{' '}
              <button
                type="button"
                className="btn"
                onClick={() => {
                  setEditing(null);
                  setText('');
                }}
              >
                Cancel edit
              </button>
            </p>
          )}
          <label htmlFor="composer-text">Message</label>
          <textarea id="composer-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          {!editing && (
            <>
              <label htmlFor="composer-file">Attach a file</label>
              <input
                key={fileKey}
                id="composer-file"
                type="file"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </>
          )}
          <button type="submit" className="btn btn-primary" disabled={busy || (check !== null && !check.ok)}>
            {editing ? 'Save the new version' : 'Send'}
          </button>
          <Alert error={failed} />
        </form>
      )}
      <Members
        groupId={groupId}
        client={client}
        people={people}
        recordsOffices={recordsOffices}
        officeName={officeName}
        removed={removed}
        onFailed={setFailed}
        version={version}
      />
      {!removed && (
        <Timer groupId={groupId} value={summary?.disappearAfterSeconds ?? null} onSaved={reload} />
      )}
    </>
  );
}

function SafetyCode({
  client,
  groupId,
  personId,
  version,
}: {
  client: MessagingClient;
  groupId: string;
  personId: string;
  version: number;
}) {
  const [check, setCheck] = useState<{ ok: boolean; reason: string; code: string | null } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version marks a new roster
  useEffect(() => {
    void client.personCheck(groupId, personId).then(setCheck);
  }, [client, groupId, personId, version]);
  if (!check) return <span className="hint">checking…</span>;
  return (
    <>
      {check.code && (
        <span className="safety-code">
          <span className="visually-hidden">Safety code </span>
          {check.code}
        </span>
      )}
      {!check.ok && <span className="tag tag-warn">{check.reason}</span>}
    </>
  );
}

function Members(props: {
  groupId: string;
  client: MessagingClient;
  people: string[];
  recordsOffices: string[];
  officeName(o: string): string;
  removed: boolean;
  onFailed(e: unknown): void;
  version: number;
}) {
  const { client, groupId, people } = props;
  const { me } = useSession();
  const [adding, setAdding] = useState('');
  const [busy, setBusy] = useState(false);
  const candidates = client.directoryPeople().filter((p) => !people.includes(p.personId));
  const name = (p: string) =>
    p === me?.user.id ? `${me.user.displayName} (you)` : (client.person(p)?.name ?? p);

  async function act(f: () => Promise<void>) {
    setBusy(true);
    props.onFailed(null);
    try {
      await f();
    } catch (e) {
      props.onFailed(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="members-title" className="panel">
      <h2 id="members-title">Members</h2>
      <p className="hint">
        Compare a person's safety code with what they see for themselves (in person or on a call): the same
        code means the keys here are theirs.
      </p>
      <ul className="member-list">
        {people.map((p) => (
          <li key={p}>
            <strong>{name(p)}</strong>{' '}
            <SafetyCode client={client} groupId={groupId} personId={p} version={props.version} />
            {p !== me?.user.id && !props.removed && (
              <button
                type="button"
                className="btn"
                disabled={busy}
                onClick={() => void act(() => client.removeMember(groupId, p))}
              >
                Remove<span className="visually-hidden"> {name(p)}</span>
              </button>
            )}
          </li>
        ))}
        {props.recordsOffices.map((o) => (
          <li key={`records-${o}`}>
            <strong>Records member of {props.officeName(o)}</strong>{' '}
            <span className="tag">keeps the record</span>
          </li>
        ))}
      </ul>
      {!props.removed && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (adding) void act(() => client.addMembers(groupId, [adding])).then(() => setAdding(''));
          }}
        >
          <label htmlFor="add-member">Add a person</label>
          <select id="add-member" value={adding} onChange={(e) => setAdding(e.target.value)}>
            <option value="">Choose a person…</option>
            {candidates.map((p) => (
              <option key={p.personId} value={p.personId}>
                {p.name}, {p.officeName}
              </option>
            ))}
          </select>
          <button type="submit" className="btn" disabled={busy || !adding}>
            Add to the conversation
          </button>
        </form>
      )}
    </section>
  );
}

function Timer({
  groupId,
  value,
  onSaved,
}: {
  groupId: string;
  value: number | null;
  onSaved(): Promise<void>;
}) {
  const [error, setError] = useState<unknown>(null);
  return (
    <section aria-labelledby="timer-title" className="panel">
      <h2 id="timer-title">Disappearing messages</h2>
      <p className="hint">
        Messages vanish from devices after this time, but only once the records member has archived them.
      </p>
      <label htmlFor="timer">Messages disappear after</label>
      <select
        id="timer"
        value={value ?? ''}
        onChange={(e) => {
          const seconds = e.target.value === '' ? null : Number(e.target.value);
          setError(null);
          put(`/api/v1/messaging/groups/${groupId}/settings`, { disappearAfterSeconds: seconds }).then(
            onSaved,
            setError,
          );
        }}
      >
        {TIMERS.map((t) => (
          <option key={t.label} value={t.seconds ?? ''}>
            {t.label}
          </option>
        ))}
      </select>
      <Alert error={error} />
    </section>
  );
}
