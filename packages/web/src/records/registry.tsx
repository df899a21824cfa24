import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { ApiError, get, post, put } from '../api';
import { Alert, Field } from '../components';

interface Registry {
  accounts: { id: string; kind: string; identifier: string; official: boolean; owner: string }[];
  people: { id: string; display_name: string; title: string; covered: string }[];
}

const COVERED: [string, string][] = [
  ['president', 'President'],
  ['vice_president', 'Vice President'],
  ['covered_employee', 'Covered employee'],
  ['not_covered', 'Not covered'],
];

/** Upload an export with a progress bar (XHR reports upload progress; fetch does not). */
export function ImportPanel({ onDone }: { onDone: () => void }) {
  const [reg, setReg] = useState<Registry | null>(null);
  const [kind, setKind] = useState('mbox');
  const [account, setAccount] = useState('');
  const [owner, setOwner] = useState('');
  const [columns, setColumns] = useState('date=Date,number=Number,minutes=Minutes,direction=Type');
  const [official, setOfficial] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    get<Registry>('/api/v1/capture/registry').then(setReg, setError);
  }, []);

  function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!file) {
      setError(new Error('Choose the exported file to import.'));
      return;
    }
    const form = new FormData();
    form.append('kind', kind);
    form.append('account', account);
    form.append('owner', owner);
    form.append('official', String(official));
    if (kind === 'csv') form.append('columns', columns);
    form.append('file', file);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/capture/imports');
    xhr.upload.onprogress = (ev) => {
      if (ev.lengthComputable) setProgress(Math.round((100 * ev.loaded) / ev.total));
      setPhase('Uploading');
    };
    xhr.upload.onload = () => setPhase('Importing: parsing and recording every item');
    xhr.onload = () => {
      setProgress(null);
      setPhase('');
      const body = JSON.parse(xhr.responseText || '{}');
      if (xhr.status >= 200 && xhr.status < 300) {
        setDone(
          `Imported ${body.added} new item(s) and ${body.attachments} attachment(s); ${body.skipped} were already captured.${body.offChannel?.length ? ` OFF-CHANNEL CONTACT found: ${body.offChannel.map((o: { leader: string }) => o.leader).join(', ')}.` : ''}`,
        );
        onDone();
      } else {
        setError(new ApiError(xhr.status, body.code ?? 'error', body.detail ?? 'The import failed.'));
      }
    };
    xhr.onerror = () => {
      setProgress(null);
      setError(new Error('The upload failed; check the connection and try again.'));
    };
    setProgress(0);
    xhr.send(form);
  }

  return (
    <section className="panel" aria-labelledby="import-title">
      <h2 id="import-title">Import an export</h2>
      <form className="grid-form" onSubmit={submit} noValidate>
        <Field label="Kind" id="imp-kind">
          <select id="imp-kind" value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="mbox">Email: mbox</option>
            <option value="eml">Email: one .eml</option>
            <option value="x">X/Twitter archive (.zip)</option>
            <option value="phone">Phone: SMS Backup &amp; Restore XML</option>
            <option value="csv">Phone: carrier call-detail CSV</option>
          </select>
        </Field>
        <Field label="Account" id="imp-account" hint="e.g. name@gmail.example.com, @handle or +12025550142">
          <input id="imp-account" value={account} onChange={(e) => setAccount(e.target.value)} />
        </Field>
        <Field label="Owner's Hotline email" id="imp-owner">
          <input id="imp-owner" type="email" value={owner} onChange={(e) => setOwner(e.target.value)} />
        </Field>
        {kind === 'csv' && (
          <Field label="Columns" id="imp-columns">
            <input id="imp-columns" value={columns} onChange={(e) => setColumns(e.target.value)} />
          </Field>
        )}
        <Field label="File" id="imp-file">
          <input id="imp-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <label className="check">
          <input type="checkbox" checked={official} onChange={(e) => setOfficial(e.target.checked)} /> This is
          an official account
        </label>
        <div>
          <button type="submit" className="btn btn-primary" disabled={progress !== null}>
            Import
          </button>
        </div>
      </form>
      {reg && <p className="meta">{reg.people.length} people in your office can own accounts.</p>}
      {progress !== null && (
        <div role="status" aria-live="polite">
          <progress
            max={100}
            value={phase.startsWith('Importing') ? undefined : progress}
            aria-label="Import progress"
          />{' '}
          {phase} {phase.startsWith('Uploading') ? `${progress}%` : ''}
        </div>
      )}
      <Alert error={error} />
      <Alert error={done} kind="success" />
    </section>
  );
}

export function RegistryPanel() {
  const [reg, setReg] = useState<Registry | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ kind: 'email', identifier: '', ownerId: '' });
  const load = useCallback(() => get<Registry>('/api/v1/capture/registry').then(setReg, setError), []);
  useEffect(() => {
    void load();
  }, [load]);
  async function setCovered(id: string, covered: string) {
    setError(null);
    try {
      await put(`/api/v1/capture/covered/${id}`, { covered });
      await load();
    } catch (err) {
      setError(err);
    }
  }
  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await post('/api/v1/capture/official-accounts', form);
      setForm({ ...form, identifier: '' });
      await load();
    } catch (err) {
      setError(err);
    }
  }
  if (!reg) return error ? <Alert error={error} /> : null;
  return (
    <div className="call-grid">
      <section className="panel" aria-labelledby="covered-title">
        <h2 id="covered-title">Who is covered (44 U.S.C. 2209(c))</h2>
        <table className="table">
          <tbody>
            {reg.people.map((p) => (
              <tr key={p.id}>
                <th scope="row">
                  {p.display_name}
                  <div className="meta">{p.title}</div>
                </th>
                <td>
                  <select
                    aria-label={`Coverage of ${p.display_name}`}
                    value={p.covered}
                    onChange={(e) => void setCovered(p.id, e.target.value)}
                  >
                    {COVERED.map(([v, l]) => (
                      <option key={v} value={v}>
                        {l}
                      </option>
                    ))}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="accounts-title">
        <h2 id="accounts-title">Accounts</h2>
        <ul className="plain">
          {reg.accounts.map((a) => (
            <li key={a.id}>
              <span className={`state ${a.official ? 'state-readout_published' : 'state-requested'}`}>
                {a.official ? 'official' : 'personal'}
              </span>{' '}
              {a.kind} <code>{a.identifier}</code> — {a.owner}
            </li>
          ))}
        </ul>
        <form className="subform" onSubmit={add} aria-label="Register an official account">
          <h3>Register an official account</h3>
          <Field label="Kind" id="oa-kind">
            <select
              id="oa-kind"
              value={form.kind}
              onChange={(e) => setForm({ ...form, kind: e.target.value })}
            >
              <option value="email">Email address</option>
              <option value="x">X handle</option>
              <option value="phone">Phone number</option>
            </select>
          </Field>
          <Field label="Address, handle or number" id="oa-id">
            <input
              id="oa-id"
              value={form.identifier}
              onChange={(e) => setForm({ ...form, identifier: e.target.value })}
            />
          </Field>
          <Field label="Owner" id="oa-owner">
            <select
              id="oa-owner"
              value={form.ownerId}
              onChange={(e) => setForm({ ...form, ownerId: e.target.value })}
            >
              <option value="">Choose…</option>
              {reg.people.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.display_name}
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" className="btn">
            Register
          </button>
        </form>
        <Alert error={error} />
      </section>
    </div>
  );
}
