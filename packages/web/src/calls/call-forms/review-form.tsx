import type { CallDetail } from '@hotline/contract';
import { useState } from 'react';
import { BoundField } from '../../components';
import { useConfirm } from '../../confirm';
import { binder, type FieldMap, groupListErrors } from '../form-errors';
import { Sub, type Submit, useOutcome } from './shared';

const REVIEW_FIELDS: FieldMap = {
  recommendation: { label: 'Recommendation', id: 'rv-rec' },
  notes: { label: 'Notes', id: 'rv-notes' },
  risks: { label: 'Risks', id: 'rv-risks' },
  clearances: { label: 'Clearances', id: 'rv-clearance' },
};

export function ReviewForm({ call, onSubmit }: { call: CallDetail; onSubmit: Submit }) {
  const [f, setF] = useState({ recommendation: '', notes: '', risks: '' });
  const [confirmDialog, ask] = useConfirm();
  const [clearances, setClearances] = useState<string[]>([]);
  const [clearance, setClearance] = useState('');
  const { errors, setErrors } = useOutcome();
  const bind = binder(f, setF, errors, REVIEW_FIELDS);
  // Only the host office reviews, and only it is sent the approvals.
  const { have, need } = call.approvals ?? { have: 0, need: 1 };
  const add = () => {
    const c = clearance.trim();
    if (c && !clearances.includes(c)) setClearances([...clearances, c]);
    setClearance('');
  };
  return (
    <>
      {confirmDialog}
      <Sub
        id="review"
        title="Review"
        errors={errors}
        fields={REVIEW_FIELDS}
        onSubmit={async (e) => {
          e.preventDefault();
          // A clearance typed but not yet added is meant to be part of the review.
          const typed = clearance.trim();
          const all = typed && !clearances.includes(typed) ? [...clearances, typed] : clearances;
          // With a decision chosen, the review asks first: it is recorded for good.
          if (f.recommendation) {
            const effect =
              f.recommendation === 'approve'
                ? have + 1 >= need
                  ? 'Your approval is recorded and the call is approved: the secretariat can schedule it.'
                  : `Your approval is recorded (${have + 1} of ${need}); the call stays under review until another reviewer approves.`
                : f.recommendation === 'decline'
                  ? 'The request is declined with your notes as the reason; the requesting office is told.'
                  : 'Your deferral is recorded; the call stays under review.';
            const ok = await ask({
              title: 'Record the review',
              body: effect,
              irreversible:
                'a review is kept in the call record and the records log; it is not edited or removed.',
              danger: f.recommendation === 'decline',
            });
            if (!ok) return;
          }
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
          <option value="" disabled>
            Choose a recommendation…
          </option>
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
    </>
  );
}
