/**
 * The readout part of the call page's actions panel (issue 14, point 6): the draft form, the
 * release (approve, then publish after a preview of the public page), and, once published, the
 * link to the public page with the press office's correction and withdrawal forms.
 */
import type { CallDetail } from '@hotline/contract';
import { useState } from 'react';
import { get, post } from '../api';
import { BoundField } from '../components';
import type { ConfirmRequest } from '../confirm';
import { when } from '../time';
import type { Office } from '../types';
import type { Artifacts, Readout } from './artifacts';
import { ReadoutForm } from './call-forms/readout-form';
import { Sub, useOutcome } from './call-forms/shared';
import { binder, type FieldMap, type Outcome } from './form-errors';

export interface ReadoutSectionProps {
  call: CallDetail;
  art: Artifacts | null;
  hostOffice: Office | undefined;
  can: (action: string) => boolean;
  act: (fn: () => Promise<unknown>, done: string, form?: boolean) => Promise<Outcome>;
  ask: (r: ConfirmRequest) => Promise<boolean>;
  onError: (err: unknown) => void;
}

/**
 * The public page of a readout. The site lets browsers keep a page for a minute; the version in
 * the query makes the press office's own link show a correction or withdrawal at once.
 */
const publicHref = (r: Readout) => `/readouts/${encodeURIComponent(r.publicId ?? r.id)}?v=${r.version}`;

export function ReadoutSection({ call, art, hostOffice, can, act, ask, onError }: ReadoutSectionProps) {
  const path = `/api/v1/calls/${call.id}`;
  const readout = art?.readouts.at(-1);
  const hasFinalMemcon = !!art?.memcons.some((m) => m.status === 'final');
  const released = readout && (readout.status === 'published' || readout.status === 'withdrawn');
  return (
    <>
      {can('edit_readout') && (
        <ReadoutForm
          call={call}
          last={readout}
          onSubmit={(b) => act(() => post(`${path}/readouts`, b), 'Readout draft saved.', true)}
          onDraft={
            hasFinalMemcon
              ? async () => {
                  try {
                    return await get<{ title: string; bodyMd: string }>(`${path}/readouts/draft`);
                  } catch (err) {
                    onError(err);
                    return null;
                  }
                }
              : undefined
          }
        />
      )}
      {readout && released && (
        <PublishedReadout
          readout={readout}
          path={path}
          hostOffice={hostOffice}
          can={can}
          act={act}
          ask={ask}
        />
      )}
      {readout && !released && (can('approve_readout') || can('publish_readout')) && (
        <div className="subform">
          <h3>Release the readout</h3>
          <p className="meta" id="readout-release-hint">
            {readout.status === 'approved'
              ? `Readout v${readout.version} is approved${readout.approvedByName ? ` by ${readout.approvedByName}` : ''}. Publishing makes it public and adds it to the records log.`
              : `Readout v${readout.version} is a draft. Approve it first; saving a new version needs a new approval.`}
          </p>
          <ReadoutPreview readout={readout} call={call} hostOffice={hostOffice} />
          <p className="btn-row">
            {can('approve_readout') && readout.status === 'draft' && (
              <button
                type="button"
                className="btn btn-primary"
                aria-describedby="readout-release-hint"
                onClick={() =>
                  void act(() => post(`${path}/readouts/approve`), `Readout v${readout.version} approved.`)
                }
              >
                Approve the readout
              </button>
            )}
            {can('publish_readout') && readout.status === 'approved' && (
              <button
                type="button"
                className="btn btn-primary"
                aria-describedby="readout-release-hint readout-preview-h"
                onClick={async () => {
                  const ok = await ask({
                    title: 'Publish the readout',
                    body: `Readout v${readout.version}, as in the preview, goes on the public readouts site and its Atom feed, and its commitment is added to the public records log.`,
                    irreversible:
                      'the published text stays in the public records log for good; the press can later publish a correction (saying why) or withdraw it, but not unpublish it.',
                  });
                  if (ok) void act(() => post(`${path}/readouts/publish`), 'Readout published.');
                }}
              >
                Publish the readout
              </button>
            )}
          </p>
        </div>
      )}
    </>
  );
}

/**
 * The readout as its public page will show it (the same kicker, title, date line in the host
 * office's zone, participants and rendered text), dated as if published now.
 */
function ReadoutPreview({
  readout,
  call,
  hostOffice,
}: {
  readout: Readout;
  call: CallDetail;
  hostOffice: Office | undefined;
}) {
  const zone = hostOffice?.timeZone ?? 'UTC';
  return (
    <section className="readout-preview" aria-labelledby="readout-preview-h" data-testid="readout-preview">
      <h4 id="readout-preview-h">Preview: the public page, if published now</h4>
      <div className="readout-preview-page">
        <p className="meta">{hostOffice?.name ?? call.ownerOfficeName} · For immediate release</p>
        <p className="readout-preview-title">{readout.title}</p>
        <p className="meta">{when(new Date(), zone)}</p>
        <p className="meta">Participants: {call.participants.join(', ')}</p>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: server-rendered by markdown-it with html disabled and links restricted; see renderMarkdown. */}
        <div className="doc-rendered" dangerouslySetInnerHTML={{ __html: readout.html }} />
      </div>
    </section>
  );
}

