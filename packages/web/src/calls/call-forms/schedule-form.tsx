import type { CallDetail, User } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { BoundField, describedBy, FieldNotes } from '../../components';
import { binder, type FieldMap } from '../form-errors';
import { isoToZoned, zonedToIso } from '../zoned';
import { Sub, type Submit, useOutcome } from './shared';

const SCHEDULE_FIELDS = (zone: string): FieldMap => ({
  start: { label: `Start (${zone})`, id: 'sc-start' },
  durationMin: { label: 'Duration (minutes)', id: 'sc-duration' },
  channel: { label: 'Channel', id: 'sc-channel' },
  principalId: { label: 'Our principal', id: 'sc-principal' },
  counterpartPrincipalId: { label: 'Counterpart principal', id: 'sc-cp' },
  interpreterIds: { label: 'Interpreters', id: 'sc-interpreters' },
  listenerIds: { label: 'Listeners', id: 'sc-listeners' },
});

/** Checkboxes for a list of people; the fieldset gets the error and its description. */
function PeopleChecklist({
  id,
  legend,
  people,
  chosen,
  error,
  hint,
  wide,
  onChange,
}: {
  id: string;
  /** A long list: the whole row, in columns. */
  wide?: boolean;
  legend: string;
  people: { id: string; label: string }[];
  chosen: string[];
  error?: string | undefined;
  hint?: string;
  onChange: (ids: string[]) => void;
}) {
  return (
    <fieldset
      className={`roles${wide ? ' roles-wide' : ''}${error ? ' field-invalid' : ''}`}
      aria-describedby={describedBy(id, hint, error)}
    >
      <legend>{legend}</legend>
      <FieldNotes id={id} label={legend} hint={hint} error={error} />
      {people.length === 0 && <p className="meta">Nobody to choose.</p>}
      {people.map((p, i) => (
        <label key={p.id} className="check">
          <input
            type="checkbox"
            id={i === 0 ? id : undefined}
            checked={chosen.includes(p.id)}
            onChange={(e) =>
              onChange(e.target.checked ? [...chosen, p.id] : chosen.filter((x) => x !== p.id))
            }
          />
          {p.label}
        </label>
      ))}
    </fieldset>
  );
}

/** One <option> per principal among the users. */
function PrincipalOptions({ users }: { users: User[] }) {
  return (
    <>
      {users
        .filter((u) => u.roles.includes('principal'))
        .map((u) => (
          <option key={u.id} value={u.id}>
            {u.displayName}
          </option>
        ))}
    </>
  );
}

export function ScheduleForm({ call, zone, onSubmit }: { call: CallDetail; zone: string; onSubmit: Submit }) {
  const [users, setUsers] = useState<User[]>([]);
  const [counterparts, setCounterparts] = useState<User[]>([]);
  const [f, setF] = useState({
    start: call.scheduledStart ? isoToZoned(call.scheduledStart, zone) : '',
    durationMin: String(call.durationMin ?? 30),
    channel: call.channel === 'secure_line' ? 'secure_line' : 'hotline',
    principalId: call.principal?.id ?? '',
    counterpartPrincipalId: call.counterpartPrincipal?.id ?? '',
    interpreterIds: call.interpreters.map((i) => i.id),
    listenerIds: call.listeners.map((l) => l.id),
  });
  const { errors, setErrors, run } = useOutcome();
  useEffect(() => {
    void get<User[]>(`/api/v1/users?officeId=${call.ownerOfficeId}`).then((u) => {
      setUsers(u);
      setF((x) => ({
        ...x,
        principalId: x.principalId || (u.find((p) => p.roles.includes('principal'))?.id ?? ''),
      }));
    });
    if (call.counterpartOfficeId)
      void get<User[]>(`/api/v1/users?officeId=${call.counterpartOfficeId}`).then(setCounterparts);
  }, [call.ownerOfficeId, call.counterpartOfficeId]);
  const fields = SCHEDULE_FIELDS(zone);
  const bind = binder(f, setF, errors, fields);
  const proposed = call.proposedWindows.map((w) => {
    const s = zonedToIso(w.start, call.requesterZone);
    const e = zonedToIso(w.end, call.requesterZone);
    return s.ok && e.ok
      ? `${isoToZoned(s.iso, zone).replace('T', ' ')} to ${isoToZoned(e.iso, zone).replace('T', ' ')}`
      : `${w.start.replace('T', ' ')} to ${w.end.replace('T', ' ')} (${call.requesterZone})`;
  });
  const active = (u: User) => u.status !== 'disabled';
  // Anyone of either office who works on calls may interpret; principals speak for themselves.
  const interpreters = [...users, ...counterparts]
    .filter(
      (u) =>
        active(u) && !u.roles.includes('principal') && u.roles.some((r) => !['admin', 'records'].includes(r)),
    )
    .map((u) => ({
      id: u.id,
      label: `${u.displayName} (${u.officeId === call.ownerOfficeId ? 'our office' : 'counterpart office'})`,
    }));
  const title = call.state === 'approved' ? 'Schedule' : 'Reschedule';
  return (
    <Sub
      id="schedule"
      title={title}
      errors={errors}
      fields={fields}
      onSubmit={(e) => {
        e.preventDefault();
        const start = zonedToIso(f.start, zone);
        if (!start.ok) {
          setErrors({ start: start.message });
          return;
        }
        void run(
          onSubmit({
            start: start.iso,
            durationMin: Number(f.durationMin),
            channel: f.channel,
            principalId: f.principalId,
            ...(f.counterpartPrincipalId ? { counterpartPrincipalId: f.counterpartPrincipalId } : {}),
            interpreterIds: f.interpreterIds,
            listenerIds: f.listenerIds,
            expectedVersion: call.version,
          }),
        );
      }}
    >
      <BoundField
        label={fields.start!.label}
        hint={proposed.length ? `Proposed (your time): ${proposed.join('; ')}.` : undefined}
        type="datetime-local"
        {...bind('start')}
      />
      <BoundField label="Duration (minutes)" type="number" min={5} max={240} {...bind('durationMin')} />
      <BoundField as="select" label="Channel" {...bind('channel')}>
        <option value="hotline">Hotline (in-app secure call)</option>
        <option value="secure_line">Secure line (placed by the secretariat)</option>
      </BoundField>
      <BoundField as="select" label="Our principal" {...bind('principalId')}>
        <PrincipalOptions users={users} />
      </BoundField>
      {counterparts.length > 0 && (
        <BoundField as="select" label="Counterpart principal" {...bind('counterpartPrincipalId')}>
          <option value="">—</option>
          <PrincipalOptions users={counterparts} />
        </BoundField>
      )}
      <div className="checklists">
        <PeopleChecklist
          id="sc-listeners"
          legend="Listeners (note-takers)"
          people={users
            .filter((u) => active(u) && u.roles.includes('notetaker'))
            .map((u) => ({ id: u.id, label: u.displayName }))}
          chosen={f.listenerIds}
          error={errors.listenerIds}
          onChange={(listenerIds) => setF({ ...f, listenerIds })}
        />
        <PeopleChecklist
          id="sc-interpreters"
          legend="Interpreters"
          hint="From either office; they hear and speak on the call."
          people={interpreters}
          wide={interpreters.length > 6}
          chosen={f.interpreterIds}
          error={errors.interpreterIds}
          onChange={(interpreterIds) => setF({ ...f, interpreterIds })}
        />
      </div>
      <button type="submit" className="btn btn-primary">
        {call.state === 'approved' ? 'Schedule the call' : 'Reschedule'}
      </button>
    </Sub>
  );
}
