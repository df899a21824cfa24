import type { Office } from '@hotline/contract';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { get, post } from '../api';
import { Alert, BoundField, Options, PageHeader } from '../components';
import { navigate } from '../router';
import { useSession } from '../session';
import { binder, ErrorSummary, type FieldMap, formFieldErrors, groupListErrors } from './form-errors';
import { zonedToIso } from './zoned';

interface Window {
  key: number;
  start: string;
  end: string;
}

/** "Prime Minister Mark Carney of Canada" from the directory, to prefill the counterpart leader. */
function leaderOf(o: Office): string {
  const name = new Intl.DisplayNames(['en'], { type: 'region' }).of(o.country) ?? o.country;
  const country = ['US', 'GB', 'NL', 'PH', 'AE', 'CZ', 'DO', 'BS', 'GM'].includes(o.country)
    ? `the ${name}`
    : name;
  return `${o.leaderTitle} ${o.leaderName} of ${country}`;
}

export function NewCallPage() {
  const { me } = useSession();
  const zone = me?.user.timeZone ?? 'UTC';
  const liaison = !!me?.user.roles.includes('liaison');
  const [offices, setOffices] = useState<Office[]>([]);
  const [form, setForm] = useState({
    ownerOfficeId: '',
    counterpartOfficeId: '',
    counterpartLeader: '',
    counterpartCountry: '',
    purpose: '',
    topics: '',
    urgency: 'routine',
    language: 'English',
  });
  const [windows, setWindows] = useState<Window[]>([{ key: 0, start: '', end: '' }]);
  const [nextKey, setNextKey] = useState(1);
  /** The leader and country the last counterpart office filled in, so a typed name is never overwritten. */
  const [filled, setFilled] = useState({ leader: '', country: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const myOfficeId = me?.office.id;
  /** The form's starting choices are made once: a later answer (the session read again) never undoes a person's choice. */
  const defaulted = useRef(false);
  useEffect(() => {
    get<Office[]>('/api/v1/offices').then((o) => {
      setOffices(o);
      if (defaulted.current || !myOfficeId) return;
      defaulted.current = true;
      const mine = o.find((x) => x.id === myOfficeId);
      const owner = liaison ? o.find((x) => x.id !== mine?.id) : mine;
      setForm((f) => ({
        ...f,
        ownerOfficeId: owner?.id ?? '',
        // A liaison asks for a call with a host leader on behalf of their own office.
        counterpartOfficeId: liaison ? (mine?.id ?? '') : '',
        ...(liaison && mine ? { counterpartLeader: leaderOf(mine), counterpartCountry: mine.country } : {}),
      }));
      if (liaison && mine) setFilled({ leader: leaderOf(mine), country: mine.country });
    }, setError);
  }, [myOfficeId, liaison]);

  function chooseCounterpart(id: string) {
    const o = offices.find((x) => x.id === id);
    const leader = o ? leaderOf(o) : '';
    const country = o?.country ?? '';
    setForm((f) => ({
      ...f,
      counterpartOfficeId: id,
      counterpartLeader:
        !f.counterpartLeader || f.counterpartLeader === filled.leader ? leader : f.counterpartLeader,
      counterpartCountry:
        !f.counterpartCountry || f.counterpartCountry === filled.country ? country : f.counterpartCountry,
    }));
    setFilled({ leader, country });
  }

  const fields: FieldMap = {
    ownerOfficeId: { label: 'Whose leader is asked for the call', id: 'owner' },
    counterpartOfficeId: { label: 'Counterpart office', id: 'counterpart-office' },
    counterpartLeader: { label: 'Counterpart leader', id: 'counterpart' },
    counterpartCountry: { label: 'Counterpart country', id: 'country' },
    urgency: { label: 'Urgency', id: 'urgency' },
    purpose: { label: 'Purpose', id: 'purpose' },
    topics: { label: 'Topics', id: 'topics' },
    language: { label: 'Language', id: 'language' },
    requesterZone: { label: 'Your profile time zone', id: `window-${windows[0]?.key}-start` },
    proposedWindows: { label: 'Proposed windows', id: `window-${windows[0]?.key}-start` },
    'proposedWindows.start': { label: 'Proposed window start', id: `window-${windows[0]?.key}-start` },
  };
  windows.forEach((w, i) => {
    fields[`proposedWindows.${i}.start`] = { label: `Window ${i + 1} start`, id: `window-${w.key}-start` };
    fields[`proposedWindows.${i}.end`] = { label: `Window ${i + 1} end`, id: `window-${w.key}-end` };
  });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    // Check each window in the profile zone first: a time in a spring-forward gap does not exist.
    const local: Record<string, string> = {};
    windows.forEach((w, i) => {
      for (const k of ['start', 'end'] as const) {
        if (!w[k]) continue;
        const r = zonedToIso(w[k], zone);
        if (!r.ok) local[`proposedWindows.${i}.${k}`] = r.message;
      }
    });
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    setBusy(true);
    setErrors({});
    try {
      const c = await post<{ id: string }>('/api/v1/calls', {
        ownerOfficeId: form.ownerOfficeId,
        ...(form.counterpartOfficeId ? { counterpartOfficeId: form.counterpartOfficeId } : {}),
        counterpartLeader: form.counterpartLeader,
        counterpartCountry: form.counterpartCountry.toUpperCase(),
        purpose: form.purpose,
        topics: form.topics
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        urgency: form.urgency,
        language: form.language,
        requesterZone: zone,
        // An empty end means the window is the start alone; the server then asks for an end after it.
        proposedWindows: windows
          .filter((w) => w.start || w.end)
          .map((w) => ({ start: w.start, end: w.end || w.start })),
      });
      navigate(`/calls/${c.id}`);
    } catch (err) {
      const fe = formFieldErrors(err);
      setErrors(groupListErrors(fe, { topics: 'Topic' }));
      if (Object.keys(fe).length === 0) setError(err);
    } finally {
      setBusy(false);
    }
  }

  const bind = binder(form, setForm, errors, fields);
  const setWindow = (key: number, k: 'start' | 'end', v: string) =>
    setWindows(windows.map((w) => (w.key === key ? { ...w, [k]: v } : w)));
  const counterpartChoices = offices.filter((o) => o.id !== form.ownerOfficeId);
  return (
    <>
      <PageHeader title="Request a leader call" />
      <Alert error={error} />
      <form className="panel grid-form" onSubmit={submit} noValidate aria-labelledby="page-title">
        <div className="form-wide">
          <ErrorSummary id="request-errors" errors={errors} fields={fields} level={2} />
        </div>
        <BoundField as="select" label="Whose leader is asked for the call" {...bind('ownerOfficeId')}>
          <Options items={offices} />
        </BoundField>
        <BoundField
          as="select"
          label="Counterpart office"
          hint="The other side's office if it uses Hotline; choosing it fills in its leader."
          {...bind('counterpartOfficeId')}
          onValue={chooseCounterpart}
        >
          <option value="">Not on Hotline (name the leader below)</option>
          <Options items={counterpartChoices} />
        </BoundField>
        <BoundField
          label="Counterpart leader"
          hint='e.g. "Prime Minister Mark Carney of Canada"'
          {...bind('counterpartLeader')}
        />
        <BoundField
          label="Counterpart country"
          hint="ISO code, e.g. CA"
          {...bind('counterpartCountry')}
          maxLength={2}
          autoComplete="off"
        />
        <BoundField as="select" label="Urgency" {...bind('urgency')}>
          <option value="routine">Routine</option>
          <option value="priority">Priority</option>
          <option value="flash">Flash (two reviewers)</option>
        </BoundField>
        <BoundField as="textarea" label="Purpose" {...bind('purpose')} />
        <BoundField label="Topics" hint="Comma-separated" {...bind('topics')} />
        <BoundField label="Language" {...bind('language')} />
        <fieldset className="roles windows" aria-describedby="windows-hint">
          <legend>Proposed time windows</legend>
          <p className="hint" id="windows-hint">
            Times are in your profile's zone, {zone}. Propose up to 10 windows; the secretariat picks a time
            in one of them.
          </p>
          {(errors.proposedWindows || errors['proposedWindows.start']) && (
            <p className="field-error">{errors.proposedWindows ?? errors['proposedWindows.start']}</p>
          )}
          {windows.map((w, i) => (
            <div className="window-row" key={w.key}>
              {(['start', 'end'] as const).map((k) => (
                <BoundField
                  key={k}
                  label={`Window ${i + 1} ${k} (${zone})`}
                  id={`window-${w.key}-${k}`}
                  error={errors[`proposedWindows.${i}.${k}`]}
                  type="datetime-local"
                  value={w[k]}
                  onValue={(v) => setWindow(w.key, k, v)}
                />
              ))}
              {windows.length > 1 && (
                <button
                  type="button"
                  className="btn btn-small btn-danger"
                  onClick={() => {
                    setWindows(windows.filter((x) => x.key !== w.key));
                    setErrors({});
                  }}
                >
                  Remove window {i + 1}
                </button>
              )}
            </div>
          ))}
          {windows.length < 10 && (
            <button
              type="button"
              className="btn btn-small"
              onClick={() => {
                setWindows([...windows, { key: nextKey, start: '', end: '' }]);
                setNextKey(nextKey + 1);
              }}
            >
              Add another window
            </button>
          )}
        </fieldset>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send the request'}
          </button>
        </div>
      </form>
    </>
  );
}

export function OffChannelPage() {
  const { me } = useSession();
  const zone = me?.user.timeZone ?? 'UTC';
  const [offices, setOffices] = useState<Office[]>([]);
  const [form, setForm] = useState({
    counterpartOfficeId: '',
    counterpartLeader: '',
    counterpartCountry: '',
    start: '',
    end: '',
    participants: 'The principal',
    summary: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<Office[]>('/api/v1/offices').then(setOffices, setError);
  }, []);
  function chooseCounterpart(id: string) {
    const o = offices.find((x) => x.id === id);
    setForm((f) => ({
      ...f,
      counterpartOfficeId: id,
      ...(o ? { counterpartLeader: leaderOf(o), counterpartCountry: o.country } : {}),
    }));
  }
  const fields: FieldMap = {
    counterpartOfficeId: { label: 'Counterpart office', id: 'oc-office' },
    counterpartLeader: { label: 'Counterpart leader', id: 'oc-counterpart' },
    counterpartCountry: { label: 'Country', id: 'oc-country' },
    start: { label: `Started (${zone})`, id: 'oc-start' },
    end: { label: `Ended (${zone})`, id: 'oc-end' },
    participants: { label: 'Participants', id: 'oc-participants' },
    summary: { label: 'What is known', id: 'oc-summary' },
  };
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const start = zonedToIso(form.start, zone);
    const end = zonedToIso(form.end, zone);
    const local: Record<string, string> = {};
    if (!start.ok) local.start = start.message;
    if (!end.ok) local.end = end.message;
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    setErrors({});
    try {
      const c = await post<{ id: string }>('/api/v1/calls/off-channel', {
        ownerOfficeId: me?.office.id,
        ...(form.counterpartOfficeId ? { counterpartOfficeId: form.counterpartOfficeId } : {}),
        counterpartLeader: form.counterpartLeader,
        counterpartCountry: form.counterpartCountry.toUpperCase(),
        start: start.ok ? start.iso : '',
        end: end.ok ? end.iso : '',
        participants: form.participants
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
        summary: form.summary,
      });
      navigate(`/calls/${c.id}`);
    } catch (err) {
      const fe = formFieldErrors(err);
      setErrors(groupListErrors(fe, { participants: 'Participant' }));
      if (Object.keys(fe).length === 0) setError(err);
    }
  }
  const bind = binder(form, setForm, errors, fields);
  return (
    <>
      <PageHeader title="Log off-channel contact" />
      <p className="lede">
        The leader spoke with a foreign leader outside Hotline (for example on a personal phone). Log it now:
        it becomes a completed call that needs a memcon by the deadline.
      </p>
      <Alert error={error} />
      <form className="panel grid-form" onSubmit={submit} noValidate aria-labelledby="page-title">
        <div className="form-wide">
          <ErrorSummary id="off-channel-errors" errors={errors} fields={fields} level={2} />
        </div>
        <BoundField
          as="select"
          label="Counterpart office"
          hint="If the other leader's office uses Hotline; choosing it fills in the leader."
          {...bind('counterpartOfficeId')}
          onValue={chooseCounterpart}
        >
          <option value="">Not on Hotline (name the leader)</option>
          <Options items={offices.filter((o) => o.id !== me?.office.id)} />
        </BoundField>
        <BoundField label="Counterpart leader" {...bind('counterpartLeader')} />
        <BoundField
          label="Country"
          hint="ISO code, e.g. CA"
          {...bind('counterpartCountry')}
          maxLength={2}
          autoComplete="off"
        />
        <BoundField label={`Started (${zone})`} type="datetime-local" {...bind('start')} />
        <BoundField label={`Ended (${zone})`} type="datetime-local" {...bind('end')} />
        <BoundField label="Participants" hint="Comma-separated" {...bind('participants')} />
        <BoundField as="textarea" label="What is known" {...bind('summary')} />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary">
            Log the contact
          </button>
        </div>
      </form>
    </>
  );
}
