import type { ForeignContact } from '@hotline/contract';
import { type FormEvent, useState } from 'react';
import { post, put } from '../api';
import { Alert, Field, Loading, PageHeader } from '../components';
import { useConfirm } from '../confirm';
import { useListActions } from '../use-list';

interface Changed {
  contact: ForeignContact;
  rescan: {
    offChannel: { callId: string; leader: string; at: string }[];
    attempted: { leader: string; number: string; at: string }[];
  };
}

const KINDS: [ForeignContact['kind'], string][] = [
  ['number', 'Phone number'],
  ['handle', 'Handle (@name)'],
  ['email', 'Email address'],
];

interface Form {
  kind: ForeignContact['kind'];
  value: string;
  leader: string;
  country: string;
  source: string;
  validFrom: string;
  validTo: string;
  reason: string;
}

const EMPTY: Form = {
  kind: 'number',
  value: '',
  leader: '',
  country: '',
  source: '',
  validFrom: '',
  validTo: '',
  reason: '',
};

/** A date field's YYYY-MM-DD as the API's instant (start of that day, UTC), or null. */
const instant = (d: string) => (d ? `${d}T00:00:00Z` : null);
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

/** What a change's re-scan of everything captured raised, in words. */
function rescanText(verb: string, c: Changed): string {
  const { offChannel, attempted } = c.rescan;
  const leaders = [...new Set([...offChannel, ...attempted].map((a) => a.leader))];
  return `${verb} ${c.contact.value} (${c.contact.leader}). Re-scan of everything captured: ${offChannel.length} new off-channel alert(s), ${attempted.length} new attempted contact(s)${leaders.length ? ` with ${leaders.join(', ')}` : ''}.`;
}