const CORRECT_FIELDS: FieldMap = {
  title: { label: 'Corrected title', id: 'roc-title' },
  bodyMd: { label: 'Corrected text', id: 'roc-body' },
  reason: { label: 'Why it is corrected', id: 'roc-reason' },
};
const WITHDRAW_FIELDS: FieldMap = { reason: { label: 'Why it is withdrawn', id: 'row-reason' } };

/** A published (or withdrawn) readout: where it is public, and the press office's correction and withdrawal. */
function PublishedReadout({
  readout,
  path,
  hostOffice,
  can,
  act,
  ask,
}: {
  readout: Readout;
  path: string;
  hostOffice: Office | undefined;
  can: (action: string) => boolean;
  act: ReadoutSectionProps['act'];
  ask: ReadoutSectionProps['ask'];
}) {
  const withdrawn = readout.status === 'withdrawn';
  const zone = hostOffice?.timeZone;
  return (
    <>
      <p className="meta" data-testid="readout-public-state">
        {withdrawn
          ? `The readout was withdrawn ${when(readout.publishedAt, zone)}: ${readout.reason ?? ''}. Its public page is a tombstone: `
          : readout.reason
            ? `The readout is public, corrected ${when(readout.publishedAt, zone)} (v${readout.version}): `
            : `The readout is public since ${when(readout.publishedAt, zone)}: `}
        <a href={publicHref(readout)}>open the public readout</a>.
      </p>
      {!withdrawn && can('correct_readout') && <CorrectForm readout={readout} path={path} act={act} />}
      {!withdrawn && can('withdraw_readout') && (
        <WithdrawForm readout={readout} path={path} act={act} ask={ask} />
      )}
    </>
  );
}

function CorrectForm({
  readout,
  path,
  act,
}: {
  readout: Readout;
  path: string;
  act: ReadoutSectionProps['act'];
}) {
  const [f, setF] = useState({ title: readout.title, bodyMd: readout.bodyMd, reason: '' });
  const { errors, run } = useOutcome();
  const bind = binder(f, setF, errors, CORRECT_FIELDS);
  return (
    <Sub
      id="readout-correct"
      title="Correct the published readout"
      errors={errors}
      fields={CORRECT_FIELDS}
      onSubmit={(e) => {
        e.preventDefault();
        void run(act(() => post(`${path}/readouts/correct`, f), 'Correction published.', true)).then(
          (ok) => ok && setF((p) => ({ ...p, reason: '' })),
        );
      }}
    >
      <p className="meta">
        The correction is published at once as a new version, at the same public address. The public page says
        that it was corrected, when and why; the earlier text stays in the records log.
      </p>
      <BoundField label="Corrected title" {...bind('title')} />
      <BoundField as="textarea" label="Corrected text (Markdown)" rows={6} {...bind('bodyMd')} />
      <BoundField
        label="Why it is corrected"
        hint="Shown on the public page, e.g. “The date of the visit was wrong.”"
        required
        {...bind('reason')}
      />
      <button type="submit" className="btn btn-primary">
        Publish the correction
      </button>
    </Sub>
  );
}

function WithdrawForm({
  readout,
  path,
  act,
  ask,
}: {
  readout: Readout;
  path: string;
  act: ReadoutSectionProps['act'];
  ask: ReadoutSectionProps['ask'];
}) {
  const [f, setF] = useState({ reason: '' });
  const { errors, setErrors, run } = useOutcome();
  const bind = binder(f, setF, errors, WITHDRAW_FIELDS);
  return (
    <Sub
      id="readout-withdraw"
      title="Withdraw the published readout"
      errors={errors}
      fields={WITHDRAW_FIELDS}
      onSubmit={async (e) => {
        e.preventDefault();
        if (f.reason.trim().length < 3) {
          setErrors({ reason: 'Say why the readout is withdrawn (the public page shows it).' });
          return;
        }
        const ok = await ask({
          title: 'Withdraw the readout',
          body: `“${readout.title}” is taken off the public readouts site: its page keeps only the title, when it was withdrawn and why (“${f.reason.trim()}”).`,
          irreversible:
            'a withdrawn readout cannot be published or corrected again, and the withdrawal, like the text before it, stays in the public records log for good.',
          danger: true,
        });
        if (ok) void run(act(() => post(`${path}/readouts/withdraw`, f), 'Readout withdrawn.', true));
      }}
    >
      <BoundField label="Why it is withdrawn" hint="Shown on the public page." required {...bind('reason')} />
      <button type="submit" className="btn btn-danger">
        Withdraw the readout
      </button>
    </Sub>
  );
}
