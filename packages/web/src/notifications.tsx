import {
  NOTIFICATION_KIND_LABELS,
  NOTIFICATION_KINDS,
  type NotificationList,
  type NotificationPreferences,
} from '@hotline/contract';
import {
  createContext,
  type FormEvent,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
} from 'react';
import { get, post, put } from './api';
import { when } from './calls/format';
import { Alert, Link, Loading, PageHeader } from './components';
import { LiveSocket } from './rtc/live-socket';
import { useSession } from './session';

type Item = NotificationList['items'][number];

interface NotificationsState {
  unread: number;
  /** The latest notifications (null while loading). */
  items: Item[] | null;
  error: unknown;
  markRead(ids: string[] | 'all'): Promise<void>;
  reload(): Promise<void>;
  /** Every message on the person's live socket (other screens, e.g. Messages, listen here); `reconnected` after a drop. */
  subscribe(l: LiveListener): () => void;
}

/** A listener of the live socket: a server message, or 'reconnected' after a drop (re-read what may be missed). */
export type LiveListener = (msg: { type: string; [k: string]: unknown } | 'reconnected') => void;

const Ctx = createContext<NotificationsState>({
  unread: 0,
  items: null,
  error: null,
  markRead: async () => undefined,
  reload: async () => undefined,
  subscribe: () => () => undefined,
});

export const useNotifications = () => useContext(Ctx);

function liveUrl(): string {
  const u = new URL('/api/v1/live', window.location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

/**
 * A signed-in person's notifications: loaded once, then kept current over the live socket (the
 * server pushes each new one with the unread count, and the count after a read elsewhere).
 */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<NotificationList | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [listeners] = useState(() => new Set<LiveListener>());
  const subscribe = useCallback(
    (l: LiveListener) => {
      listeners.add(l);
      return () => {
        listeners.delete(l);
      };
    },
    [listeners],
  );
  // A read of the list that started before a push (or a local mark-read) may answer with what
  // was true before it: such an answer is dropped and the list read again, and an answer older
  // than a later read is dropped too, so a stale list never overwrites a newer count.
  const changes = useRef(0);
  const reads = useRef(0);
  const reload = useCallback(async (): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const read = ++reads.current;
      const seen = changes.current;
      let l: NotificationList;
      try {
        l = await get<NotificationList>('/api/v1/notifications');
      } catch (e) {
        if (read === reads.current) setError(e);
        return;
      }
      if (read !== reads.current) return;
      if (seen === changes.current) {
        setList(l);
        setError(null);
        return;
      }
    }
    // Pushes kept coming while reading: what they carried is current; the list stays as they left it.
  }, []);
  useEffect(() => {
    void reload();
    const socket = new LiveSocket({ url: liveUrl() });
    const off = socket.onMessage((msg) => {
      for (const l of listeners) l(msg as { type: string });
      if (msg.type === 'notification' || msg.type === 'notifications-read') changes.current++;
      if (msg.type === 'notification')
        setList((l) => ({
          unread: msg.unread,
          items: [msg.notification, ...(l?.items ?? []).filter((i) => i.id !== msg.notification.id)],
        }));
      else if (msg.type === 'notifications-read') {
        setList((l) => (l ? { ...l, unread: msg.unread } : l));
        void reload();
      }
    });
    // Once the socket is open, the list is read again: a notification made after the first read
    // but before the socket opened was pushed to no one. After a drop, the same for what was
    // pushed meanwhile, and the other screens are told.
    const offState = socket.onState((s) => {
      if (s !== 'open') return;
      void reload();
      if (socket.reconnects > 0) for (const l of listeners) l('reconnected');
    });
    socket.connect();
    return () => {
      off();
      offState();
      socket.close();
    };
  }, [reload, listeners]);
  // The items are marked read at once, before the server answers: the server also pushes the new
  // count to every open tab, and that push can arrive before this request's answer, so a count
  // of 0 beside an item still marked "Unread" would show for a moment. If the request fails,
  // the list is read again so it shows what the server holds.
  const markRead = useCallback(
    async (ids: string[] | 'all') => {
      const at = new Date().toISOString();
      changes.current++;
      setList((l) =>
        l
          ? {
              ...l,
              items: l.items.map((i) =>
                ids === 'all' || ids.includes(i.id) ? { ...i, readAt: i.readAt ?? at } : i,
              ),
            }
          : l,
      );
      let r: { unread: number };
      try {
        r = await post<{ unread: number }>(
          '/api/v1/notifications/read',
          ids === 'all' ? { all: true } : { ids },
        );
      } catch (e) {
        void reload();
        throw e;
      }
      changes.current++;
      setList((l) => (l ? { ...l, unread: r.unread } : l));
    },
    [reload],
  );
  return (
    <Ctx.Provider
      value={{ unread: list?.unread ?? 0, items: list?.items ?? null, error, markRead, reload, subscribe }}
    >
      {children}
    </Ctx.Provider>
  );
}

