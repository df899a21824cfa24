import type { CallNotes } from '@hotline/contract';
import { useEffect, useState } from 'react';
import { get, put } from '../api';
import { Alert } from '../components';
import { clockTime } from '../time';

/**
 * A listener's private notes pad: kept for this person alone (saved on the server, never shown
 * to anyone else), and the start of their memcon draft after the call. Saved with the button and
 * when the field loses focus.
 */
export function NotesPad({ callId, zone }: { callId: string; zone: string }) {
  const [body, setBody] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ body: string; at: string | null } | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    get<CallNotes>(`/api/v1/calls/${callId}/notes`).then((n) => {
      setBody(n.body);
      setSaved({ body: n.body, at: null });
    }, setError);
  }, [callId]);
  async function save() {
    if (body === null || body === saved?.body) return;
    setError(null);
    try {
      const n = await put<CallNotes>(`/api/v1/calls/${callId}/notes`, { body });
      setSaved({ body: n.body, at: n.savedAt ?? null });
    } catch (err) {
      setError(err);
    }
  }
  const dirty = body !== null && body !== saved?.body;
  return (
    <section className="panel notes-pad" aria-labelledby="notes-h">
      <h2 id="notes-h">My notes</h2>
      <p className="meta" id="notes-hint">
        Private to you: nobody else sees them. They start your memcon draft after the call.
      </p>
      <Alert error={error} />
      <label htmlFor="notes-body" className="visually-hidden">
        My notes on the call
      </label>
      <textarea
        id="notes-body"
        aria-describedby="notes-hint notes-status"
        rows={8}
        value={body ?? ''}
        disabled={body === null}
        onChange={(e) => setBody(e.target.value)}
        onBlur={() => void save()}
      />
      <p className="btn-row">
        <button type="button" className="btn" disabled={!dirty} onClick={() => void save()}>
          Save my notes
        </button>{' '}
        <span className="meta" id="notes-status" role="status" data-testid="notes-status">
          {dirty ? 'Not saved yet.' : saved?.at ? `Saved at ${clockTime(saved.at, zone)}.` : ''}
        </span>
      </p>
    </section>
  );
}

/**
 * Notes as the memcon's first paragraphs, one per line: "Carney: raised Arctic patrols" becomes
 * speaker "Carney"; a line without a speaker is the note-taker's own.
 */
export function notesToParagraphs(notes: string, marking: string): string {
  return notes
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([^:|]{2,60}):\s*(.+)$/.exec(l);
      return m
        ? `${m[1]!.trim()} | ${marking} | ${m[2]!.replace(/\|/g, '/')}`
        : `Note | ${marking} | ${l.replace(/\|/g, '/')}`;
    })
    .join('\n');
}
