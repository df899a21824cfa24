import { useState } from 'react';
import { Link } from '../components';
import { type Artifacts, type MemconDoc, memconOrigin } from './artifacts';
import { lineDiff, when } from './format';

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

const who = (name: string | null | undefined) => name || '—';

/** The versions of the briefing, memcon and readout: who wrote and approved each, when, and why it changed. */
/**
 * The call's artifacts as the server sends them to this office: its own briefings and memcons
 * (`own`: the counterpart office's, labelled as such), and the readouts it may see.
 */
export function ArtifactsView({ art, zone, own = false }: { art: Artifacts; zone: string; own?: boolean }) {
  return (
    <>
      {own && (art.briefings.length > 0 || art.memcons.length > 0) && (
        <p className="meta">
          The briefing and memcon below are your office's own; the host office does not see them.
        </p>
      )}
      {art.briefings.length > 0 && <BriefingHistory art={art} zone={zone} />}
      {art.memcons.length > 0 && <MemconHistory art={art} zone={zone} />}
      {art.readouts.length > 0 && <ReadoutHistory art={art} zone={zone} />}
    </>
  );
}

function BriefingHistory({ art, zone }: { art: Artifacts; zone: string }) {
  const last = art.briefings.at(-1)!;
  return (
    <section className="panel" aria-labelledby="briefing-view">
      <h2 id="briefing-view">
        Briefing v{last.version} {last.approvedAt ? '(approved)' : '(draft)'}
      </h2>
      <Rendered html={last.html} />
      <h3 id="briefing-versions">Versions</h3>
      <table className="table" aria-labelledby="briefing-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Written by</th>
            <th scope="col">Saved</th>
            <th scope="col">Approved by</th>
            <th scope="col">Approved</th>
          </tr>
        </thead>
        <tbody>
          {[...art.briefings].reverse().map((b) => (
            <tr key={b.version}>
              <th scope="row">v{b.version}</th>
              <td>{b.authorName}</td>
              <td>{when(b.createdAt, zone)}</td>
              <td>{b.approvedAt ? who(b.approvedByName) : <span className="meta">not approved</span>}</td>
              <td>{b.approvedAt ? when(b.approvedAt, zone) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function MemconHistory({ art, zone }: { art: Artifacts; zone: string }) {
  const mem = art.memcons;
  const last = mem.at(-1)!;
  const versions = mem.map((m) => m.version);
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  // Default: the last two versions; the choice is kept while new versions arrive.
  const a = mem.find((m) => m.version === (from ?? mem.at(-2)?.version));
  const b = mem.find((m) => m.version === (to ?? last.version));
  return (
    <section className="panel" aria-labelledby="memcon-view">
      <h2 id="memcon-view">
        Memcon v{last.version} ({last.status}) · {mem.length} versions
      </h2>
      <p className="banner-inline">{last.classification}</p>
      <pre className="doc">{memconText(last.document)}</pre>
      <p>
        <Link to={`/calls/${last.callId}/memcon`}>Print view of memcon v{last.version}</Link>{' '}
        <span className="meta">(prints with its classification on every page; save as PDF from there)</span>
      </p>
      <h3 id="memcon-versions">Versions</h3>
      <table className="table" aria-labelledby="memcon-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">By</th>
            <th scope="col">Saved</th>
            <th scope="col">How it came to be</th>
          </tr>
        </thead>
        <tbody>
          {mem
            .map((m, i) => ({ m, o: memconOrigin(mem, i) }))
            .reverse()
            .map(({ m, o }) => (
              <tr key={m.version} id={`memcon-v${m.version}`}>
                <th scope="row">v{m.version}</th>
                <td>
                  {m.status === 'final' ? <strong>Final</strong> : 'Draft'}
                  {o.kind === 'correction' && <span className="tag">correction</span>}
                </td>
                <td>{m.authorName}</td>
                <td>{when(m.createdAt, zone)}</td>
                <td>
                  {o.kind === 'draft' && 'Draft from notes'}
                  {o.kind === 'final' && (
                    <>
                      Finalized from <a href={`#memcon-v${o.of}`}>v{o.of}</a>
                    </>
                  )}
                  {o.kind === 'correction' && (
                    <>
                      Corrects <a href={`#memcon-v${o.of}`}>v{o.of}</a>
                      {o.reason ? `: “${o.reason}”` : ''}
                    </>
                  )}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      {mem.length > 1 && a && b && (
        <>
          <h3 id="memcon-diff">
            Changes from v{a.version} to v{b.version}
          </h3>
          <fieldset className="diff-picker">
            <legend>Compare two versions</legend>
            <label htmlFor="diff-from">From</label>
            <select id="diff-from" value={a.version} onChange={(e) => setFrom(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
            <label htmlFor="diff-to">to</label>
            <select id="diff-to" value={b.version} onChange={(e) => setTo(Number(e.target.value))}>
              {versions.map((v) => (
                <option key={v} value={v}>
                  v{v}
                </option>
              ))}
            </select>
          </fieldset>
          <Diff before={memconText(a.document)} after={memconText(b.document)} />
        </>
      )}
    </section>
  );
}

function Diff({ before, after }: { before: string; after: string }) {
  const lines = lineDiff(before, after);
  if (!lines.some((l) => l.kind !== 'same'))
    return <p className="meta">The two versions have the same text.</p>;
  return (
    <>
      <p className="meta" id="diff-key">
        Lines marked + were added and shaded green; lines marked − were removed and struck through.
      </p>
      <pre className="diff" aria-describedby="diff-key">
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed diff
          <span key={i} className={`diff-${l.kind}`}>
            {l.kind === 'add' ? '+ ' : l.kind === 'del' ? '− ' : '  '}
            {l.kind === 'add' && <span className="visually-hidden">added: </span>}
            {l.kind === 'del' && <span className="visually-hidden">removed: </span>}
            {l.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </>
  );
}

function ReadoutHistory({ art, zone }: { art: Artifacts; zone: string }) {
  const last = art.readouts.at(-1)!;
  return (
    <section className="panel" aria-labelledby="readout-view">
      <h2 id="readout-view">
        Readout v{last.version} ({last.status})
      </h2>
      <h3>{last.title}</h3>
      <Rendered html={last.html} />
      <h3 id="readout-versions">Versions</h3>
      <table className="table" aria-labelledby="readout-versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Written by</th>
            <th scope="col">Saved</th>
            <th scope="col">Approved by</th>
            <th scope="col">Published</th>
          </tr>
        </thead>
        <tbody>
          {[...art.readouts].reverse().map((r) => (
            <tr key={r.version}>
              <th scope="row">v{r.version}</th>
              <td>{r.status === 'published' ? <strong>Published</strong> : r.status}</td>
              <td>{r.authorName}</td>
              <td>{when(r.createdAt, zone)}</td>
              <td>
                {r.approvedAt ? (
                  <>
                    {who(r.approvedByName)}
                    <div className="meta">{when(r.approvedAt, zone)}</div>
                  </>
                ) : (
                  <span className="meta">not approved</span>
                )}
              </td>
              <td>{r.publishedAt ? when(r.publishedAt, zone) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Markdown the server rendered with its sanitizing renderer (no raw HTML, safe links only). */
function Rendered({ html }: { html: string }) {
  // biome-ignore lint/security/noDangerouslySetInnerHtml: server-rendered by markdown-it with html disabled and links restricted; see renderMarkdown.
  return <div className="doc-rendered" dangerouslySetInnerHTML={{ __html: html }} />;
}
