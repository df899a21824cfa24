import type { CallDetail } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get } from '../../api';
import { BoundField } from '../../components';
import { useSession } from '../../session';
import type { MemconDoc } from '../artifacts';
import { binder, type FieldMap, groupListErrors } from '../form-errors';
import { memconDateTimePlace } from '../format';
import { notesToParagraphs } from '../notes-pad';
import { Sub, type Submit, useOutcome } from './shared';

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
  own = false,
  onSubmit,
}: {
  call: CallDetail;
  /** The counterpart office's own memcon of the call (the host office never sees it). */
  own?: boolean;
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
  const { me } = useSession();
  // A first draft starts from the listener's own notes pad.
  const listener = !!me && call.listeners.some((l) => l.id === me.user.id);
  useEffect(() => {
    if (last || !listener) return;
    let live = true;
    get<{ body: string }>(`/api/v1/calls/${call.id}/notes`).then(
      (n) =>
        live &&
        n.body.trim() &&
        setF((x) => (x.paragraphs ? x : { ...x, paragraphs: notesToParagraphs(n.body, '(C)') })),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [call.id, last, listener]);
  const bind = binder(f, setF, errors, MEMCON_FIELDS);
  const split = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return (
    <Sub
      id="memcon"
      title={`${correction ? 'Correct the final memcon (a new version)' : 'Memorandum of conversation'}${own ? " — our office's own record" : ''}`}
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
