import type { CallDetail } from '@hotline/contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, get, post, put } from '../api';
import { Alert, Loading, PageHeader } from '../components';
import { useConfirm } from '../confirm';
import { useOffices, VouchedBy } from '../offices';
import { useSession } from '../session';
import { span } from '../time';
import type { Artifacts } from './artifacts';
import { BriefingForm } from './call-forms/briefing-form';
import { CallLogForm } from './call-forms/call-log-form';
import { MemconForm } from './call-forms/memcon-form';
import { ReviewForm } from './call-forms/review-form';
import { ScheduleAnswerForm, ScheduleAnswers } from './call-forms/schedule-answer-form';
import { ScheduleForm } from './call-forms/schedule-form';
import { SimpleAction } from './call-forms/simple-action';
import { SIMPLE_ACTIONS as SIMPLE } from './call-forms/simple-actions';
import { CallLogPanel } from './call-log';
import { formFieldErrors, OK, type Outcome } from './form-errors';
import { channelLabel, StateBadge, when } from './format';
import { ArtifactsView } from './history';
import { ReadoutSection } from './readout-section';
import { ReviewsList } from './reviews-list';
import { RoomSection } from './room-section';
import { Timeline } from './timeline';
import { zonedToIso } from './zoned';

export function CallPage({ id }: { id: string }) {
  const { me } = useSession();
  const [call, setCall] = useState<CallDetail | null>(null);
  const [art, setArt] = useState<Artifacts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmDialog, ask] = useConfirm();
  const [notice, setNotice] = useState<string | null>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const offices = useOffices();
  const load = useCallback(async () => {
    try {
      // Both at once, so the forms that start from the latest version see it when they first render.
      const [c, a] = await Promise.all([
        get<CallDetail>(`/api/v1/calls/${id}`),
        get<Artifacts>(`/api/v1/calls/${id}/artifacts`),
      ]);
      setCall(c);
      setArt(a);
    } catch (err) {
      setError(err);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  // The call alone, live from the room: who joined, left and verified (the call log).
  const reloadCall = useCallback(() => {
    get<CallDetail>(`/api/v1/calls/${id}`).then(setCall, () => undefined);
  }, [id]);
  useEffect(() => {
    if (error || notice) alertRef.current?.focus();
  }, [error, notice]);

  /**
   * Run one step. Field errors go back to the form that sent it (beside its fields, with a summary
   * at the form); anything else (a refused step, a conflict, a lost connection) is the page-top
   * alert, which takes focus so it is seen and heard.
   */
  async function act(fn: () => Promise<unknown>, done: string, form = false): Promise<Outcome> {
    setError(null);
    setNotice(null);
    try {
      const r = await fn();
      const warnings = (r as { warnings?: string[] } | undefined)?.warnings ?? [];
      setNotice([done, ...warnings].join(' '));
      await load();
      return OK;
    } catch (err) {
      const fields = formFieldErrors(err);
      if (!form || Object.keys(fields).length === 0) setError(err);
      // A refused step (409) means the call is not what this page shows: show what it is now.
      if (err instanceof ApiError && err.status === 409) await load();
      return { ok: false, fields };
    }
  }

  if (!call || !me) return error ? <Alert error={error} /> : <Loading what="Loading the call" />;
  const zone = me.user.timeZone;
  const hostOffice = offices?.find((o) => o.id === call.ownerOfficeId);
  const counterpart = call.counterpartOfficeId
    ? offices?.find((o) => o.id === call.counterpartOfficeId)
    : undefined;
  const can = (a: string) => call.allowedActions.includes(a);
  const offChannel = call.channel === 'off_channel';
  // The host office runs the call; any other office on it is the counterpart, which sees the
  // shared facts and keeps its own briefing and memcon (the server sends each office only its own).
  const host = me.user.officeId === call.ownerOfficeId;
  const participant = [
    call.principal?.id,
    call.counterpartPrincipal?.id,
    ...call.listeners.map((l) => l.id),
    ...call.interpreters.map((i) => i.id),
  ].includes(me.user.id);
  const inRoom =
    call.channel === 'hotline' && ['scheduled', 'briefed', 'in_progress'].includes(call.state) && participant;
  const path = `/api/v1/calls/${call.id}`;
  const proposed = call.proposedWindows.map((w) => {
    const s = zonedToIso(w.start, call.requesterZone);
    const e = zonedToIso(w.end, call.requesterZone);
    return { text: s.ok && e.ok ? span(s.iso, e.iso, zone) : `${w.start}–${w.end} (${call.requesterZone})` };
  });

  async function endCall() {
    if (!call) return;
    const s = SIMPLE.end!;
    if (s.confirm && !(await ask({ title: s.label, ...s.confirm }))) return;
    await act(
      () => post(`${path}/transitions`, { action: 'end', expectedVersion: call.version }),
      'The call has ended.',
    );
  }

  return (
    <>
      {confirmDialog}
      <PageHeader title={`Call with ${call.counterpartLeader}`}>
        <div>
          <StateBadge state={call.state} />{' '}
          {offChannel ? (
            <span className="state state-alarm" data-testid="after-the-fact">
              Logged after the fact
            </span>
          ) : (
            <span className="state">{call.urgency}</span>
          )}
          {call.channel && (
            <span className={`state ${call.channel === 'off_channel' ? 'state-alarm' : ''}`}>
              {channelLabel(call.channel)}
            </span>
          )}
        </div>
      </PageHeader>
      <div ref={alertRef} tabIndex={-1} className="page-alerts">
        <Alert error={error} />
        <Alert error={notice} kind="success" />
      </div>
      {call.overdue.map((o) => (
        <div key={o} className="alert alert-error" role="alert">
          <strong>Overdue:</strong> the {o} was due{' '}
          {when(o === 'memcon' ? call.memconDueAt : call.readoutDueAt, zone)}.
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
            <dd>
              {call.ownerOfficeName}
              {hostOffice && (
                <>
                  <br />
                  <VouchedBy office={hostOffice} offices={offices} />
                </>
              )}
            </dd>
            {counterpart && (
              <>
                <dt>Counterpart office</dt>
                <dd>
                  {counterpart.name}
                  <br />
                  <VouchedBy office={counterpart} offices={offices} />
                </dd>
              </>
            )}
            <dt>Requested by</dt>
            <dd>{call.requestedBy.name}</dd>
            <dt>Purpose</dt>
            <dd>{call.purpose}</dd>
            <dt>Topics</dt>
            <dd>{call.topics.join(', ')}</dd>
            {call.approvals &&
              call.approvals.need > 1 &&
              ['requested', 'under_review'].includes(call.state) && (
                <>
                  <dt>Approvals</dt>
                  <dd>
                    {call.approvals.have} of {call.approvals.need} approvals
                    {call.approvals.notCounted?.map((u) => (
                      <p key={u.reviewer} className="hint approval-uncounted">
                        {u.detail}
                      </p>
                    ))}
                    {call.approvals.shortfall && (
                      <p className="hint approval-shortfall" role="note">
                        {call.approvals.shortfall}
                      </p>
                    )}
                  </dd>
                </>
              )}
            <dt>Language</dt>
            <dd>{call.language}</dd>
            <dt>Proposed</dt>
            <dd>
              {proposed.length === 0 ? (
                '—'
              ) : (
                <ul className="plain">
                  {proposed.map((p) => (
                    <li key={p.text}>{p.text}</li>
                  ))}
                </ul>
              )}
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
              <ScheduleAnswers call={call} zone={zone} />
            </dd>
            {call.durationMin && call.scheduledStart && (
              <>
                <dt>Duration</dt>
                <dd>{call.durationMin} minutes</dd>
              </>
            )}
            {call.channel === 'off_channel' && (
              <>
                <dt>Participants (as logged)</dt>
                <dd>{call.participants.join(', ') || '—'}</dd>
              </>
            )}
            <dt>Principals</dt>
            <dd>
              {[call.principal?.name, call.counterpartPrincipal?.name].filter(Boolean).join(' · ') || '—'}
            </dd>
            <dt>Interpreters</dt>
            <dd>{call.interpreters.map((i) => i.name).join(', ') || '—'}</dd>
            <dt>Listeners</dt>
            <dd>{call.listeners.map((l) => l.name).join(', ') || '—'}</dd>
            {call.waiveReason && (
              <>
                <dt>Readout waived</dt>
                <dd>{call.waiveReason}</dd>
              </>
            )}
          </dl>
          {call.scheduledStart && !offChannel && (participant || me.user.roles.includes('secretariat')) && (
            <p>
              <a className="btn" href={`${path}/invite.ics`} download>
                Download calendar invitation (.ics)
              </a>{' '}
              <span className="meta">Revision {call.scheduleSequence}; it names no topics.</span>
            </p>
          )}
        </section>
        <section className="panel" aria-labelledby="actions">
          <h2 id="actions">What you can do</h2>
          {!host && (
            <p className="meta" id="counterpart-note">
              {call.ownerOfficeName} hosts this call. Your office sees what both offices share (the request,
              the schedule, who is on the call, the call log, the published readout) and keeps its own
              briefing and its own memcon here, which the host office never sees.
            </p>
          )}
          {call.allowedActions.length === 0 &&
            (inRoom ? (
              <p className="meta">
                <a href="#room">Join the call in the secure call room</a> below.
              </p>
            ) : (
              <p className="meta">Nothing for your role in this state.</p>
            ))}
          {can('record_call_log') && (
            <p>
              <a href="#call-log-form-h">Record who was on the line</a> in the call log below.
            </p>
          )}
          <div className="btn-row">
            {Object.entries(SIMPLE)
              // In the call room, the principal ends the call there, apart from Leave.
              .filter(([a]) => can(a) && !(a === 'end' && inRoom))
              .map(([a, s]) => (
                <SimpleAction
                  key={a}
                  label={s.label}
                  danger={!!s.danger}
                  reason={s.reason}
                  onRun={async (reason) => {
                    if (
                      s.confirm &&
                      !(await ask({
                        title: s.label,
                        body: s.confirm.body,
                        irreversible: s.confirm.irreversible,
                      }))
                    )
                      return OK;
                    return act(
                      () => post(`${path}/transitions`, { action: a, reason, expectedVersion: call.version }),
                      `${s.label}: done.`,
                      !!s.reason,
                    );
                  }}
                />
              ))}
          </div>
          {(can('recommend') || can('approve') || (can('decline') && call.state === 'requested')) && (
            <ReviewForm
              call={call}
              onSubmit={(b) => act(() => post(`${path}/reviews`, b), 'Review recorded.', true)}
            />
          )}
          {(can('schedule') || can('reschedule')) && (
            <ScheduleForm
              call={call}
              zone={zone}
              counterpartZone={counterpart?.timeZone}
              onSubmit={(b) => act(() => put(`${path}/schedule`, b), 'Scheduled.', true)}
            />
          )}
          {can('answer_schedule') && (
            <ScheduleAnswerForm
              call={call}
              zone={zone}
              onSubmit={(b) => act(() => post(`${path}/schedule/answer`, b), 'Answer sent.', true)}
            />
          )}
          {(can('edit_briefing') || can('edit_counterpart_briefing')) && (
            <BriefingForm
              own={!host}
              last={art?.briefings.at(-1)}
              onSubmit={(b) =>
                act(() => post(`${path}/briefings`, b), 'Briefing saved as a new version.', true)
              }
            />
          )}
          {(can('brief') || can('approve_counterpart_briefing')) && !art?.briefings.length && (
            <p className="meta" data-testid="briefing-not-yet">
              The briefing can be approved once it is written; nobody has written it yet.
            </p>
          )}
          {(can('brief') || can('approve_counterpart_briefing')) && !!art?.briefings.length && (
            <p className="btn-row">
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void act(() => post(`${path}/briefings/approve`), 'Briefing approved.')}
              >
                Approve the briefing
              </button>
            </p>
          )}
          {(can('draft_memcon') ||
            can('edit_memcon') ||
            can('correct_memcon') ||
            can('edit_counterpart_memcon') ||
            can('correct_counterpart_memcon')) && (
            <MemconForm
              call={call}
              own={!host}
              last={art?.memcons.at(-1)?.document}
              correction={can('correct_memcon') || can('correct_counterpart_memcon')}
              onSubmit={(b) => act(() => post(`${path}/memcons`, b), 'Memcon saved as a new version.', true)}
            />
          )}
          <ReadoutSection
            call={call}
            art={art}
            hostOffice={hostOffice}
            can={can}
            act={act}
            ask={ask}
            onError={(err) => {
              setNotice(null);
              setError(err);
            }}
          />
          {can('waive_readout') && (
            <SimpleAction
              label="Waive the readout"
              reason="required"
              danger
              onRun={(reason) =>
                act(
                  () => post(`${path}/transitions`, { action: 'waive_readout', reason }),
                  'Readout waived.',
                  true,
                )
              }
            />
          )}
        </section>
      </div>
      <RoomSection
        call={call}
        me={{ userId: me.user.id, displayName: me.user.displayName }}
        zone={zone}
        participant={participant}
        canEnd={can('end')}
        onActivity={reloadCall}
        onEnd={() => void endCall()}
      />
      {call.callLog.channel &&
        (call.callLog.actualStart || call.callLog.entries.length > 0 || can('record_call_log')) && (
          <CallLogPanel call={call} zone={zone}>
            {can('record_call_log') && (
              <CallLogForm
                call={call}
                zone={zone}
                onSubmit={(b) => act(() => post(`${path}/call-log`, b), 'Recorded in the call log.', true)}
              />
            )}
          </CallLogPanel>
        )}
      <section className="panel" aria-labelledby="story">
        <h2 id="story">Story of the call</h2>
        <Timeline items={call.timeline} zone={zone} call={call} />
      </section>
      {art && <ArtifactsView art={art} zone={zone} own={!host} />}
      <ReviewsList reviews={call.reviews} />
    </>
  );
}
