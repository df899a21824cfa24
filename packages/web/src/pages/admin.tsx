import type { Office, User } from '@hotline/contract';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { fieldErrors, get, post, put } from '../api';
import { Alert, Field, PageHeader, ROLE_LABELS } from '../components';
import { useSession } from '../session';

const ROLES = Object.keys(ROLE_LABELS);

export function AdminPage() {
  const { me } = useSession();
  const [offices, setOffices] = useState<Office[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const load = useCallback(async () => {
    setOffices(await get<Office[]>('/api/v1/offices'));
    setUsers(await get<User[]>(`/api/v1/users?officeId=${me?.office.id}`));
  }, [me]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!me) return null;
  return (
    <>
      <PageHeader title="Administration" />
      <InviteForm officeId={me.office.id} officeZone={me.office.timeZone} onDone={load} />
      <RoleEditor users={users} onDone={load} />
      <OfficeForm onDone={load} offices={offices} />
    </>
  );
}

function InviteForm({
  officeId,
  officeZone,
  onDone,
}: {
  officeId: string;
  officeZone: string;
  onDone: () => Promise<void>;
}) {
  const [form, setForm] = useState({
    email: '',
    displayName: '',
    title: '',
    timeZone: officeZone,
    roles: ['staff'] as string[],
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      const r = await post<{ inviteUrl: string; expiresAt: string }>('/api/v1/users/invite', {
        ...form,
        officeId,
      });
      setLink({ url: r.inviteUrl, expiresAt: r.expiresAt });
      setForm({ ...form, email: '', displayName: '', title: '' });
      await onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    }
  }

  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite a person</h2>
      <form onSubmit={submit} className="grid-form" noValidate>
        <Field label="Email" id="inv-email" error={errors.email}>
          <input
            id="inv-email"
            type="email"
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
            required
          />
        </Field>
        <Field label="Full name" id="inv-name" error={errors.displayName}>
          <input
            id="inv-name"
            value={form.displayName}
            onChange={(e) => setForm({ ...form, displayName: e.target.value })}
            required
          />
        </Field>
        <Field label="Title" id="inv-title" error={errors.title}>
          <input
            id="inv-title"
            value={form.title}
            onChange={(e) => setForm({ ...form, title: e.target.value })}
            required
          />
        </Field>
        <Field label="Time zone" id="inv-tz" error={errors.timeZone} hint="IANA name, e.g. Europe/Paris">
          <input
            id="inv-tz"
            value={form.timeZone}
            onChange={(e) => setForm({ ...form, timeZone: e.target.value })}
            required
          />
        </Field>
        <fieldset className="roles">
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
          {errors.roles && <p className="field-error">{errors.roles}</p>}
        </fieldset>
        <div>
          <button type="submit" className="btn btn-primary">
            Create invite link
          </button>
        </div>
      </form>
      <Alert error={error} />
      {link && (
        <div className="alert alert-success" role="status">
          <p>
            One-time link (valid until {new Date(link.expiresAt).toLocaleString()}). Send it to the person
            over a trusted channel:
          </p>
          <p>
            <code className="invite-link">{link.url}</code>{' '}
            <button
              type="button"
              className="btn btn-small"
              onClick={() => void navigator.clipboard?.writeText(link.url)}
            >
              Copy
            </button>
          </p>
        </div>
      )}
    </section>
  );
}

function RoleEditor({ users, onDone }: { users: User[]; onDone: () => Promise<void> }) {
  const [error, setError] = useState<unknown>(null);
  async function toggle(u: User, role: string, on: boolean) {
    setError(null);
    try {
      await put(`/api/v1/users/${u.id}/roles`, {
        roles: on ? [...u.roles, role] : u.roles.filter((r) => r !== role),
      });
      await onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section className="panel" aria-labelledby="roles-title">
      <h2 id="roles-title">Roles in your office</h2>
      <Alert error={error} />
      <div className="table-scroll">
        <table className="table table-compact">
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
              <tr key={u.id}>
                <th scope="row">{u.displayName}</th>
                {ROLES.map((r) => (
                  <td key={r}>
                    <input
                      type="checkbox"
                      aria-label={`${ROLE_LABELS[r]} for ${u.displayName}`}
                      checked={u.roles.includes(r as User['roles'][number])}
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

function OfficeForm({ onDone, offices }: { onDone: () => Promise<void>; offices: Office[] }) {
  const [form, setForm] = useState({
    slug: '',
    name: '',
    country: '',
    leaderTitle: '',
    leaderName: '',
    timeZone: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [ok, setOk] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    setOk(null);
    try {
      const o = await post<Office>('/api/v1/offices', form);
      setOk(`Created ${o.name}.`);
      await onDone();
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    }
  }
  const fields: [keyof typeof form, string, string?][] = [
    ['slug', 'Short id', 'lowercase, e.g. de-chancellery'],
    ['name', 'Office name'],
    ['country', 'Country code', 'ISO 3166-1, e.g. DE'],
    ['leaderTitle', "Leader's title"],
    ['leaderName', "Leader's name"],
    ['timeZone', 'Time zone', 'e.g. Europe/Berlin'],
  ];
  return (
    <section className="panel" aria-labelledby="office-title">
      <h2 id="office-title">Add an office</h2>
      <p className="hint">{offices.length} offices exist.</p>
      <form onSubmit={submit} className="grid-form" noValidate>
        {fields.map(([k, label, hint]) => (
          <Field key={k} label={label} id={`office-${k}`} error={errors[k]} {...(hint ? { hint } : {})}>
            <input
              id={`office-${k}`}
              value={form[k]}
              onChange={(e) => setForm({ ...form, [k]: e.target.value })}
              required
            />
          </Field>
        ))}
        <div>
          <button type="submit" className="btn btn-primary">
            Add office
          </button>
        </div>
      </form>
      <Alert error={error} />
      <Alert error={ok} kind="success" />
    </section>
  );
}
