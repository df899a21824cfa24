import type { CallDetail, User } from '@hotline/contract';
import { type FormEvent, type ReactNode, useEffect, useState } from 'react';
import { get } from '../api';
import { BoundField, describedBy, FieldNotes } from '../components';
import type { Briefing, MemconDoc, Readout } from './artifacts';
import { binder, ErrorSummary, type FieldMap, groupListErrors, type Outcome } from './form-errors';
import { memconDateTimePlace } from './format';
import { isoToZoned, zonedToIso } from './zoned';

type Submit = (body: unknown) => Promise<Outcome>;

/** The field errors of a form, set from its submit's outcome and cleared on success. */
function useOutcome() {
  const [errors, setErrors] = useState<Record<string, string>>({});
  return {
    errors,
    setErrors,
    async run(p: Promise<Outcome>): Promise<boolean> {
      const r = await p;
      setErrors(r.ok ? {} : r.fields);
      return r.ok;
    },
  };
}

/** A form inside the actions panel: its title, the error summary, then its fields. */
export function Sub({
  id,
  title,
  errors,
  fields,
  children,
  onSubmit,
}: {
  id: string;
  title: string;
  errors: Record<string, string>;
  fields: FieldMap;
  children: ReactNode;
  onSubmit: (e: FormEvent) => void;
}) {
  return (
    <form className="subform" onSubmit={onSubmit} noValidate aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{title}</h3>
      <ErrorSummary id={`${id}-errors`} errors={errors} fields={fields} />
      {children}
    </form>
  );
}

/** A step with at most a reason: a button, or a button that opens a one-field form. */
export function SimpleAction({
  label,
  reason,
  danger,
  onRun,
}: {
  label: string;
  reason?: 'optional' | 'required' | undefined;
  danger: boolean;
  onRun: (reason?: string) => Promise<Outcome>;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const { errors, run } = useOutcome();
  if (!reason) {
    return (
      <button
        type="button"
        className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}
        onClick={() => void onRun()}
      >
        {label}
      </button>
    );
  }
  if (!open) {
    return (
      <button
        type="button"
        className={`btn ${danger ? 'btn-danger' : ''}`}
        aria-expanded={false}
        onClick={() => setOpen(true)}
      >
        {label}…
      </button>
    );
  }
  const id = `reason-${label.replace(/\W+/g, '-').toLowerCase()}`;
  const fieldLabel = `Reason${reason === 'required' ? ' (kept in the record)' : ' (optional)'}`;
  return (
    <Sub
      id={id}
      title={label}
      errors={errors}
      fields={{ reason: { label: 'Reason', id } }}
      onSubmit={(e) => {
        e.preventDefault();
        void run(onRun(text.trim() || undefined)).then((ok) => ok && setOpen(false));
      }}
    >
      <BoundField
        as="textarea"
        label={fieldLabel}
        id={id}
        error={errors.reason}
        value={text}
        onValue={setText}
        aria-required={reason === 'required'}
      />
      <div className="btn-row">
        <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}>
          {label}
        </button>
        <button type="button" className="btn" onClick={() => setOpen(false)}>
          Keep as is
        </button>
      </div>
    </Sub>
  );
}

const REVIEW_FIELDS: FieldMap = {
  recommendation: { label: 'Recommendation', id: 'rv-rec' },
  notes: { label: 'Notes', id: 'rv-notes' },
  risks: { label: 'Risks', id: 'rv-risks' },
  clearances: { label: 'Clearances', id: 'rv-clearance' },
};

