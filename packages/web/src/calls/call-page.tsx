import type { CallDetail, User } from '@hotline/contract';
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from 'react';
import { fieldErrors, get, post, put } from '../api';
import { Alert, Field, Loading, PageHeader } from '../components';
import { CallRoom } from '../rtc/CallRoom';
import { useSession } from '../session';
import { lineDiff, StateBadge, when } from './format';
import { Timeline } from './timeline';

interface Artifacts {
  briefings: {
    version: number;
    background_md: string;
    objectives_md: string;
    talking_points_md: string;
    html: string;
    approved_at: string | null;
  }[];
  memcons: {
    version: number;
    status: string;
    classification: string;
    document: MemconDoc;
    created_at: string;
  }[];
  readouts: { version: number; status: string; title: string; body_md: string; html: string }[];
}
interface MemconDoc {
  classification: string;
  subject: string;
  participants: string[];
  notetakers: string[];
  dateTimePlace: string;
  paragraphs: { speaker: string; marking: string; text: string }[];
  distribution: string[];
}

const SIMPLE: Record<string, { label: string; reason?: 'optional' | 'required'; danger?: boolean }> = {
  begin_review: { label: 'Begin review' },
  withdraw: { label: 'Withdraw the request', reason: 'optional', danger: true },
  cancel: { label: 'Cancel the call', reason: 'optional', danger: true },
  connect: { label: 'Connect the call' },
  end: { label: 'End the call' },
  finalize_memcon: { label: 'Finalize the memcon' },
  close: { label: 'Close the call' },
};

