import type { Office } from '@hotline/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { fieldErrors, get, post } from '../api';
import { Alert, Field, PageHeader } from '../components';
import { navigate } from '../router';
import { useSession } from '../session';

export function NewCallPage() {
  const { me } = useSession();
  const [offices, setOffices] = useState<Office[]>([]);
  const [form, setForm] = useState({
    ownerOfficeId: '',
    counterpartLeader: '',
    counterpartCountry: '',
    purpose: '',
    topics: '',
    urgency: 'routine',
    language: 'English',
    windowStart: '',
    windowEnd: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<Office[]>('/api/v1/offices').then((o) => {
      setOffices(o);
      const mine = o.find((x) => x.id === me?.office.id);
      setForm((f) => ({
        ...f,
        ownerOfficeId: me?.user.roles.includes('liaison')
          ? (o.find((x) => x.id !== mine?.id)?.id ?? '')
          : (mine?.id ?? ''),
      }));
    }, setError);
  }, [me]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setError(null);
    try {
      const mine = offices.find((o) => o.id === me?.office.id);
      const c = await post<{ id: string }>('/api/v1/calls', {
        ownerOfficeId: form.ownerOfficeId,
        ...(me && form.ownerOfficeId !== me.office.id ? { counterpartOfficeId: me.office.id } : {}),
        counterpartLeader: form.counterpartLeader,
        counterpartCountry: form.counterpartCountry.toUpperCase(),
        purpose: form.purpose,
        topics: form.topics
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        urgency: form.urgency,
        language: form.language,
        requesterZone: me?.user.timeZone ?? mine?.timeZone ?? 'UTC',
        proposedWindows: form.windowStart
          ? [{ start: form.windowStart, end: form.windowEnd || form.windowStart }]
          : [],
      });
      navigate(`/calls/${c.id}`);
    } catch (err) {
      const fe = fieldErrors(err);
      if (fe['proposedWindows.0.start'] || fe['proposedWindows.0.end'] || fe.proposedWindows) {
        fe.windowStart =
          fe['proposedWindows.0.start'] ?? fe.proposedWindows ?? fe['proposedWindows.0.end'] ?? '';
      }
      setErrors(fe);
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <>
      <PageHeader title="Request a leader call" />
      <form className="panel grid-form" onSubmit={submit} noValidate>
        <Field label="Whose leader is asked for the call" id="owner" error={errors.ownerOfficeId}>
          <select id="owner" value={form.ownerOfficeId} onChange={set('ownerOfficeId')}>
            {offices.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Counterpart leader"
          id="counterpart"
          error={errors.counterpartLeader}
          hint='e.g. "Prime Minister Mark Carney of Canada"'
        >
          <input id="counterpart" value={form.counterpartLeader} onChange={set('counterpartLeader')} />
        </Field>
        <Field
          label="Counterpart country"
          id="country"
          error={errors.counterpartCountry}
          hint="ISO code, e.g. CA"
        >
          <input
            id="country"
            value={form.counterpartCountry}
            onChange={set('counterpartCountry')}
            maxLength={2}
          />
        </Field>
        <Field label="Urgency" id="urgency" error={errors.urgency}>
          <select id="urgency" value={form.urgency} onChange={set('urgency')}>
            <option value="routine">Routine</option>
            <option value="priority">Priority</option>
            <option value="flash">Flash (two reviewers)</option>
          </select>
        </Field>
        <Field label="Purpose" id="purpose" error={errors.purpose}>
          <textarea id="purpose" value={form.purpose} onChange={set('purpose')} />
        </Field>
        <Field label="Topics" id="topics" error={errors.topics} hint="Comma-separated">
          <input id="topics" value={form.topics} onChange={set('topics')} />
        </Field>
        <Field label="Language" id="language" error={errors.language}>
          <input id="language" value={form.language} onChange={set('language')} />
        </Field>
        <Field
          label={`Proposed window start (your time, ${me?.user.timeZone})`}
          id="window-start"
          error={errors.windowStart}
        >
          <input
            id="window-start"
            type="datetime-local"
            value={form.windowStart}
            onChange={set('windowStart')}
          />
        </Field>
        <Field label="Proposed window end" id="window-end">
          <input id="window-end" type="datetime-local" value={form.windowEnd} onChange={set('windowEnd')} />
        </Field>
        <div>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send the request'}
          </button>
        </div>
      </form>
      <Alert error={error} />
    </>
  );
}

export function OffChannelPage() {
  const { me } = useSession();
  const [form, setForm] = useState({
    counterpartLeader: '',
    counterpartCountry: '',
    start: '',
    end: '',
    participants: 'The principal',
    summary: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      const c = await post<{ id: string }>('/api/v1/calls/off-channel', {
        ownerOfficeId: me?.office.id,
        counterpartLeader: form.counterpartLeader,
        counterpartCountry: form.counterpartCountry.toUpperCase(),
        start: form.start ? new Date(form.start).toISOString() : '',
        end: form.end ? new Date(form.end).toISOString() : '',
        participants: form.participants
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
        summary: form.summary,
      });
      navigate(`/calls/${c.id}`);
    } catch (err) {
      setErrors(fieldErrors(err));
      setError(err);
    }
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <>
      <PageHeader title="Log off-channel contact" />
      <p className="lede">
        The leader spoke with a foreign leader outside Hotline (for example on a personal phone). Log it now:
        it becomes a completed call that needs a memcon by the deadline.
      </p>
      <form className="panel grid-form" onSubmit={submit} noValidate>
        <Field label="Counterpart leader" id="oc-counterpart" error={errors.counterpartLeader}>
          <input id="oc-counterpart" value={form.counterpartLeader} onChange={set('counterpartLeader')} />
        </Field>
        <Field label="Country" id="oc-country" error={errors.counterpartCountry}>
          <input
            id="oc-country"
            value={form.counterpartCountry}
            onChange={set('counterpartCountry')}
            maxLength={2}
          />
        </Field>
        <Field label="Started (your browser's time)" id="oc-start" error={errors.start}>
          <input id="oc-start" type="datetime-local" value={form.start} onChange={set('start')} />
        </Field>
        <Field label="Ended" id="oc-end" error={errors.end}>
          <input id="oc-end" type="datetime-local" value={form.end} onChange={set('end')} />
        </Field>
        <Field label="Participants" id="oc-participants" error={errors.participants} hint="Comma-separated">
          <input id="oc-participants" value={form.participants} onChange={set('participants')} />
        </Field>
        <Field label="What is known" id="oc-summary" error={errors.summary}>
          <textarea id="oc-summary" value={form.summary} onChange={set('summary')} />
        </Field>
        <div>
          <button type="submit" className="btn btn-primary">
            Log the contact
          </button>
        </div>
      </form>
      <Alert error={error} />
    </>
  );
}