export function ReviewForm({ call, onSubmit }: { call: CallDetail; onSubmit: Submit }) {
  const [f, setF] = useState({ recommendation: 'approve', notes: '', risks: '' });
  const [clearances, setClearances] = useState<string[]>([]);
  const [clearance, setClearance] = useState('');
  const { errors, setErrors } = useOutcome();
  const bind = binder(f, setF, errors, REVIEW_FIELDS);
  const { have, need } = call.approvals;
  const add = () => {
    const c = clearance.trim();
    if (c && !clearances.includes(c)) setClearances([...clearances, c]);
    setClearance('');
  };
  return (
    <Sub
      id="review"
      title="Review"
      errors={errors}
      fields={REVIEW_FIELDS}
      onSubmit={(e) => {
        e.preventDefault();
        // A clearance typed but not yet added is meant to be part of the review.
        const typed = clearance.trim();
        const all = typed && !clearances.includes(typed) ? [...clearances, typed] : clearances;
        void onSubmit({ ...f, clearances: all }).then((r) => {
          if (r.ok) {
            setClearances([]);
            setClearance('');
          } else setClearances(all);
          setErrors(r.ok ? {} : groupListErrors(r.fields, { clearances: 'Clearance' }));
        });
      }}
    >
      {need > 1 && (
        <p className="approvals" id="rv-approvals">
          {have} of {need} approvals: this {call.urgency} request needs approvals from {need} different
          reviewers.
        </p>
      )}
      <BoundField as="select" label="Recommendation" {...bind('recommendation')}>
        <option value="approve">Approve</option>
        <option value="defer">Defer (keep under review)</option>
        <option value="decline">Decline</option>
      </BoundField>
      <BoundField
        as="textarea"
        label="Notes"
        hint={f.recommendation === 'decline' ? 'Kept as the reason for declining.' : undefined}
        {...bind('notes')}
      />
      <BoundField as="textarea" label="Risks" {...bind('risks')} />
      <BoundField
        label="Cleared by (office or desk)"
        id="rv-clearance"
        error={errors.clearances}
        hint='Add each office that cleared the call, e.g. "Legal Adviser", "Regional desk (Europe)".'
        value={clearance}
        onValue={setClearance}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          }
        }}
      />
      <p className="btn-row">
        <button type="button" className="btn btn-small" onClick={add}>
          Add clearance
        </button>
      </p>
      {clearances.length > 0 && (
        <ul className="chips" aria-label="Clearances">
          {clearances.map((c) => (
            <li key={c}>
              {c}{' '}
              <button
                type="button"
                className="btn btn-small"
                aria-label={`Remove clearance ${c}`}
                onClick={() => setClearances(clearances.filter((x) => x !== c))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="submit" className="btn btn-primary">
        Record the review
      </button>
    </Sub>
  );
}

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

const BRIEFING_FIELDS: FieldMap = {
  backgroundMd: { label: 'Background', id: 'br-bg' },
  objectivesMd: { label: 'Objectives', id: 'br-obj' },
  talkingPointsMd: { label: 'Talking points', id: 'br-tp' },
};

export function BriefingForm({ last, onSubmit }: { last: Briefing | undefined; onSubmit: Submit }) {
  const [f, setF] = useState({
    backgroundMd: last?.backgroundMd ?? '',
    objectivesMd: last?.objectivesMd ?? '',
    talkingPointsMd: last?.talkingPointsMd ?? '',
  });
  const { errors, run } = useOutcome();
  const bind = binder(f, setF, errors, BRIEFING_FIELDS);
  return (
    <Sub
      id="briefing"
      title={`Briefing (call sheet)${last ? ` — editing v${last.version}` : ''}`}
      errors={errors}
      fields={BRIEFING_FIELDS}
      onSubmit={(e) => {
        e.preventDefault();
        void run(onSubmit(f));
      }}
    >
      <BoundField as="textarea" label="Background (Markdown)" {...bind('backgroundMd')} />
      <BoundField as="textarea" label="Objectives" {...bind('objectivesMd')} />
      <BoundField as="textarea" label="Talking points" {...bind('talkingPointsMd')} />
      <button type="submit" className="btn btn-primary">
        Save the briefing
      </button>
    </Sub>
  );
}

function paragraphsToText(p: MemconDoc['paragraphs']): string {
  return p.map((x) => `${x.speaker} | ${x.marking} | ${x.text}`).join('\n');
}

const MEMCON_FIELDS: FieldMap = {
  classification: { label: 'Classification', id: 'mc-class' },
  subject: { label: 'Subject', id: 'mc-subject' },
  participants: { label: 'Participants', id: 'mc-part' },
  notetakers: { label: 'Note-takers', id: 'mc-nt' },
  dateTimePlace: { label: 'Date, time and place', id: 'mc-dtp' },
  paragraphs: { label: 'Paragraphs', id: 'mc-paras' },
  distribution: { label: 'Distribution', id: 'mc-dist' },
  correctionReason: { label: 'Reason for the correction', id: 'mc-reason' },
};

export function MemconForm({
  call,
  last,
  correction,
  onSubmit,
}: {
  call: CallDetail;
  last: MemconDoc | undefined;
  correction: boolean;
  onSubmit: Submit;
}) {
  const [f, setF] = useState({
    classification: last?.classification ?? 'CONFIDENTIAL',
    subject: last?.subject ?? `Telephone Conversation with ${call.counterpartLeader}`,
    participants: (
      last?.participants ?? [call.principal?.name ?? 'The principal', call.counterpartLeader]
    ).join(', '),
    notetakers: (last?.notetakers ?? call.listeners.map((l) => l.name)).join(', '),
    dateTimePlace:
      last?.dateTimePlace ??
      memconDateTimePlace(call.actualStart, call.actualEnd, call.principal?.timeZone, call.channel),
    paragraphs: last ? paragraphsToText(last.paragraphs) : '',
    distribution: (last?.distribution ?? []).join(', '),
    correctionReason: '',
  });
  const { errors, setErrors } = useOutcome();
  const bind = binder(f, setF, errors, MEMCON_FIELDS);
  const split = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return (
    <Sub
      id="memcon"
      title={correction ? 'Correct the final memcon (a new version)' : 'Memorandum of conversation'}
      errors={errors}
      fields={MEMCON_FIELDS}
      onSubmit={(e) => {
        e.preventDefault();
        const paragraphs = f.paragraphs
          .split('\n')
          .filter((l) => l.trim())
          .map((l) => {
            const [speaker = '', marking = '', ...rest] = l.split('|').map((x) => x.trim());
            return { speaker, marking, text: rest.join(' | ') };
          });
        void onSubmit({
          classification: f.classification,
          subject: f.subject,
          participants: split(f.participants),
          notetakers: split(f.notetakers),
          dateTimePlace: f.dateTimePlace,
          paragraphs,
          distribution: split(f.distribution),
          ...(correction ? { correctionReason: f.correctionReason } : {}),
        }).then((r) =>
          setErrors(
            r.ok
              ? {}
              : groupListErrors(r.fields, {
                  paragraphs: 'Paragraph',
                  participants: 'Participant',
                  notetakers: 'Note-taker',
                  distribution: 'Distribution entry',
                }),
          ),
        );
      }}
    >
      <BoundField as="select" label="Classification" {...bind('classification')}>
        {['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'].map((c) => (
          <option key={c}>{c}</option>
        ))}
      </BoundField>
      <BoundField label="Subject" {...bind('subject')} />
      <BoundField label="Participants" hint="Comma-separated" {...bind('participants')} />
      <BoundField label="Note-takers" hint="Comma-separated" {...bind('notetakers')} />
      <BoundField label="Date, time and place" {...bind('dateTimePlace')} />
      <BoundField
        as="textarea"
        label="Paragraphs"
        hint="One per line: Speaker | (marking) | text — e.g. The President | (U) | Thanked the Prime Minister."
        rows={8}
        {...bind('paragraphs')}
      />
      <BoundField label="Distribution" hint="Comma-separated" {...bind('distribution')} />
      {correction && (
        <BoundField
          as="textarea"
          label="Reason for the correction"
          hint="Kept with the new version and shown in its history."
          {...bind('correctionReason')}
        />
      )}
      <p className="meta">This is not a verbatim transcript; it is built from notes.</p>
      <button type="submit" className="btn btn-primary">
        Save memcon version
      </button>
    </Sub>
  );
}

const READOUT_FIELDS: FieldMap = {
  title: { label: 'Title', id: 'ro-title' },
  bodyMd: { label: 'Text', id: 'ro-body' },
};

export function ReadoutForm({
  call,
  last,
  onSubmit,
  onDraft,
}: {
  call: CallDetail;
  last: Readout | undefined;
  onSubmit: Submit;
  /** Fetch a draft built from the final memcon's unclassified paragraphs, when the server offers one. */
  onDraft?: (() => Promise<{ title: string; bodyMd: string } | null>) | undefined;
}) {
  const [f, setF] = useState({
    title: last?.title ?? `Readout of the Call with ${call.counterpartLeader}`,
    bodyMd:
      last?.bodyMd ??
      `The principal spoke today with ${call.counterpartLeader}. The leaders discussed ${call.topics.join(', ').toLowerCase()}.\n\nThe leaders agreed to stay in close touch.`,
  });
  const [drafted, setDrafted] = useState(false);
  const { errors, run } = useOutcome();
  const bind = binder(f, setF, errors, READOUT_FIELDS);
  return (
    <Sub
      id="readout"
      title="Readout (public)"
      errors={errors}
      fields={READOUT_FIELDS}
      onSubmit={(e) => {
        e.preventDefault();
        void run(onSubmit(f)).then((ok) => ok && setDrafted(false));
      }}
    >
      {onDraft && (
        <p className="btn-row">
          <button
            type="button"
            className="btn"
            onClick={() =>
              void onDraft().then((d) => {
                if (!d) return;
                setF(d);
                setDrafted(true);
              })
            }
          >
            Draft from the memcon
          </button>
          {drafted && (
            <span className="meta" role="status">
              Drafted from the final memcon's unclassified paragraphs. Edit it into a public paraphrase, then
              save.
            </span>
          )}
        </p>
      )}
      <BoundField label="Title" {...bind('title')} />
      <BoundField
        as="textarea"
        label="Text (Markdown)"
        hint="A public paraphrase: never copy classified memcon text."
        rows={6}
        {...bind('bodyMd')}
      />
      <button type="submit" className="btn btn-primary">
        Save readout draft
      </button>
    </Sub>
  );
}

interface LogRow {
  key: number;
  name: string;
  kind: 'joined' | 'listened';
  at: string;
}

/**
 * The secretariat's record of who was on a secure-line call (the in-app room records its own):
 * one row per person, joined (spoke) or listened, with the time in the person's profile zone
 * (left empty: now while the call is in progress, else its start).
 */
export function CallLogForm({ call, zone, onSubmit }: { call: CallDetail; zone: string; onSubmit: Submit }) {
  const [rows, setRows] = useState<LogRow[]>([{ key: 0, name: '', kind: 'joined', at: '' }]);
  const [nextKey, setNextKey] = useState(1);
  const { errors, setErrors } = useOutcome();
  const known = [
    ...new Set(
      [
        call.principal?.name,
        call.counterpartPrincipal?.name,
        ...call.interpreters.map((i) => i.name),
        ...call.listeners.map((l) => l.name),
        ...call.participants,
      ].filter((x): x is string => !!x),
    ),
  ];
  const fields: FieldMap = { entries: { label: 'People', id: `cl-${rows[0]?.key}-name` } };
  rows.forEach((r, i) => {
    fields[`entries.${i}.name`] = { label: `Person ${i + 1}`, id: `cl-${r.key}-name` };
    fields[`entries.${i}.kind`] = { label: `Person ${i + 1}: on the call as`, id: `cl-${r.key}-kind` };
    fields[`entries.${i}.at`] = { label: `Person ${i + 1}: time`, id: `cl-${r.key}-at` };
  });
  const set = (key: number, patch: Partial<LogRow>) =>
    setRows(rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  return (
    <Sub
      id="call-log-form"
      title="Record who was on the line"
      errors={errors}
      fields={fields}
      onSubmit={(e) => {
        e.preventDefault();
        const local: Record<string, string> = {};
        const entries = rows.map((r, i) => {
          if (!r.at) return { name: r.name, kind: r.kind };
          const at = zonedToIso(r.at, zone);
          if (!at.ok) local[`entries.${i}.at`] = at.message;
          return { name: r.name, kind: r.kind, ...(at.ok ? { at: at.iso } : {}) };
        });
        if (Object.keys(local).length) {
          setErrors(local);
          return;
        }
        void onSubmit({ entries }).then((r) => {
          setErrors(r.ok ? {} : r.fields);
          if (r.ok) setRows([{ key: nextKey, name: '', kind: 'joined', at: '' }]);
          setNextKey(nextKey + 1);
        });
      }}
    >
      <p className="hint">
        A secure line is placed outside Hotline, so record here who spoke and who listened. Times are in your
        zone ({zone}); leave a time empty for {call.state === 'in_progress' ? 'now' : 'the start of the call'}
        .
      </p>
      {errors.entries && <p className="field-error">{errors.entries}</p>}
      <datalist id="cl-known">
        {known.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      {rows.map((r, i) => (
        <div className="call-log-form" key={r.key}>
          <BoundField
            label={`Person ${i + 1}`}
            id={`cl-${r.key}-name`}
            error={errors[`entries.${i}.name`]}
            list="cl-known"
            value={r.name}
            onValue={(name) => set(r.key, { name })}
          />
          <BoundField
            as="select"
            label="On the call as"
            id={`cl-${r.key}-kind`}
            error={errors[`entries.${i}.kind`]}
            value={r.kind}
            onValue={(kind) => set(r.key, { kind: kind as LogRow['kind'] })}
          >
            <option value="joined">Joined (spoke)</option>
            <option value="listened">Listened</option>
          </BoundField>
          <BoundField
            label={`Time (${zone}, optional)`}
            id={`cl-${r.key}-at`}
            error={errors[`entries.${i}.at`]}
            type="datetime-local"
            value={r.at}
            onValue={(at) => set(r.key, { at })}
          />
          {rows.length > 1 && (
            <button
              type="button"
              className="btn btn-small btn-danger"
              onClick={() => {
                setRows(rows.filter((x) => x.key !== r.key));
                setErrors({});
              }}
            >
              Remove person {i + 1}
            </button>
          )}
        </div>
      ))}
      <div className="btn-row">
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            setRows([...rows, { key: nextKey, name: '', kind: 'joined', at: '' }]);
            setNextKey(nextKey + 1);
          }}
        >
          Add another person
        </button>
      </div>
      <button type="submit" className="btn btn-primary">
        Record in the call log
      </button>
    </Sub>
  );
}