export function CallPage({ id }: { id: string }) {
  const { me } = useSession();
  const [call, setCall] = useState<CallDetail | null>(null);
  const [art, setArt] = useState<Artifacts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setCall(await get<CallDetail>(`/api/v1/calls/${id}`));
      setArt(await get<Artifacts>(`/api/v1/calls/${id}/artifacts`));
    } catch (err) {
      setError(err);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);

  async function act(fn: () => Promise<unknown>, done: string) {
    setError(null);
    setNotice(null);
    try {
      const r = await fn();
      const warnings = (r as { warnings?: string[] } | undefined)?.warnings ?? [];
      setNotice([done, ...warnings].join(' '));
      await load();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  }

  if (!call || !me) return error ? <Alert error={error} /> : <Loading what="Loading the call" />;
  const zone = me.user.timeZone;
  const can = (a: string) => call.allowedActions.includes(a);
  const participant = [
    call.principal?.id,
    call.counterpartPrincipal?.id,
    ...call.listeners.map((l) => l.id),
    ...call.interpreters.map((i) => i.id),
  ].includes(me.user.id);

  return (
    <>
      <PageHeader title={`Call with ${call.counterpartLeader}`}>
        <div>
          <StateBadge state={call.state} /> <span className="state">{call.urgency}</span>
          {call.channel && (
            <span className={`state ${call.channel === 'off_channel' ? 'state-alarm' : ''}`}>
              {call.channel.replace('_', ' ')}
            </span>
          )}
        </div>
      </PageHeader>
      <Alert error={error} />
      <Alert error={notice} kind="success" />
      {call.overdue.map((o) => (
        <div key={o} className="alert alert-error" role="alert">
          The {o} is overdue (due {when(o === 'memcon' ? call.memconDueAt : call.readoutDueAt, zone)}).
        </div>
      ))}
      {call.clashes.map((c) => (
        <div key={c.callId} className="alert alert-warn">
          Clash: the principal also has a call with {c.counterpartLeader} at {when(c.start, zone)}.
        </div>
      ))}
      <div className="call-grid">
        <section className="panel" aria-labelledby="facts">
          <h2 id="facts">The call</h2>
          <dl className="facts">
            <dt>Host office</dt>
            <dd>{call.ownerOfficeName}</dd>
            <dt>Requested by</dt>
            <dd>{call.requestedBy.name}</dd>
            <dt>Purpose</dt>
            <dd>{call.purpose}</dd>
            <dt>Topics</dt>
            <dd>{call.topics.join(', ')}</dd>
            <dt>Language</dt>
            <dd>{call.language}</dd>
            <dt>Proposed</dt>
            <dd>
              {call.proposedWindows
                .map((w) => `${w.start.replace('T', ' ')}–${w.end.slice(11)}`)
                .join('; ') || '—'}{' '}
              ({call.requesterZone})
            </dd>
            <dt>Scheduled</dt>
            <dd>
              {call.scheduledStart ? (
                <ul className="plain">
                  {call.localTimes.map((l) => (
                    <li key={l.zone}>
                      {l.text} — {l.who}
                    </li>
                  ))}
                </ul>
              ) : (
                'Not yet'
              )}
            </dd>
            <dt>Principals</dt>
            <dd>
              {[call.principal?.name, call.counterpartPrincipal?.name].filter(Boolean).join(' · ') || '—'}
            </dd>
            <dt>Listeners</dt>
            <dd>{call.listeners.map((l) => l.name).join(', ') || '—'}</dd>
            {call.waiveReason && (
              <>
                <dt>Readout waived</dt>
                <dd>{call.waiveReason}</dd>
              </>
            )}
          </dl>
          {call.scheduledStart && (participant || me.user.roles.includes('secretariat')) && (
            <p>
              <a className="btn" href={`/api/v1/calls/${call.id}/invite.ics`} download>
                Download calendar invitation (.ics)
              </a>{' '}
              <span className="meta">Revision {call.scheduleSequence}; it names no topics.</span>
            </p>
          )}
        </section>
        <section className="panel" aria-labelledby="actions">
          <h2 id="actions">What you can do</h2>
          {call.allowedActions.length === 0 && <p className="meta">Nothing for your role in this state.</p>}
          <div className="btn-row">
            {Object.entries(SIMPLE)
              .filter(([a]) => can(a))
              .map(([a, s]) => (
                <SimpleAction
                  key={a}
                  label={s.label}
                  danger={!!s.danger}
                  reason={s.reason}
                  onRun={(reason) =>
                    act(
                      () =>
                        post(`/api/v1/calls/${call.id}/transitions`, {
                          action: a,
                          reason,
                          expectedVersion: call.version,
                        }),
                      `${s.label}: done.`,
                    )
                  }
                />
              ))}
          </div>
          {(can('recommend') || can('approve') || (can('decline') && call.state === 'requested')) && (
            <ReviewForm
              onSubmit={(b) => act(() => post(`/api/v1/calls/${call.id}/reviews`, b), 'Review recorded.')}
            />
          )}
          {(can('schedule') || can('reschedule')) && (
            <ScheduleForm
              call={call}
              onSubmit={(b) => act(() => put(`/api/v1/calls/${call.id}/schedule`, b), 'Scheduled.')}
            />
          )}
          {can('edit_briefing') && (
            <BriefingForm
              last={art?.briefings.at(-1)}
              onSubmit={(b) =>
                act(() => post(`/api/v1/calls/${call.id}/briefings`, b), 'Briefing saved as a new version.')
              }
            />
          )}
          {can('brief') && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() =>
                void act(() => post(`/api/v1/calls/${call.id}/briefings/approve`), 'Briefing approved.')
              }
            >
              Approve the briefing
            </button>
          )}
          {(can('draft_memcon') || can('edit_memcon') || can('correct_memcon')) && (
            <MemconForm
              call={call}
              last={art?.memcons.at(-1)?.document}
              correction={can('correct_memcon')}
              onSubmit={(b) =>
                act(() => post(`/api/v1/calls/${call.id}/memcons`, b), 'Memcon saved as a new version.')
              }
            />
          )}
          {can('edit_readout') && (
            <ReadoutForm
              call={call}
              last={art?.readouts.at(-1)}
              onSubmit={(b) =>
                act(() => post(`/api/v1/calls/${call.id}/readouts`, b), 'Readout draft saved.')
              }
            />
          )}
          {can('publish_readout') && (art?.readouts.length ?? 0) > 0 && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() =>
                void act(() => post(`/api/v1/calls/${call.id}/readouts/publish`), 'Readout published.')
              }
            >
              Approve and publish the readout
            </button>
          )}
          {can('waive_readout') && (
            <SimpleAction
              label="Waive the readout"
              reason="required"
              danger
              onRun={(reason) =>
                act(
                  () => post(`/api/v1/calls/${call.id}/transitions`, { action: 'waive_readout', reason }),
                  'Readout waived.',
                )
              }
            />
          )}
        </section>
      </div>
      {call.channel === 'hotline' &&
        ['scheduled', 'briefed', 'in_progress'].includes(call.state) &&
        participant && (
          <section className="panel" aria-labelledby="room">
            <h2 id="room">Secure call room</h2>
            <CallRoom callId={call.id} me={{ userId: me.user.id, displayName: me.user.displayName }} />
          </section>
        )}
      <section className="panel" aria-labelledby="story">
        <h2 id="story">Story of the call</h2>
        <Timeline items={call.timeline} zone={zone} />
      </section>
      {art && <ArtifactsView art={art} />}
      {call.reviews.length > 0 && (
        <section className="panel" aria-labelledby="reviews">
          <h2 id="reviews">Reviews</h2>
          <ul className="plain">
            {call.reviews.map((r) => (
              <li key={r.at}>
                <strong>{r.reviewer}</strong>: {r.recommendation} — {r.notes}{' '}
                {r.risks && <em>Risks: {r.risks}</em>}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

function SimpleAction({
  label,
  reason,
  danger,
  onRun,
}: {
  label: string;
  reason?: 'optional' | 'required' | undefined;
  danger: boolean;
  onRun: (reason?: string) => Promise<boolean>;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
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
      <button type="button" className={`btn ${danger ? 'btn-danger' : ''}`} onClick={() => setOpen(true)}>
        {label}…
      </button>
    );
  }
  const id = `reason-${label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <form
      className="subform"
      onSubmit={(e) => {
        e.preventDefault();
        void onRun(text || undefined).then((ok) => ok && setOpen(false));
      }}
    >
      <Field label={`Reason${reason === 'required' ? ' (kept in the record)' : ' (optional)'}`} id={id}>
        <textarea
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          required={reason === 'required'}
        />
      </Field>
      <button type="submit" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`}>
        {label}
      </button>
    </form>
  );
}

function Sub({
  title,
  children,
  onSubmit,
}: {
  title: string;
  children: ReactNode;
  onSubmit: (e: FormEvent) => void;
}) {
  return (
    <form className="subform" onSubmit={onSubmit} noValidate aria-label={title}>
      <h3>{title}</h3>
      {children}
    </form>
  );
}

function ReviewForm({ onSubmit }: { onSubmit: (b: unknown) => Promise<boolean> }) {
  const [f, setF] = useState({ recommendation: 'approve', notes: '', risks: '' });
  return (
    <Sub
      title="Review"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(f);
      }}
    >
      <Field label="Recommendation" id="rv-rec">
        <select
          id="rv-rec"
          value={f.recommendation}
          onChange={(e) => setF({ ...f, recommendation: e.target.value })}
        >
          <option value="approve">Approve</option>
          <option value="defer">Defer (keep under review)</option>
          <option value="decline">Decline</option>
        </select>
      </Field>
      <Field label="Notes" id="rv-notes">
        <textarea id="rv-notes" value={f.notes} onChange={(e) => setF({ ...f, notes: e.target.value })} />
      </Field>
      <Field label="Risks" id="rv-risks">
        <textarea id="rv-risks" value={f.risks} onChange={(e) => setF({ ...f, risks: e.target.value })} />
      </Field>
      <button type="submit" className="btn btn-primary">
        Record the review
      </button>
    </Sub>
  );
}

