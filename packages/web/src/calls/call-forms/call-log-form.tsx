import type { CallDetail } from '@hotline/contract';
import { useState } from 'react';
import { BoundField } from '../../components';
import type { FieldMap } from '../form-errors';
import { zonedToIso } from '../zoned';
import { Sub, type Submit, useOutcome } from './shared';

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
