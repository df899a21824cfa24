import { CONFIRMED_ROLES, ROLE_LABELS, ROLES, type Role } from '@hotline/contract/roles';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { fieldErrors, get, post, put } from '../api';
import { Alert, Field, Loading, Options, PageHeader } from '../components';
import { useConfirm } from '../confirm';
import { useSession } from '../session';
import { when } from '../time';
import type { InviteCreated, Office, RoleGrant, User } from '../types';
import { PendingInvites, PeopleAdmin } from './sessions';

/** IANA zones this browser knows, offered as suggestions in the time zone fields. */
function TimeZoneList() {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return (
    <datalist id="time-zones">
      {zones.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}

/** /app/admin: invite people, set roles, confirm other administrators' role grants. The server checks each act again. */
export function AdminPage() {
  const { me } = useSession();
  const [offices, setOffices] = useState<Office[] | null>(null);
  const [users, setUsers] = useState<User[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inviteTo, setInviteTo] = useState<string | null>(null);
  const officeId = me?.office.id;
  const load = useCallback(async () => {
    if (!officeId) return;
    try {
      const [o, u] = await Promise.all([
        get<Office[]>('/api/v1/offices'),
        get<User[]>(`/api/v1/users?officeId=${encodeURIComponent(officeId)}`),
      ]);
      setOffices(o);
      setUsers(u);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, [officeId]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!me) return null;
  return (
    <>
      <PageHeader title="Administration">
        <p className="meta">{me.office.name}</p>
      </PageHeader>
      <TimeZoneList />
      <Alert error={error} />
      {!users && !error && <Loading what="Loading your office" />}
      {users && offices && (
        <>
          <InviteForm
            // Your own office only: offices are added by the server's operator (hotline offices
            // add), who invites a new office's first administrator.
            offices={[me.office]}
            selected={inviteTo ?? me.office.id}
            onSelect={setInviteTo}
            onDone={load}
          />
          <PendingInvites reloadKey={users} />
          <RoleEditor users={users} myId={me.user.id} onDone={load} />
          <PendingGrants myId={me.user.id} reloadKey={users} onDone={load} />
          <PeopleAdmin officeId={me.office.id} myId={me.user.id} onDone={load} />
          <p className="hint">
            Offices are added and changed only by the server's operator at its host (
            <code>hotline offices add</code>, <code>hotline offices update</code>), who vouches for each one;
            the Directory shows who did and when.
          </p>
        </>
      )}
    </>
  );
}

function InviteForm({
  offices,
  selected,
  onSelect,
  onDone,
}: {
  offices: Office[];
  selected: string;
  onSelect: (officeId: string) => void;
  onDone: () => Promise<void>;
}) {
  const office = offices.find((o) => o.id === selected) ?? offices[0]!;
  const empty = {
    email: '',
    displayName: '',
    title: '',
    timeZone: office.timeZone,
    roles: ['staff'] as Role[],
  };
  const [form, setForm] = useState(empty);
  // A newly chosen office brings its own time zone as the default.
  const [zoneOf, setZoneOf] = useState(office.id);
  if (zoneOf !== office.id) {
    setZoneOf(office.id);
    setForm({ ...form, timeZone: office.timeZone });
  }
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<InviteCreated | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    setCreated(null);
    setBusy(true);
    try {
      const r = await post<InviteCreated>('/api/v1/users/invite', { ...form, officeId: office.id });
      setCreated(r);
      setForm(empty);
      await onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const set = (k: 'email' | 'displayName' | 'title' | 'timeZone') => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a person</h2>
      <p className="hint">
        They join the {office.name}. Hotline makes a one-time link that lets them create a passkey.
      </p>
      <form onSubmit={submit} className="grid-form" noValidate>
        {offices.length > 1 && (
          <Field
            label="Office"
            id="inv-office"
            error={errors.officeId}
            hint="Your office, or an office you added (invite its first administrator here)"
          >
            <select id="inv-office" value={office.id} onChange={(e) => onSelect(e.target.value)}>
              <Options items={offices} />
            </select>
          </Field>
        )}
        <Field label="Email" id="inv-email" error={errors.email}>
          <input
            id="inv-email"
            type="email"
            value={form.email}
            onChange={set('email')}
            required
            autoComplete="off"
          />
        </Field>
        <Field label="Full name" id="inv-name" error={errors.displayName}>
          <input
            id="inv-name"
            value={form.displayName}
            onChange={set('displayName')}
            required
            autoComplete="off"
          />
        </Field>
        <Field label="Title" id="inv-title" error={errors.title}>
          <input id="inv-title" value={form.title} onChange={set('title')} required autoComplete="off" />
        </Field>
        <Field label="Time zone" id="inv-tz" error={errors.timeZone} hint="IANA name, e.g. Europe/Paris">
          <input id="inv-tz" value={form.timeZone} onChange={set('timeZone')} required list="time-zones" />
        </Field>
        <fieldset className="roles" aria-describedby={errors.roles ? 'inv-roles-error' : undefined}>
          <legend>Roles</legend>
          {ROLES.map((r) => (
            <label key={r} className="check">
              <input
                type="checkbox"
                checked={form.roles.includes(r)}
                onChange={(e) =>
                  setForm({
                    ...form,
                    roles: e.target.checked ? [...form.roles, r] : form.roles.filter((x) => x !== r),
                  })
                }
              />
              {ROLE_LABELS[r]}
            </label>
          ))}
          {errors.roles && (
            <p className="field-error" id="inv-roles-error">
              {errors.roles}
            </p>
          )}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create invite link'}
          </button>
        </div>
      </form>
      <Alert error={error} />
      {created && <InviteLink created={created} />}
    </section>
  );
}

function InviteLink({ created }: { created: InviteCreated }) {
  const [copied, setCopied] = useState<string | null>(null);
  const code = useRef<HTMLElement>(null);
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.inviteUrl);
      setCopied('Link copied to the clipboard.');
    } catch {
      // No clipboard access (e.g. a plain-http address): select the link so Ctrl+C copies it.
      const range = document.createRange();
      if (code.current) range.selectNodeContents(code.current);
      const sel = window.getSelection();
      sel?.removeAllRanges();
      sel?.addRange(range);
      setCopied('The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.');
    }
  }
  return (
    <div className="alert alert-success invite-result" role="status">
      <p>
        Invite created for <strong>{created.user.displayName}</strong> ({created.user.email}). Send this
        one-time link over a trusted channel; it works once, until {when(created.expiresAt)}.
      </p>
      <p className="invite-row">
        <code className="invite-link" ref={code}>
          {created.inviteUrl}
        </code>
        <button type="button" className="btn btn-small" onClick={() => void copy()}>
          Copy link
        </button>
      </p>
      {copied && <p className="hint">{copied}</p>}
    </div>
  );
}

