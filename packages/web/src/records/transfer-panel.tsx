import type { ArchiveSearch, TransferJob } from '@hotline/contract';
import { type FormEvent, useEffect, useState } from 'react';
import { get, post } from '../api';
import { Alert, Field } from '../components';
import { useConfirm } from '../confirm';
import { ShareFilesField } from './share-files';

type Scope = 'all' | 'dates' | 'calls';

const SCOPE_LABEL: Record<Scope, string> = {
  all: 'Every record of the office',
  dates: 'Records of a date range',
  calls: 'Calls only (the call records)',
};

const bytes = (n: number) =>
  n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(1)} GB`
    : n >= 1024 ** 2
      ? `${(n / 1024 ** 2).toFixed(1)} MB`
      : `${Math.ceil(n / 1024)} KB`;

/** The scope as an archive search, as `hotline archive transfer --scope` takes it. */
export function transferSearch(scope: Scope, from: string, to: string): ArchiveSearch {
  if (scope === 'calls') return { kind: 'call' };
  if (scope === 'dates') {
    const s: ArchiveSearch = {};
    if (from) s.from = new Date(`${from}T00:00:00Z`).toISOString();
    if (to) s.to = new Date(`${to}T23:59:59.999Z`).toISOString();
    return s;
  }
  return {};
}

/**
 * Transfer to the national archive from the records screen: choose the scope, confirm, watch
 * the progress, then where the bags are, what they hold and the command that checks them. The
 * server writes the bags into its data folder (the same transfer as `hotline archive transfer`).
 */
export function TransferPanel() {
  const [scope, setScope] = useState<Scope>('all');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [bagMb, setBagMb] = useState('1024');
  const [shares, setShares] = useState<string[]>([]);
  const [job, setJob] = useState<TransferJob | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirmDialog, ask] = useConfirm();

  const running = job?.status === 'running';
  const sealing = job?.seal?.status === 'running';
  useEffect(() => {
    if (job?.status !== 'running' && job?.seal?.status !== 'running') return;
    const t = setTimeout(() => {
      get<TransferJob>(`/api/v1/archive/transfers/${job.id}`).then(setJob, setError);
    }, 400);
    return () => clearTimeout(t);
  }, [job]);

  async function start(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (scope === 'dates' && !from && !to) {
      setError(new Error('Give a first day, a last day or both for a date range (or choose another scope).'));
      return;
    }
    if (scope === 'dates' && from && to && from > to) {
      setError(new Error(`The first day (${from}) is after the last day (${to}); swap them.`));
      return;
    }
    const mb = Number(bagMb);
    if (!Number.isFinite(mb) || mb * 1024 * 1024 < 1024) {
      setError(new Error('The largest bag is a number of megabytes, 0.001 (1 KB) or more.'));
      return;
    }
    const what =
      scope === 'dates'
        ? `the records from ${from || 'the first record'} to ${to || 'today'}`
        : SCOPE_LABEL[scope].toLowerCase();
    const ok = await ask({
      title: 'Transfer to the national archive',
      body: `Hotline writes ${what} as BagIt bags of at most ${mb} MB each, with the proofs, into the server's data folder. It is recorded in the records log under your name.`,
      irreversible:
        'The transfer’s start and end stay in the records log. It copies the records; it does not remove them.',
      confirmLabel: 'Start the transfer',
    });
    if (!ok) return;
    try {
      setJob(
        await post<TransferJob>('/api/v1/archive/transfers', {
          search: transferSearch(scope, from, to),
          bagBytes: Math.round(mb * 1024 * 1024),
          ...(shares.length ? { shares } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    }
  }

  async function seal() {
    if (!job) return;
    setError(null);
    const ok = await ask({
      title: 'Seal what was transferred',
      body: `Hotline checks the bags in ${job.dir} against the records log, then drops the words of the ${job.items} transferred item(s) from search and from captured items’ working copies. Search still finds them by kind, date, account or person, by “sealed” and by the transfer’s id. It is recorded in the records log under your name.`,
      irreversible:
        'Their words cannot be put back into search. The sealed originals, the records log and the proofs stay, and the bags are not touched.',
      confirmLabel: 'Seal the transferred records',
      danger: true,
    });
    if (!ok) return;
    try {
      setJob(await post<TransferJob>(`/api/v1/archive/transfers/${job.id}/seal`));
    } catch (err) {
      setError(err);
    }
  }

  const sealed = job?.seal?.status === 'done' ? job.seal : null;

  return (
    <section className="card" aria-label="Transfer to the national archive">
      <h2>Transfer to the national archive</h2>
      <p className="muted">
        At the end of a term the records go to the Archivist as BagIt bags, each with the proof that its
        records are the ones the records log holds.
      </p>
      <form onSubmit={(e) => void start(e)} aria-label="Start a transfer" noValidate>
        <fieldset>
          <legend>What to transfer</legend>
          {(Object.keys(SCOPE_LABEL) as Scope[]).map((s) => (
            <label className="check" key={s}>
              <input
                type="radio"
                name="transfer-scope"
                value={s}
                checked={scope === s}
                onChange={() => setScope(s)}
              />{' '}
              {SCOPE_LABEL[s]}
            </label>
          ))}
        </fieldset>
        {scope === 'dates' ? (
          <>
            <Field label="First day" id="transfer-from">
              <input id="transfer-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
            </Field>
            <Field label="Last day" id="transfer-to">
              <input id="transfer-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
            </Field>
          </>
        ) : null}
        <Field
          label="Largest bag (MB)"
          id="transfer-bag"
          hint="a bag is closed before it would pass this size"
        >
          <input
            id="transfer-bag"
            inputMode="numeric"
            value={bagMb}
            onChange={(e) => setBagMb(e.target.value)}
          />
        </Field>
        <ShareFilesField
          id="transfer-shares"
          label="Custodians' share files (when the archive key is split)"
          hint="a transfer opens the sealed originals: on a split key, choose k custodians' share files; the opening is recorded with their names"
          onChange={setShares}
        />
        <button type="submit" className="btn btn-primary" disabled={running}>
          Transfer…
        </button>
      </form>
      <Alert error={error} />
      {job ? (
        <div role="status" aria-live="polite">
          {job.status === 'running' ? (
            <p>
              <progress
                max={job.total || 1}
                value={job.total ? job.done : undefined}
                aria-label="Transfer progress"
              />{' '}
              {job.total ? `${job.done} of ${job.total} records` : 'Counting the records…'}
              {job.bag ? `, writing ${job.bag}` : ''}
            </p>
          ) : null}
          {job.status === 'failed' ? <Alert error={job.error} /> : null}
          {job.status === 'done' ? (
            <section className="alert alert-success" aria-label="Transfer result">
              <p>
                <strong>Transferred {job.items} item(s)</strong> ({job.records} proven record(s)) in{' '}
                {job.bags.length} bag(s), against the log at size {job.checkpointSize}; record #
                {job.recordSeq} in the log.
              </p>
              <p>
                Bags in <code className="wrap">{job.dir}</code> on the server:
              </p>
              <ul>
                {job.bags.map((b) => (
                  <li key={b.name}>
                    {b.name}: {b.items} item(s), {b.files} file(s), {bytes(b.octets)}
                  </li>
                ))}
              </ul>
              <p>Check them before they leave your hands (on the server, in Hotline’s folder):</p>
              <pre className="wrap verify-command">{job.verifyCommand}</pre>
              <h3>Once the Archivist has the bags</h3>
              <p>
                Seal what was transferred, from this folder and before its bags are moved: the server then
                keeps no searchable text of transfer {job.transferId}.
              </p>
              {job.seal?.status === 'running' ? (
                <p>
                  <progress
                    max={job.seal.total || 1}
                    value={job.seal.total ? job.seal.done : undefined}
                    aria-label="Seal progress"
                  />{' '}
                  {job.seal.phase === 'verify'
                    ? `Checking the bags against the records log (${job.seal.done} of ${job.seal.total})…`
                    : `${job.seal.done} of ${job.seal.total} index entries sealed`}
                </p>
              ) : null}
              {job.seal?.status === 'failed' ? <Alert error={job.seal.error} /> : null}
              {sealed ? (
                <p className="seal-result">
                  <strong>
                    Sealed {sealed.sealed} index entr{sealed.sealed === 1 ? 'y' : 'ies'}
                  </strong>
                  {sealed.already ? ` (${sealed.already} sealed before)` : ''}, recorded in the log under{' '}
                  {sealed.startedBy}. Search finds them by “sealed” or <code>{job.transferId}</code>, not by
                  their words.
                </p>
              ) : (
                <button type="button" className="btn" disabled={sealing} onClick={() => void seal()}>
                  Seal what was transferred…
                </button>
              )}
            </section>
          ) : null}
        </div>
      ) : null}
      {confirmDialog}
    </section>
  );
}
