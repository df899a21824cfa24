import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  type Checkpoint,
  defaultHasher,
  equalBytes,
  formatAddCheckpoint,
  fromBase64,
  type LogClient,
  openCosignedCheckpoint,
  TreeReader,
  toBase64,
  type WitnessPolicy,
} from '@hotline/ledger';

/** What a monitor keeps between runs: every checkpoint of the origin it saw (a JSON file). */
export interface MonitorState {
  origin: string;
  checkpoints: { size: number; root: string; note: string; seenAt: string }[];
}

export interface MonitorReport {
  checkpoint: Checkpoint;
  cosigners: string[];
  quorum: boolean | null;
  /** reasons to raise the alarm: inconsistent checkpoints, a witness ahead of anything served */
  alerts: string[];
  /** things worth a look that prove nothing (a witness unreachable, no quorum yet) */
  warnings: string[];
}

export function loadState(file: string, origin: string): MonitorState {
  if (!existsSync(file)) return { origin, checkpoints: [] };
  const s = JSON.parse(readFileSync(file, 'utf8')) as MonitorState;
  if (s.origin !== origin) throw new Error(`${file} holds the checkpoints of "${s.origin}", not "${origin}"`);
  return s;
}

export function saveState(file: string, s: MonitorState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(s, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/**
 * One monitoring pass: fetch the log's checkpoint, check it against every checkpoint kept (the
 * same size must have the same root; a smaller one must be proved consistent from the log's own
 * tiles), then ask each witness of the policy for the size it last cosigned (add-checkpoint with
 * old size 0 answers 409 with it) and alert when a witness holds a size the log cannot serve.
 */
export async function monitorOnce(
  client: LogClient,
  state: MonitorState,
  policy: WitnessPolicy | null,
  fetchFn: typeof fetch = fetch,
): Promise<MonitorReport> {
  const alerts: string[] = [];
  const warnings: string[] = [];
  const { checkpoint, note } = await client.checkpoint();
  let cosigners: string[] = [];
  let quorum: boolean | null = null;
  if (policy) {
    const r = openCosignedCheckpoint(note, [client.verifier], policy, client.origin);
    cosigners = r.cosigners.map((c) => c.name);
    quorum = r.quorum;
    if (!r.quorum) warnings.push(`the checkpoint of size ${checkpoint.size} lacks its witness quorum`);
  }
  const kept = state.checkpoints.map((c) => ({ ...c, rootBytes: fromBase64(c.root) }));
  const same = kept.find((c) => c.size === checkpoint.size);
  if (same && !equalBytes(same.rootBytes, checkpoint.root))
    alerts.push(
      `two checkpoints of size ${checkpoint.size} with different roots: ${same.root} (seen ${same.seenAt}) and ${toBase64(checkpoint.root)} now`,
    );
  const below = kept.filter((c) => c.size < checkpoint.size).sort((a, b) => b.size - a.size)[0];
  const above = kept.filter((c) => c.size > checkpoint.size).sort((a, b) => a.size - b.size)[0];
  const prove = async (older: (typeof kept)[number] | Checkpoint, newer: Checkpoint) => {
    const o: Checkpoint =
      'rootBytes' in older
        ? { origin: client.origin, size: older.size, root: older.rootBytes, extensions: [] }
        : older;
    try {
      await client.proveConsistency(o, newer);
    } catch (err) {
      alerts.push(
        `the checkpoints of size ${o.size} and ${newer.size} are inconsistent: ${(err as Error).message}`,
      );
    }
  };
  if (below) await prove(below, checkpoint);
  if (above) {
    alerts.push(
      `the log now serves size ${checkpoint.size}, below the size ${above.size} it served before (rolled back)`,
    );
    await prove(checkpoint, {
      origin: client.origin,
      size: above.size,
      root: above.rootBytes,
      extensions: [],
    });
  }
  if (!same)
    state.checkpoints.push({
      size: checkpoint.size,
      root: toBase64(checkpoint.root),
      note,
      seenAt: new Date().toISOString(),
    });
  const largest = Math.max(...state.checkpoints.map((c) => c.size));
  for (const w of policy?.witnesses ?? []) {
    if (!w.url) continue;
    let size: number | null = null;
    try {
      const res = await fetchFn(new URL('add-checkpoint', w.url.endsWith('/') ? w.url : `${w.url}/`), {
        method: 'POST',
        body: formatAddCheckpoint(0, [], note),
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      if (res.status === 409 && /^\d+\n$/.test(body)) size = Number(body.trim());
      else if (res.status === 200) size = checkpoint.size;
      else warnings.push(`witness ${w.name}: HTTP ${res.status} ${body.trim().slice(0, 120)}`);
    } catch (err) {
      warnings.push(`witness ${w.name} unreachable: ${(err as Error).message}`);
    }
    if (size === null || size <= largest) continue;
    // The witness cosigns before the log serves, so it may be a little ahead; it must at least be
    // a tree the log can serve from its tiles.
    try {
      await new TreeReader(client.tileReader(size), size, defaultHasher).root();
      warnings.push(
        `witness ${w.name} is at size ${size}, ahead of the served ${largest} (waiting for its quorum?)`,
      );
    } catch {
      alerts.push(
        `witness ${w.name} reports size ${size}, which this log never served (largest seen ${largest}, and its tiles do not reach ${size}): the witness was shown another history`,
      );
    }
  }
  return { checkpoint, cosigners, quorum, alerts, warnings };
}