function RoleEditor({ users, myId, onDone }: { users: User[]; myId: string; onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmDialog, ask] = useConfirm();
  async function toggle(u: User, role: Role, on: boolean) {
    setError(null);
    setStatus(null);
    const roles = on ? [...u.roles, role] : u.roles.filter((r) => r !== role);
    if (roles.length === 0) {
      setError(
        new Error(`${u.displayName} needs at least one role. Add another role before removing this one.`),
      );
      return;
    }
    // Granting a role asks first: it gives power, and the grant is a record.
    if (on) {
      const confirmed = (CONFIRMED_ROLES as readonly Role[]).includes(role);
      const ok = await ask({
        title: `Grant ${u.displayName} the ${ROLE_LABELS[role]} role`,
        confirmLabel: `Grant ${ROLE_LABELS[role]}`,
        body: confirmed
          ? `${u.displayName} becomes ${ROLE_LABELS[role]} once a second administrator confirms the grant; until then nothing changes for them.`
          : `${u.displayName} can act as ${ROLE_LABELS[role]} from their next page load.`,
        irreversible:
          'the grant is kept in the records log with your name as granter; taking the role away later is a new record, not an erasure.',
      });
      if (!ok) return;
    }
    setBusy(u.id);
    try {
      const saved = await put<User>(`/api/v1/users/${u.id}/roles`, { roles });
      const waiting = roles.filter((r) => !saved.roles.includes(r));
      setStatus(
        `${u.displayName}: ${saved.roles.map((r) => ROLE_LABELS[r]).join(', ')}.${
          waiting.length
            ? ` ${waiting.map((r) => ROLE_LABELS[r]).join(', ')} waits for a second administrator to confirm it.`
            : ''
        }${u.id === myId ? ' Your own access changes when you next load a page.' : ''}`,
      );
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  // Interpreters are people marked as such (the schedule form offers them on calls), not a role.
  async function setInterpreter(u: User, on: boolean) {
    setError(null);
    setStatus(null);
    if (on) {
      const ok = await ask({
        title: `Mark ${u.displayName} as an interpreter`,
        confirmLabel: 'Mark as interpreter',
        body: `The schedule form offers ${u.displayName} as an interpreter on your office's calls, and they join those calls as an interpreter.`,
        irreversible:
          'the change is kept in the records log with your name; unmarking them later is a new record, not an erasure.',
      });
      if (!ok) return;
    }
    setBusy(u.id);
    try {
      const saved = await put<User>(`/api/v1/users/${u.id}/interpreter`, { interpreter: on });
      setStatus(`${u.displayName}: ${saved.interpreter ? 'an interpreter' : 'no longer an interpreter'}.`);
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  return (
    <section className="panel" aria-labelledby="roles-title">
      {confirmDialog}
      <h2 id="roles-title">Roles in your office</h2>
      <p className="hint">Each change is saved at once and recorded in the audit log.</p>
      <Alert error={error} />
      <p className="visually-hidden" aria-live="polite">
        {status ? `Saved roles for ${status}` : ''}
      </p>
      {status && <p className="saved">Saved roles for {status}</p>}
      <div className="table-scroll">
        <table className="table table-compact">
          <caption className="visually-hidden">
            Roles of each person in your office, and who interprets
          </caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              {ROLES.map((r) => (
                <th scope="col" key={r}>
                  {ROLE_LABELS[r]}
                </th>
              ))}
              <th scope="col">Interpreter</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} aria-busy={busy === u.id}>
                <th scope="row">
                  {u.displayName}
                  {u.status === 'invited' && <span className="tag">Invited</span>}
                </th>
                {ROLES.map((r) => (
                  <td key={r}>
                    <input
                      type="checkbox"
                      aria-label={`${ROLE_LABELS[r]} for ${u.displayName}`}
                      checked={u.roles.includes(r)}
                      disabled={busy !== null}
                      onChange={(e) => void toggle(u, r, e.target.checked)}
                    />
                  </td>
                ))}
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Interpreter: ${u.displayName}`}
                    checked={u.interpreter}
                    disabled={busy !== null}
                    onChange={(e) => void setInterpreter(u, e.target.checked)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Role grants of the office waiting for a second administrator (HOTLINE_ROLE_GRANT_CONFIRMATION):
 * who it is for, the role, who asked and when. Another administrator confirms; the one who asked,
 * and the person it is for, may not (the server refuses them too).
 */
function PendingGrants({
  myId,
  reloadKey,
  onDone,
}: {
  myId: string;
  reloadKey: unknown;
  onDone: () => Promise<void>;
}) {
  const [grants, setGrants] = useState<RoleGrant[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setGrants(await get<RoleGrant[]>('/api/v1/role-grants/pending'));
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void reloadKey;
    void load();
  }, [load, reloadKey]);
  async function confirm(g: RoleGrant) {
    setError(null);
    setStatus(null);
    setBusy(g.id);
    try {
      await post<RoleGrant>(`/api/v1/role-grants/${g.id}/confirm`, {});
      setStatus(`${g.userName} is now ${ROLE_LABELS[g.role]}.`);
      await load();
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  return (
    <section className="panel" aria-labelledby="grants-title">
      <h2 id="grants-title">Roles waiting for a second administrator</h2>
      <p className="hint">
        Principal, Administrator and Reviewer come into force only when an administrator other than the one
        who asked confirms them. Nobody confirms a role for themselves.
      </p>
      <Alert error={error} />
      <p className="visually-hidden" aria-live="polite">
        {status ?? ''}
      </p>
      {status && <p className="saved">{status}</p>}
      {grants && grants.length === 0 && <p className="empty">No role is waiting for confirmation.</p>}
      {grants && grants.length > 0 && (
        <div className="table-scroll">
          <table className="table table-compact">
            <caption className="visually-hidden">Role grants waiting for confirmation</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Asked by</th>
                <th scope="col">Asked on</th>
                <th scope="col">
                  <span className="visually-hidden">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {grants.map((g) => {
                const why =
                  g.grantedBy === myId
                    ? 'You asked for this; another administrator confirms it.'
                    : g.userId === myId
                      ? 'This is for you; another administrator confirms it.'
                      : null;
                return (
                  <tr key={g.id} aria-busy={busy === g.id}>
                    <th scope="row">{g.userName}</th>
                    <td>{ROLE_LABELS[g.role]}</td>
                    <td>{g.grantedByName ?? 'The operator'}</td>
                    <td>{when(g.grantedAt)}</td>
                    <td>
                      {why ? (
                        <span className="hint">{why}</span>
                      ) : (
                        <button
                          type="button"
                          className="btn btn-small"
                          disabled={busy !== null}
                          onClick={() => void confirm(g)}
                        >
                          Confirm {ROLE_LABELS[g.role]} for {g.userName}
                        </button>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
