import { useState } from 'react';
import { BoundField } from '../../components';
import type { Briefing } from '../artifacts';
import { binder, type FieldMap } from '../form-errors';
import { Sub, type Submit, useOutcome } from './shared';

const BRIEFING_FIELDS: FieldMap = {
  backgroundMd: { label: 'Background', id: 'br-bg' },
  objectivesMd: { label: 'Objectives', id: 'br-obj' },
  talkingPointsMd: { label: 'Talking points', id: 'br-tp' },
};

/** `own`: the counterpart office's own briefing (the host office never sees it). */
export function BriefingForm({
  last,
  own = false,
  onSubmit,
}: {
  last: Briefing | undefined;
  own?: boolean;
  onSubmit: Submit;
}) {
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
      title={`${own ? "Our office's own briefing" : 'Briefing (call sheet)'}${last ? ` — editing v${last.version}` : ''}`}
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
