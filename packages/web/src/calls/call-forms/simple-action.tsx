import { useState } from 'react';
import { BoundField } from '../../components';
import type { Outcome } from '../form-errors';
import { Sub, useOutcome } from './shared';

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
