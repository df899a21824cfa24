import { ROLE_LABELS, ROLES, type Role } from '@hotline/contract/roles';
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { fieldErrors, get, post, put } from '../api';
import { Alert, Field, Loading, Options, PageHeader } from '../components';
import { useSession } from '../session';
import type { InviteCreated, Office, User } from '../types';
import { PendingInvites, PeopleAdmin } from './sessions';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

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

/** /app/admin: invite people, set roles, add offices. The server checks each act again. */
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
            // Your own office, and the offices you created (the server allows exactly these).
            offices={[
              me.office,
              ...offices.filter((o) => o.createdBy === me.user.id && o.id !== me.office.id),
            ]}
            selected={inviteTo ?? me.office.id}
            onSelect={setInviteTo}
            onDone={load}
          />
          <PendingInvites reloadKey={users} />
          <RoleEditor users={users} myId={me.user.id} onDone={load} />
          <PeopleAdmin officeId={me.office.id} myId={me.user.id} onDone={load} />
          {me.permissions.includes('offices.create') && (
            <OfficeForm
              onDone={async (created) => {
                await load();
                setInviteTo(created.id);
              }}
              offices={offices}
            />
          )}
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
        one-time link over a trusted channel; it works once, until{' '}
        {dateTime.format(new Date(created.expiresAt))}.
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
    setBusy(u.id);
    try {
      await put<User>(`/api/v1/users/${u.id}/roles`, { roles });
      setStatus(
        `${u.displayName}: ${roles.map((r) => ROLE_LABELS[r]).join(', ')}.${
          u.id === myId ? ' Your own access changes when you next load a page.' : ''
        }`,
      );
      await onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  return (
    <section className="panel" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles in your office</h2>
      <p className="hint">Each change is saved at once and recorded in the audit log.</p>
      <Alert error={error} />
      <p className="visually-hidden" aria-live="polite">
        {status ? `Saved roles for ${status}` : ''}
      </p>
      {status && <p className="saved">Saved roles for {status}</p>}
      <div className="table-scroll">
        <table className="table table-compact">
          <caption className="visually-hidden">Roles of each person in your office</caption>
          <thead>
            <tr>
              <th scope="col">Person</th>
              {ROLES.map((r) => (
                <th scope="col" key={r}>
                  {ROLE_LABELS[r]}
                </th>
              ))}
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
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

type OfficeField = 'slug' | 'name' | 'country' | 'leaderTitle' | 'leaderName' | 'timeZone';
const OFFICE_FIELDS: { key: OfficeField; label: string; hint?: string; list?: string }[] = [
  { key: 'name', label: 'Office name', hint: 'e.g. Office of the Federal Chancellor' },
  { key: 'slug', label: 'Short id', hint: 'Lowercase letters, digits, dashes, e.g. de-chancellery' },
  { key: 'country', label: 'Country code', hint: 'ISO 3166-1 alpha-2, e.g. DE' },
  { key: 'leaderTitle', label: "Leader's title", hint: 'e.g. Federal Chancellor' },
  { key: 'leaderName', label: "Leader's name" },
  { key: 'timeZone', label: 'Time zone', hint: 'IANA name, e.g. Europe/Berlin', list: 'time-zones' },
];

function OfficeForm({ onDone, offices }: { onDone: (created: Office) => Promise<void>; offices: Office[] }) {
  const empty: Record<OfficeField, string> = {
    slug: '',
    name: '',
    country: '',
    leaderTitle: '',
    leaderName: '',
    timeZone: '',
  };
  const [form, setForm] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [ok, setOk] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    setOk(null);
    setBusy(true);
    try {
      const o = await post<Office>('/api/v1/offices', {
        ...form,
        country: form.country.trim().toUpperCase(),
      });
      setOk(
        `Added the ${o.name}. Invite its first administrator under "Invite a person" above: it is chosen as the office there.`,
      );
      setForm(empty);
      await onDone(o);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="panel" aria-labelledby="office-title">
      <h2 id="office-title">Add an office</h2>
      <p className="hint">
        Hotline has {offices.length} {offices.length === 1 ? 'office' : 'offices'}:{' '}
        {offices.map((o) => o.name).join('; ')}.
      </p>
      <form onSubmit={submit} className="grid-form" noValidate>
        {OFFICE_FIELDS.map(({ key, label, hint, list }) => (
          <Field key={key} label={label} id={`office-${key}`} error={errors[key]} {...(hint ? { hint } : {})}>
            <input
              id={`office-${key}`}
              value={form[key]}
              onChange={(e) => setForm({ ...form, [key]: e.target.value })}
              required
              autoComplete="off"
              {...(list ? { list } : {})}
            />
          </Field>
        ))}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add office'}
          </button>
        </div>
      </form>
      <Alert error={error} />
      <Alert error={ok} kind="success" />
    </section>
  );
}
