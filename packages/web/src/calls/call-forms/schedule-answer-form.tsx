import type { CallDetail } from '@hotline/contract';
import { useState } from 'react';
import { BoundField } from '../../components';
import { when } from '../../time';
import { binder, type FieldMap } from '../form-errors';
import { isoToZoned, zonedToIso } from '../zoned';
import { Sub, type Submit, useOutcome } from './shared';

const FIELDS = (zone: string): FieldMap => ({
  answer: { label: 'Your answer', id: 'sa-answer' },
  proposedStart: { label: `Another start (${zone})`, id: 'sa-start' },
  note: { label: 'Note to the host office', id: 'sa-note' },
});

/** The counterpart office's answers to the scheduled time, as both offices see them. */
export function ScheduleAnswers({ call, zone }: { call: CallDetail; zone: string }) {
  if (call.scheduleAnswers.length === 0) return null;
  return (
    <ul className="plain schedule-answers" aria-label="Answers to the scheduled time">
      {call.scheduleAnswers.map((a) => (
        <li key={a.at}>
          <strong>
            {a.answer === 'accepted'
              ? `${a.officeName} accepted the time`
              : `${a.officeName} proposed ${when(a.proposedStart, zone)}`}
          </strong>{' '}
          ({a.by}, {when(a.at, zone)}){a.note ? `: “${a.note}”` : ''}
          {a.scheduleSequence !== call.scheduleSequence && (
            <span className="meta"> · answered an earlier time (revision {a.scheduleSequence})</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/** For the counterpart office: accept the time the host scheduled, or propose another. */
export function ScheduleAnswerForm({
  call,
  zone,
  onSubmit,
}: {
  call: CallDetail;
  zone: string;
  onSubmit: Submit;
}) {
  const [f, setF] = useState({
    answer: '',
    proposedStart: call.scheduledStart ? isoToZoned(call.scheduledStart, zone) : '',
    note: '',
  });
  const { errors, setErrors, run } = useOutcome();
  const fields = FIELDS(zone);
  const bind = binder(f, setF, errors, fields);
  return (
    <Sub
      id="schedule-answer"
      title="Answer the scheduled time"
      errors={errors}
      fields={fields}
      onSubmit={(e) => {
        e.preventDefault();
        if (f.answer !== 'accepted' && f.answer !== 'proposed') {
          setErrors({ answer: 'Choose: accept the time, or propose another.' });
          return;
        }
        let proposedStart: string | undefined;
        if (f.answer === 'proposed') {
          const s = zonedToIso(f.proposedStart, zone);
          if (!s.ok) {
            setErrors({ proposedStart: s.message });
            return;
          }
          proposedStart = s.iso;
        }
        void run(
          onSubmit({
            answer: f.answer,
            ...(proposedStart ? { proposedStart } : {}),
            note: f.note,
            expectedVersion: call.version,
          }),
        );
      }}
    >
      <p className="meta">
        {call.ownerOfficeName} scheduled the call for {when(call.scheduledStart, zone)}.
      </p>
      <BoundField as="select" label="Your answer" {...bind('answer')}>
        <option value="">Choose…</option>
        <option value="accepted">Accept this time</option>
        <option value="proposed">Propose another time</option>
      </BoundField>
      {f.answer === 'proposed' && (
        <BoundField label={fields.proposedStart!.label} type="datetime-local" {...bind('proposedStart')} />
      )}
      <BoundField as="textarea" label="Note to the host office" {...bind('note')} />
      <button type="submit" className="btn btn-primary">
        Send the answer
      </button>
    </Sub>
  );
}
