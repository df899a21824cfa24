import type { CallDetail } from '@hotline/contract';
import { useState } from 'react';
import { BoundField } from '../../components';
import type { Readout } from '../artifacts';
import { binder, type FieldMap } from '../form-errors';
import { Sub, type Submit, useOutcome } from './shared';

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
