import { useCallback, useEffect, useState } from 'react';
import { del, get, post } from '../api';
import { Alert, Loading } from '../components';
import { when } from '../time';
import type { PendingInvite, Session, User } from '../types';
import { PersonPasskeys } from './passkeys-admin';

/** A session's device, from its user agent: enough to tell one browser from another. */
function device(s: Session): string {
  const ua = s.userAgent;
  if (!ua) return s.method === 'demo' ? 'Demo sign-in' : 'Unknown device';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : null;
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /Android/.test(ua)
      ? 'Android'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : null;
  return browser && os ? `${browser} on ${os}` : ua.slice(0, 80);
}

/** A table of sessions, each with a button that ends it. */
function SessionsTable({
  sessions,
  caption,
  onEnd,
}: {
  sessions: Session[];
  caption: string;
  onEnd: (s: Session) => Promise<void>;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  if (sessions.length === 0) return <p>No active sessions.</p>;
  return (
    <div className="table-scroll">
      <table className="table table-compact">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last seen</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} aria-busy={busy === s.id}>
              <th scope="row" title={s.userAgent ?? undefined}>
                {device(s)}
                {s.current && <span className="tag">This session</span>}
              </th>
              <td>{when(s.createdAt)}</td>
              <td>{when(s.lastSeenAt)}</td>
              <td>{when(s.expiresAt)}</td>
              <td>
                {!s.current && (
                  <button
                    type="button"
                    className="btn btn-small"
                    disabled={busy !== null}
                    onClick={async () => {
                      setBusy(s.id);
                      try {
                        await onEnd(s);
                      } finally {
                        setBusy(null);
                      }
                    }}
                  >
                    End session
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Profile: the signed-in person's own sessions; any but this one can be ended. */
export function OwnSessions() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(() => get<Session[]>('/api/v1/me/sessions').then(setSessions, setError), []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section className="panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Your sessions</h2>
      <p className="hint">Where you are signed in. End a session you do not recognise or no longer use.</p>
      {!sessions && !error && <Loading what="Loading your sessions" />}
      {sessions && (
        <SessionsTable
          sessions={sessions}
          caption="Your sessions"
          onEnd={async (s) => {
            setError(null);
            setDone(null);
            try {
              await del(`/api/v1/me/sessions/${s.id}`);
              setDone(`Ended the session on ${device(s)}.`);
              await load();
            } catch (err) {
              setError(err);
            }
          }}
        />
      )}
      <Alert error={error} />
      <Alert error={done} kind="success" />
    </section>
  );
}

/**
 * Administration: the office's people with their sessions (each can be ended) and
 * deactivation (after a confirmation). Deactivated people stay listed, marked as such.
 */
export function PeopleAdmin({
  officeId,
  myId,
  onDone,
}: {
  officeId: string;
  myId: string;
  onDone: () => Promise<void>;
}) {
  const [people, setPeople] = useState<User[] | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [keysOf, setKeysOf] = useState<string | null>(null);
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(
    () =>
      get<User[]>(`/api/v1/users?officeId=${encodeURIComponent(officeId)}&include=deactivated`).then(
        setPeople,
        setError,
      ),
    [officeId],
  );
  useEffect(() => {
    void load();
  }, [load]);

  async function showSessions(u: User) {
    setError(null);
    if (open === u.id) {
      setOpen(null);
      return;
    }
    setOpen(u.id);
    setSessions(null);
    try {
      setSessions(await get<Session[]>(`/api/v1/users/${u.id}/sessions`));
    } catch (err) {
      setError(err);
    }
  }

  async function deactivate(u: User) {
    setError(null);
    setDone(null);
    try {
      await post<User>(`/api/v1/users/${u.id}/deactivate`, {});
      setDone(`${u.displayName} is deactivated: their sessions have ended and they can no longer sign in.`);
      setConfirming(null);
      if (open === u.id) setOpen(null);
      await load();
      await onDone();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="panel" aria-labelledby="people-title">
      <h2 id="people-title">People, passkeys and sessions</h2>
      <p className="hint">
        Ending a session, revoking a passkey or deactivating someone takes effect at once and is recorded in
        the log.
      </p>
      <Alert error={error} />
      <Alert error={done} kind="success" />
      {!people && !error && <Loading what="Loading people" />}
      {people && (
        <ul className="people-list">
          {people.map((u) => (
            <li key={u.id} className="person">
              <strong>{u.displayName}</strong> <span className="meta">{u.title}</span>
              {u.status === 'invited' && <span className="tag">Invited</span>}
              {u.status === 'disabled' && <span className="tag">Deactivated</span>}
              {u.status === 'active' && (
                <span className="actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => showSessions(u)}
                    aria-expanded={open === u.id}
                  >
                    {open === u.id ? 'Hide sessions' : 'Sessions'}
                  </button>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => setKeysOf(keysOf === u.id ? null : u.id)}
                    aria-expanded={keysOf === u.id}
                  >
                    {keysOf === u.id ? 'Hide passkeys' : 'Passkeys'}
                  </button>
                  {u.id !== myId && confirming !== u.id && (
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      onClick={() => setConfirming(u.id)}
                    >
                      Deactivate…
                    </button>
                  )}
                </span>
              )}
              {confirming === u.id && (
                <div className="confirm" role="alertdialog" aria-label={`Deactivate ${u.displayName}`}>
                  <p>
                    Deactivate {u.displayName}? Every session of theirs ends now and they can no longer sign
                    in.
                  </p>
                  <button type="button" className="btn btn-danger" onClick={() => deactivate(u)}>
                    Deactivate {u.displayName}
                  </button>{' '}
                  <button type="button" className="btn" onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </div>
              )}
              {keysOf === u.id && <PersonPasskeys user={u} />}
              {open === u.id &&
                (sessions ? (
                  <SessionsTable
                    sessions={sessions}
                    caption={`Sessions of ${u.displayName}`}
                    onEnd={async (s) => {
                      setError(null);
                      setDone(null);
                      try {
                        await del(`/api/v1/users/${u.id}/sessions/${s.id}`);
                        setDone(`Ended ${u.displayName}'s session on ${device(s)}.`);
                        setSessions(await get<Session[]>(`/api/v1/users/${u.id}/sessions`));
                      } catch (err) {
                        setError(err);
                      }
                    }}
                  />
                ) : (
                  <Loading what="Loading sessions" />
                ))}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Administration: invitations not yet used; each can be withdrawn (its link then stops working). */
export function PendingInvites({ reloadKey }: { reloadKey?: unknown }) {
  const [invites, setInvites] = useState<PendingInvite[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = useCallback(() => get<PendingInvite[]>('/api/v1/invites').then(setInvites, setError), []);
  useEffect(() => {
    void reloadKey;
    void load();
  }, [load, reloadKey]);
  return (
    <section className="panel" aria-labelledby="pending-title">
      <h2 id="pending-title">Pending invitations</h2>
      <Alert error={error} />
      <Alert error={done} kind="success" />
      {!invites && !error && <Loading what="Loading invitations" />}
      {invites && invites.length === 0 && <p>No pending invitations.</p>}
      {invites && invites.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">Person</th>
              <th scope="col">Email</th>
              <th scope="col">Sent</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {invites.map((i) => (
              <tr key={i.id}>
                <th scope="row">{i.user.displayName}</th>
                <td>{i.user.email}</td>
                <td>{when(i.createdAt)}</td>
                <td>{when(i.expiresAt)}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={async () => {
                      setError(null);
                      setDone(null);
                      try {
                        await del(`/api/v1/invites/${i.id}`);
                        setDone(
                          `Withdrew the invitation to ${i.user.displayName}; the link no longer works.`,
                        );
                        await load();
                      } catch (err) {
                        setError(err);
                      }
                    }}
                  >
                    Withdraw
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