function ScheduleForm({ call, onSubmit }: { call: CallDetail; onSubmit: (b: unknown) => Promise<boolean> }) {
  const [users, setUsers] = useState<User[]>([]);
  const [counterparts, setCounterparts] = useState<User[]>([]);
  const [f, setF] = useState({
    start: '',
    durationMin: '30',
    channel: 'hotline',
    principalId: call.principal?.id ?? '',
    counterpartPrincipalId: call.counterpartPrincipal?.id ?? '',
    listenerIds: call.listeners.map((l) => l.id),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
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
  return (
    <Sub
      title={call.state === 'approved' ? 'Schedule' : 'Reschedule'}
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        void onSubmit({
          start: f.start ? new Date(f.start).toISOString() : '',
          durationMin: Number(f.durationMin),
          channel: f.channel,
          principalId: f.principalId,
          ...(f.counterpartPrincipalId ? { counterpartPrincipalId: f.counterpartPrincipalId } : {}),
          listenerIds: f.listenerIds,
        }).catch((err: unknown) => setErrors(fieldErrors(err)));
      }}
    >
      <Field
        label={`Start (your browser's time, ${Intl.DateTimeFormat().resolvedOptions().timeZone})`}
        id="sc-start"
        error={errors.start}
      >
        <input
          id="sc-start"
          type="datetime-local"
          value={f.start}
          onChange={(e) => setF({ ...f, start: e.target.value })}
        />
      </Field>
      <Field label="Duration (minutes)" id="sc-duration">
        <input
          id="sc-duration"
          type="number"
          min={5}
          max={240}
          value={f.durationMin}
          onChange={(e) => setF({ ...f, durationMin: e.target.value })}
        />
      </Field>
      <Field label="Channel" id="sc-channel">
        <select id="sc-channel" value={f.channel} onChange={(e) => setF({ ...f, channel: e.target.value })}>
          <option value="hotline">Hotline (secure in-app call)</option>
          <option value="secure_line">External secure line</option>
        </select>
      </Field>
      <Field label="Our principal" id="sc-principal">
        <select
          id="sc-principal"
          value={f.principalId}
          onChange={(e) => setF({ ...f, principalId: e.target.value })}
        >
          {users
            .filter((u) => u.roles.includes('principal'))
            .map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
        </select>
      </Field>
      {counterparts.length > 0 && (
        <Field label="Counterpart principal" id="sc-cp">
          <select
            id="sc-cp"
            value={f.counterpartPrincipalId}
            onChange={(e) => setF({ ...f, counterpartPrincipalId: e.target.value })}
          >
            <option value="">—</option>
            {counterparts
              .filter((u) => u.roles.includes('principal'))
              .map((u) => (
                <option key={u.id} value={u.id}>
                  {u.displayName}
                </option>
              ))}
          </select>
        </Field>
      )}
      <fieldset className="roles">
        <legend>Listeners (note-takers)</legend>
        {users
          .filter((u) => u.roles.includes('notetaker'))
          .map((u) => (
            <label key={u.id} className="check">
              <input
                type="checkbox"
                checked={f.listenerIds.includes(u.id)}
                onChange={(e) =>
                  setF({
                    ...f,
                    listenerIds: e.target.checked
                      ? [...f.listenerIds, u.id]
                      : f.listenerIds.filter((x) => x !== u.id),
                  })
                }
              />
              {u.displayName}
            </label>
          ))}
      </fieldset>
      <button type="submit" className="btn btn-primary">
        {call.state === 'approved' ? 'Schedule the call' : 'Reschedule'}
      </button>
    </Sub>
  );
}

function BriefingForm({
  last,
  onSubmit,
}: {
  last: Artifacts['briefings'][number] | undefined;
  onSubmit: (b: unknown) => Promise<boolean>;
}) {
  const [f, setF] = useState({
    backgroundMd: last?.background_md ?? '',
    objectivesMd: last?.objectives_md ?? '',
    talkingPointsMd: last?.talking_points_md ?? '',
  });
  return (
    <Sub
      title={`Briefing (call sheet)${last ? ` — v${last.version}` : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(f);
      }}
    >
      <Field label="Background (Markdown)" id="br-bg">
        <textarea
          id="br-bg"
          value={f.backgroundMd}
          onChange={(e) => setF({ ...f, backgroundMd: e.target.value })}
        />
      </Field>
      <Field label="Objectives" id="br-obj">
        <textarea
          id="br-obj"
          value={f.objectivesMd}
          onChange={(e) => setF({ ...f, objectivesMd: e.target.value })}
        />
      </Field>
      <Field label="Talking points" id="br-tp">
        <textarea
          id="br-tp"
          value={f.talkingPointsMd}
          onChange={(e) => setF({ ...f, talkingPointsMd: e.target.value })}
        />
      </Field>
      <button type="submit" className="btn btn-primary">
        Save the briefing
      </button>
    </Sub>
  );
}

function paragraphsToText(p: MemconDoc['paragraphs']): string {
  return p.map((x) => `${x.speaker} | ${x.marking} | ${x.text}`).join('\n');
}

function MemconForm({
  call,
  last,
  correction,
  onSubmit,
}: {
  call: CallDetail;
  last: MemconDoc | undefined;
  correction: boolean;
  onSubmit: (b: unknown) => Promise<boolean>;
}) {
  const [f, setF] = useState({
    classification: last?.classification ?? 'CONFIDENTIAL',
    subject: last?.subject ?? `Telephone Conversation with ${call.counterpartLeader}`,
    participants: (
      last?.participants ?? [call.principal?.name ?? 'The principal', call.counterpartLeader]
    ).join(', '),
    notetakers: (last?.notetakers ?? call.listeners.map((l) => l.name)).join(', '),
    dateTimePlace: last?.dateTimePlace ?? (call.actualStart ? new Date(call.actualStart).toUTCString() : ''),
    paragraphs: last ? paragraphsToText(last.paragraphs) : '',
    distribution: (last?.distribution ?? []).join(', '),
    correctionReason: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const split = (s: string) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  return (
    <Sub
      title={correction ? 'Correct the final memcon (a new version)' : 'Memorandum of conversation'}
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
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
        }).catch((err: unknown) => setErrors(fieldErrors(err)));
      }}
    >
      <Field label="Classification" id="mc-class" error={errors.classification}>
        <select
          id="mc-class"
          value={f.classification}
          onChange={(e) => setF({ ...f, classification: e.target.value })}
        >
          {['UNCLASSIFIED', 'CONFIDENTIAL', 'SECRET', 'TOP SECRET'].map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </Field>
      <Field label="Subject" id="mc-subject">
        <input id="mc-subject" value={f.subject} onChange={(e) => setF({ ...f, subject: e.target.value })} />
      </Field>
      <Field label="Participants" id="mc-part">
        <input
          id="mc-part"
          value={f.participants}
          onChange={(e) => setF({ ...f, participants: e.target.value })}
        />
      </Field>
      <Field label="Note-takers" id="mc-nt">
        <input id="mc-nt" value={f.notetakers} onChange={(e) => setF({ ...f, notetakers: e.target.value })} />
      </Field>
      <Field label="Date, time and place" id="mc-dtp">
        <input
          id="mc-dtp"
          value={f.dateTimePlace}
          onChange={(e) => setF({ ...f, dateTimePlace: e.target.value })}
        />
      </Field>
      <Field
        label="Paragraphs"
        id="mc-paras"
        hint="One per line: Speaker | (marking) | text — e.g. The President | (U) | Thanked the Prime Minister."
      >
        <textarea
          id="mc-paras"
          rows={8}
          value={f.paragraphs}
          onChange={(e) => setF({ ...f, paragraphs: e.target.value })}
        />
      </Field>
      <Field label="Distribution" id="mc-dist" hint="Comma-separated">
        <input
          id="mc-dist"
          value={f.distribution}
          onChange={(e) => setF({ ...f, distribution: e.target.value })}
        />
      </Field>
      {correction && (
        <Field label="Reason for the correction" id="mc-reason">
          <textarea
            id="mc-reason"
            value={f.correctionReason}
            onChange={(e) => setF({ ...f, correctionReason: e.target.value })}
          />
        </Field>
      )}
      <p className="meta">This is not a verbatim transcript; it is built from notes.</p>
      <button type="submit" className="btn btn-primary">
        Save memcon version
      </button>
    </Sub>
  );
}

function ReadoutForm({
  call,
  last,
  onSubmit,
}: {
  call: CallDetail;
  last: Artifacts['readouts'][number] | undefined;
  onSubmit: (b: unknown) => Promise<boolean>;
}) {
  const [f, setF] = useState({
    title: last?.title ?? `Readout of the Call with ${call.counterpartLeader}`,
    bodyMd:
      last?.body_md ??
      `The principal spoke today with ${call.counterpartLeader}. The leaders discussed ${call.topics.join(', ').toLowerCase()}.\n\nThe leaders agreed to stay in close touch.`,
  });
  return (
    <Sub
      title="Readout (public)"
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit(f);
      }}
    >
      <Field label="Title" id="ro-title">
        <input id="ro-title" value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} />
      </Field>
      <Field
        label="Text (Markdown)"
        id="ro-body"
        hint="A public paraphrase: never copy classified memcon text."
      >
        <textarea
          id="ro-body"
          rows={6}
          value={f.bodyMd}
          onChange={(e) => setF({ ...f, bodyMd: e.target.value })}
        />
      </Field>
      <button type="submit" className="btn btn-primary">
        Save readout draft
      </button>
    </Sub>
  );
}

function memconText(d: MemconDoc): string {
  return [
    `${d.classification}`,
    `SUBJECT: ${d.subject}`,
    `PARTICIPANTS: ${d.participants.join('; ')}`,
    `NOTETAKERS: ${d.notetakers.join('; ')}`,
    `DATE, TIME AND PLACE: ${d.dateTimePlace}`,
    ...d.paragraphs.map((p) => `${p.marking} ${p.speaker}: ${p.text}`),
    `DISTRIBUTION: ${d.distribution.join('; ')}`,
  ].join('\n');
}

function ArtifactsView({ art }: { art: Artifacts }) {
  const mem = art.memcons;
  const last = mem.at(-1);
  const prev = mem.at(-2);
  return (
    <>
      {art.briefings.length > 0 && (
        <section className="panel" aria-labelledby="briefing-view">
          <h2 id="briefing-view">
            Briefing v{art.briefings.at(-1)!.version}{' '}
            {art.briefings.at(-1)!.approved_at ? '(approved)' : '(draft)'}
          </h2>
          <Rendered html={art.briefings.at(-1)!.html} />
        </section>
      )}
      {last && (
        <section className="panel" aria-labelledby="memcon-view">
          <h2 id="memcon-view">
            Memcon v{last.version} ({last.status}) · {mem.length} versions
          </h2>
          <p className="banner-inline">{last.classification}</p>
          <pre className="doc">{memconText(last.document)}</pre>
          {prev && (
            <>
              <h3>
                Changes from v{prev.version} to v{last.version}
              </h3>
              <pre className="diff">
                {lineDiff(memconText(prev.document), memconText(last.document)).map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed diff
                  <span key={i} className={`diff-${l.kind}`}>
                    {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '− ' : '  '}
                    {l.text}
                    {'\n'}
                  </span>
                ))}
              </pre>
            </>
          )}
        </section>
      )}
      {art.readouts.length > 0 && (
        <section className="panel" aria-labelledby="readout-view">
          <h2 id="readout-view">
            Readout v{art.readouts.at(-1)!.version} ({art.readouts.at(-1)!.status})
          </h2>
          <h3>{art.readouts.at(-1)!.title}</h3>
          <Rendered html={art.readouts.at(-1)!.html} />
        </section>
      )}
    </>
  );
}

/** Markdown the server rendered with its sanitizing renderer (no raw HTML, safe links only). */
function Rendered({ html }: { html: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: server-rendered by markdown-it with html disabled and links restricted; see renderMarkdown.
  return <div className="doc-rendered" dangerouslySetInnerHTML={{ __html: html }} />;
}
