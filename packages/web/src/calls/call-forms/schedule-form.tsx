import type { CallDetail, User } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { BoundField, describedBy, FieldNotes } from '../../components';
import { span, when } from '../../time';
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

/** The proposed windows as instants (the requester wrote them in their own zone). */
function proposedWindows(call: CallDetail): { start: string; end: string }[] {
  return call.proposedWindows.flatMap((w) => {
    const s = zonedToIso(w.start, call.requesterZone);
    const e = zonedToIso(w.end, call.requesterZone);
    return s.ok && e.ok ? [{ start: s.iso, end: e.iso }] : [];
  });
}

export function ScheduleForm({
  call,
  zone,
  counterpartZone,
  onSubmit,
}: {
  call: CallDetail;
  zone: string;
  /** The counterpart side's zone (its office's), when the call has one. */
  counterpartZone?: string | undefined;
  onSubmit: Submit;
}) {
  const [users, setUsers] = useState<User[]>([]);
  const [counterparts, setCounterparts] = useState<User[]>([]);
  const windows = proposedWindows(call);
  const [f, setF] = useState({
    // Start from what is known: the scheduled time, else the first proposed window.
    start: call.scheduledStart
      ? isoToZoned(call.scheduledStart, zone)
      : windows[0]
        ? isoToZoned(windows[0].start, zone)
        : '',
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
      void get<User[]>(`/api/v1/users?officeId=${call.counterpartOfficeId}`).then((u) => {
        setCounterparts(u);
        setF((x) => ({
          ...x,
          counterpartPrincipalId:
            x.counterpartPrincipalId || (u.find((p) => p.roles.includes('principal'))?.id ?? ''),
        }));
      });
  }, [call.ownerOfficeId, call.counterpartOfficeId]);
  const fields = SCHEDULE_FIELDS(zone);
  const bind = binder(f, setF, errors, fields);
  const proposed = windows.map((w) => span(w.start, w.end, zone));
  const picked = zonedToIso(f.start, zone);
  // The other side's time for the start being picked: its principal's zone, else its office's,
  // else the requester's when the request came from the other side.
  const cpPrincipal = counterparts.find((u) => u.id === f.counterpartPrincipalId);
  const otherZone =
    cpPrincipal?.timeZone ??
    counterpartZone ??
    (call.requestingOfficeId !== call.ownerOfficeId ? call.requesterZone : undefined);
  const otherName = cpPrincipal?.displayName ?? call.counterpartLeader;
  const outside =
    picked.ok &&
    windows.length > 0 &&
    !windows.some((w) => picked.iso >= w.start && picked.iso < w.end) &&
    !(call.scheduledStart && picked.iso === new Date(call.scheduledStart).toISOString());
  const active = (u: User) => u.status !== 'disabled';
  // People marked as interpreters, of either office; principals speak for themselves.
  const interpreters = [...users, ...counterparts]
    .filter((u) => active(u) && u.interpreter && !u.roles.includes('principal'))
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
      <div aria-live="polite" className="schedule-notes">
        {picked.ok && otherZone && otherZone !== zone && (
          <p className="meta" data-testid="counterpart-time">
            For {otherName}: {when(picked.iso, otherZone)}.
          </p>
        )}
        {outside && (
          <p className="alert alert-warn" data-testid="outside-windows">
            This start is outside the proposed windows ({proposed.join('; ')}). The other office may not be
            free then.
          </p>
        )}
      </div>
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
          hint="People marked as interpreters, from either office; they hear and speak on the call."
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
