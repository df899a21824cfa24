import { useEffect, useState } from 'react';
import { get } from '../api';
import { Alert, Link, Loading, useDocumentTitle } from '../components';
import { useZone } from '../session';
import { when } from '../time';
import type { Artifacts, Memcon } from './artifacts';

/**
 * A memcon as it prints (and saves as PDF from the browser): the classification banner at the
 * top and bottom of every page (a layout table's header and footer rows, which the browser
 * repeats on each printed page), the heading block, each paragraph with its marking, and the distribution
 * list. `version` picks one version; default the latest.
 */
export function MemconPrintPage({ callId, version }: { callId: string; version?: number | undefined }) {
  const [art, setArt] = useState<Artifacts | null>(null);
  const [error, setError] = useState<unknown>(null);
  const zone = useZone();
  useEffect(() => {
    get<Artifacts>(`/api/v1/calls/${callId}/artifacts`).then(setArt, setError);
  }, [callId]);
  const m = art ? (art.memcons.find((x) => x.version === version) ?? art.memcons.at(-1)) : undefined;
  useDocumentTitle(m ? `Memcon: ${m.document.subject}` : 'Memcon');
  if (error) return <Alert error={error} />;
  if (!art) return <Loading what="Loading the memcon" />;
  if (!m) return <p>This call has no memcon yet.</p>;
  return (
    <>
      <p className="btn-row no-print">
        <Link to={`/calls/${callId}`}>Back to the call</Link>{' '}
        <button type="button" className="btn btn-primary" onClick={() => window.print()}>
          Print or save as PDF
        </button>
      </p>
      <MemconDocumentView m={m} zone={zone} />
    </>
  );
}

function MemconDocumentView({ m, zone }: { m: Memcon; zone: string }) {
  const d = m.document;
  return (
    <article className="memcon-print" aria-labelledby="memcon-title" data-testid="memcon-print">
      {/* A table's header and footer rows repeat on every printed page: the banner, top and bottom. */}
      <table className="memcon-frame" role="presentation">
        <thead>
          <tr>
            <td>
              <p className="memcon-banner">{d.classification}</p>
            </td>
          </tr>
        </thead>
        <tfoot aria-hidden="true">
          <tr>
            <td>
              <p className="memcon-banner">{d.classification}</p>
            </td>
          </tr>
        </tfoot>
        <tbody>
          <tr>
            <td className="memcon-print-body">
              <h1 id="memcon-title" className="memcon-title">
                Memorandum of conversation
              </h1>
              <dl className="memcon-heading">
                <dt>Subject</dt>
                <dd>{d.subject}</dd>
                <dt>Participants</dt>
                <dd>{d.participants.join('; ')}</dd>
                <dt>Notetakers</dt>
                <dd>{d.notetakers.join('; ') || '—'}</dd>
                <dt>Date, time and place</dt>
                <dd>{d.dateTimePlace}</dd>
              </dl>
              {d.paragraphs.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs are an ordered, unchanging list
                <p key={i} className="memcon-para">
                  <span className="memcon-marking">{p.marking}</span> <strong>{p.speaker}:</strong> {p.text}
                </p>
              ))}
              <p className="memcon-end">— End of conversation —</p>
              <h2 className="memcon-dist-h">Distribution</h2>
              {d.distribution.length ? (
                <ul className="memcon-dist">
                  {d.distribution.map((x) => (
                    <li key={x}>{x}</li>
                  ))}
                </ul>
              ) : (
                <p>None listed.</p>
              )}
              <p className="memcon-authority">
                {d.classifiedBy && <>Classified by: {d.classifiedBy}. </>}
                {d.derivedFrom && <>Derived from: {d.derivedFrom}. </>}
                {d.declassifyOn && <>Declassify on: {d.declassifyOn}. </>}
                Version {m.version} ({m.status}), {m.authorName}, {when(m.createdAt, zone)}; log #
                {m.recordSeq}.
              </p>
            </td>
          </tr>
        </tbody>
      </table>
    </article>
  );
}