function ContactFields({
  form,
  set,
  prefix,
  withReason,
}: {
  form: Form;
  set: (f: Form) => void;
  prefix: string;
  withReason: boolean;
}) {
  const field = (key: keyof Form) => ({
    id: `${prefix}-${key}`,
    value: form[key],
    onChange: (e: { target: { value: string } }) => set({ ...form, [key]: e.target.value }),
  });
  return (
    <>
      <Field label="Kind" id={`${prefix}-kind`}>
        <select {...field('kind')}>
          {KINDS.map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Number, handle or email" id={`${prefix}-value`} hint="Numbers with their country code">
        <input {...field('value')} />
      </Field>
      <Field label="Leader" id={`${prefix}-leader`}>
        <input {...field('leader')} />
      </Field>
      <Field label="Country" id={`${prefix}-country`}>
        <input {...field('country')} />
      </Field>
      <Field label="Source" id={`${prefix}-source`} hint="Where the entry comes from">
        <input {...field('source')} />
      </Field>
      <Field label="Valid from" id={`${prefix}-validFrom`}>
        <input type="date" {...field('validFrom')} />
      </Field>
      <Field label="Valid to" id={`${prefix}-validTo`}>
        <input type="date" {...field('validTo')} />
      </Field>
      {withReason && (
        <Field label="Reason for the change" id={`${prefix}-reason`} hint="Kept in the record">
          <input {...field('reason')} />
        </Field>
      )}
    </>
  );
}

/**
 * The foreign contacts directory (records officers and the secretariat): every known number,
 * handle and email of a foreign leader, with its source and validity. Each change is a record,
 * and re-scans everything captured; the alerts it raised are shown.
 */
export function ContactsPage() {
  const { list, error, notice, run } = useListActions<ForeignContact>('/api/v1/capture/contacts');
  const [add, setAdd] = useState<Form>(EMPTY);
  const [editing, setEditing] = useState<{ id: string; form: Form } | null>(null);
  const [confirmDialog, ask] = useConfirm();

  function submitAdd(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const c = await post<Changed>('/api/v1/capture/contacts', {
        kind: add.kind,
        value: add.value,
        leader: add.leader,
        country: add.country,
        source: add.source,
        validFrom: instant(add.validFrom),
        validTo: instant(add.validTo),
      });
      setAdd(EMPTY);
      return rescanText('Added', c);
    });
  }

  function submitEdit(e: FormEvent) {
    e.preventDefault();
    if (!editing) return;
    const f = editing.form;
    void run(async () => {
      const c = await put<Changed>(`/api/v1/capture/contacts/${editing.id}`, {
        kind: f.kind,
        value: f.value,
        leader: f.leader,
        country: f.country,
        source: f.source,
        validFrom: instant(f.validFrom),
        validTo: instant(f.validTo),
        reason: f.reason,
      });
      setEditing(null);
      return rescanText('Changed', c);
    });
  }

  async function retire() {
    if (!editing) return;
    const f = editing.form;
    const ok = await ask({
      title: 'Retire this entry',
      body: `${f.value} (${f.leader}) stops matching captures from now on. What it matched before stays.`,
      irreversible: 'A retired entry cannot be edited again; add a new entry instead.',
      danger: true,
    });
    if (!ok) return;
    await run(async () => {
      const c = await post<Changed>(`/api/v1/capture/contacts/${editing.id}/retire`, { reason: f.reason });
      setEditing(null);
      return `Retired ${c.contact.value} (${c.contact.leader}).`;
    });
  }

  return (
    <>
      <PageHeader title="Foreign contacts directory" />
      <p className="meta">
        Off-channel detection matches captured calls, texts, mail and posts against these entries. Every
        change is a record, and re-scans everything already captured.
      </p>
      <Alert error={error} />
      <Alert error={notice} kind="success" />
      {confirmDialog}
      <section className="panel" aria-labelledby="contacts-add-title">
        <h2 id="contacts-add-title">Add an entry</h2>
        <form className="grid-form" onSubmit={submitAdd} noValidate>
          <ContactFields form={add} set={setAdd} prefix="add" withReason={false} />
          <div>
            <button type="submit" className="btn btn-primary">
              Add entry
            </button>
          </div>
        </form>
      </section>
      {editing && (
        <section className="panel" aria-labelledby="contacts-edit-title">
          <h2 id="contacts-edit-title">Change or retire {editing.form.value}</h2>
          <form className="grid-form" onSubmit={submitEdit} noValidate>
            <ContactFields
              form={editing.form}
              set={(form) => setEditing({ ...editing, form })}
              prefix="edit"
              withReason
            />
            <div>
              <button type="submit" className="btn btn-primary">
                Save change
              </button>{' '}
              <button type="button" className="btn btn-danger" onClick={() => void retire()}>
                Retire entry
              </button>{' '}
              <button type="button" className="btn" onClick={() => setEditing(null)}>
                Cancel
              </button>
            </div>
          </form>
        </section>
      )}
      <section className="panel" aria-labelledby="contacts-list-title">
        <h2 id="contacts-list-title">Entries</h2>
        {!list ? (
          <Loading what="Loading the directory" />
        ) : (
          <table className="table">
            <caption className="meta">{list.length} entries, retired ones included</caption>
            <thead>
              <tr>
                <th scope="col">Leader</th>
                <th scope="col">Country</th>
                <th scope="col">Kind</th>
                <th scope="col">Value</th>
                <th scope="col">Source</th>
                <th scope="col">Valid</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id}>
                  <td>{c.leader}</td>
                  <td>{c.country}</td>
                  <td>{KINDS.find(([k]) => k === c.kind)?.[1] ?? c.kind}</td>
                  <td>{c.value}</td>
                  <td>{c.source ?? '—'}</td>
                  <td>
                    {c.validFrom || c.validTo
                      ? `${day(c.validFrom) || '…'} to ${day(c.validTo) || '…'}`
                      : 'always'}
                  </td>
                  <td>{c.retiredAt ? `Retired ${day(c.retiredAt)}` : 'In use'}</td>
                  <td>
                    {!c.retiredAt && (
                      <button
                        type="button"
                        className="btn"
                        aria-label={`Change or retire ${c.value}`}
                        onClick={() =>
                          setEditing({
                            id: c.id,
                            form: {
                              kind: c.kind,
                              value: c.value,
                              leader: c.leader,
                              country: c.country,
                              source: c.source ?? '',
                              validFrom: day(c.validFrom),
                              validTo: day(c.validTo),
                              reason: '',
                            },
                          })
                        }
                      >
                        Change
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