/** An unread count beside a navigation item (nothing at 0; 99+ past 99). */
export function CountBadge({ unread }: { unread: number }) {
  if (unread === 0) return null;
  return (
    <span className="count-badge">
      {unread > 99 ? '99+' : unread}
      <span className="visually-hidden"> unread</span>
    </span>
  );
}

/** The count beside "Notifications" in the navigation. */
export function UnreadBadge() {
  return <CountBadge unread={useNotifications().unread} />;
}

/** Steps that came to wait for the person, newest first; opening one or "Mark read" marks it read. */
export function NotificationsPage() {
  const { me } = useSession();
  const { items, unread, error, markRead } = useNotifications();
  const [failed, setFailed] = useState<unknown>(null);
  const zone = me?.user.timeZone;
  const mark = (ids: string[] | 'all') => markRead(ids).catch(setFailed);
  return (
    <>
      <PageHeader title="Notifications">
        {unread > 0 && (
          <button type="button" className="btn" onClick={() => void mark('all')}>
            Mark all read
          </button>
        )}
      </PageHeader>
      <p className="hint">
        {unread === 0 ? 'Nothing unread.' : `${unread} unread.`} Choose which notifications you get, in the
        app and by email, on your <Link to="/profile">profile</Link>.
      </p>
      <Alert error={error ?? failed} />
      {!items && !error && <Loading what="Loading notifications" />}
      {items && items.length === 0 && (
        <p>No notifications yet. When a step waits for you, it appears here.</p>
      )}
      {items && items.length > 0 && (
        <ul className="notification-list">
          {items.map((n) => (
            <li key={n.id} className={n.readAt ? 'notification' : 'notification unread'}>
              <div>
                <strong>{n.step}</strong>
                {!n.readAt && <span className="tag">Unread</span>}
                <div className="hint">
                  {NOTIFICATION_KIND_LABELS[n.kind]} · {when(n.createdAt, zone)}
                </div>
              </div>
              <div className="notification-actions">
                <a
                  className="btn"
                  href={n.link}
                  onClick={() => {
                    if (!n.readAt) void mark([n.id]);
                  }}
                >
                  Open the call
                </a>
                {!n.readAt && (
                  <button type="button" className="btn" onClick={() => void mark([n.id])}>
                    Mark read<span className="visually-hidden">: {n.step}</span>
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** On the profile page: which kinds come in the app and by email. */
export function NotificationChoices() {
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get<NotificationPreferences>('/api/v1/notifications/preferences').then(setPrefs, setError);
  }, []);
  async function save(e: FormEvent) {
    e.preventDefault();
    if (!prefs) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setPrefs(
        await put<NotificationPreferences>('/api/v1/notifications/preferences', { kinds: prefs.kinds }),
      );
      setDone('Your notification choices are saved.');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  const toggle = (k: (typeof NOTIFICATION_KINDS)[number], ch: 'inApp' | 'email') =>
    setPrefs((p) => (p ? { ...p, kinds: { ...p.kinds, [k]: { ...p.kinds[k], [ch]: !p.kinds[k][ch] } } } : p));
  return (
    <section className="panel" aria-labelledby="notification-choices-title">
      <h2 id="notification-choices-title">Notifications</h2>
      {!prefs && !error && <Loading what="Loading your notification choices" />}
      {prefs && (
        <form onSubmit={save}>
          <p className="hint">
            {prefs.emailAvailable
              ? 'Emails carry only the kind of step and a link: never what a call is about.'
              : 'This server sends no email (no SMTP server is configured): notifications come in the app only.'}
          </p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">In the app</th>
                <th scope="col">By email</th>
              </tr>
            </thead>
            <tbody>
              {NOTIFICATION_KINDS.map((k) => (
                <tr key={k}>
                  <th scope="row" id={`kind-${k}`}>
                    {NOTIFICATION_KIND_LABELS[k]}
                  </th>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${NOTIFICATION_KIND_LABELS[k]}: in the app`}
                      checked={prefs.kinds[k].inApp}
                      onChange={() => toggle(k, 'inApp')}
                    />
                  </td>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`${NOTIFICATION_KIND_LABELS[k]}: by email`}
                      checked={prefs.kinds[k].email}
                      disabled={!prefs.emailAvailable}
                      onChange={() => toggle(k, 'email')}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="submit" className="btn" disabled={busy}>
            Save notification choices
          </button>
        </form>
      )}
      <Alert error={error} />
      <Alert error={done} kind="success" />
    </section>
  );
}
