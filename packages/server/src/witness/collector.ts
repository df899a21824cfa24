import type { Clock, Logger } from '@hotline/common';
import {
  formatAddCheckpoint,
  openNote,
  type PolicyWitness,
  quorumSatisfied,
  signatureLines,
  type WitnessPolicy,
} from '@hotline/ledger';
import type { LogService, PublishedCheckpoint } from '../records/log-service.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';

export interface WitnessStatus {
  name: string;
  vkey: string;
  url: string | null;
  /** the size this witness last cosigned (or reported with 409) */
  size: number;
  cosignedAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  failures: number;
}

export interface WitnessingSummary {
  /** the size served at /log/checkpoint (the latest with its quorum of cosignatures), or null */
  servedSize: number | null;
  /** the latest checkpoint the log signed, waiting for cosignatures when above servedSize */
  latestSize: number | null;
  quorum: string;
  failing: { name: string; error: string }[];
}

/**
 * The log's side of witnessing: submit each new checkpoint to every witness of the policy, with a
 * consistency proof from the size that witness last cosigned (after a 409, from the size it
 * reports), check each cosignature against the policy key, and, once the cosigners make the
 * quorum, store the note with their cosignatures. /log/checkpoint serves only such notes; the
 * last one stays served while a newer checkpoint waits.
 */
export class WitnessCollector {
  private prepared = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: LogService,
    readonly policy: WitnessPolicy,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly fetchFn: typeof fetch = fetch,
    private readonly timeoutMs = 10_000,
  ) {}

  /** The latest checkpoint with its quorum of cosignatures (what /log/checkpoint serves). */
  async served(): Promise<PublishedCheckpoint | null> {
    const row = await repo.latestCosignedCheckpoint(this.db);
    return row
      ? {
          size: Number(row.size),
          root: new Uint8Array(row.root),
          note: row.cosigned_note!,
          createdAt: new Date(row.created_at),
        }
      : null;
  }

  /** One pass over the latest checkpoint. Returns whether it now carries its quorum. */
  async collectOnce(): Promise<boolean> {
    if (!this.prepared) {
      await repo.ensureLogWitnesses(
        this.db,
        this.policy.witnesses.map((w) => ({ name: w.name, vkey: w.vkey })),
      );
      this.prepared = true;
    }
    const cp = await this.log.latestCheckpoint();
    if (!cp) return false;
    const served = await this.served();
    if (served && served.size >= cp.size) return true;
    const rows = new Map((await repo.logWitnesses(this.db)).map((r) => [r.name, r]));
    const results = await Promise.all(
      this.policy.witnesses.map(async (w) => {
        try {
          return { w, line: await this.submit(w, cp, Number(rows.get(w.name)?.size ?? 0)) };
        } catch (err) {
          const error = (err as Error).message;
          await repo.recordFailure(this.db, w.name, error, this.clock.now());
          this.logger.warn({ witness: w.name, size: cp.size, error }, 'witness did not cosign');
          return { w, line: null };
        }
      }),
    );
    const cosigned = results.filter((r) => r.line !== null);
    if (!quorumSatisfied(this.policy.quorum, new Set(cosigned.map((r) => r.w.name)))) return false;
    await repo.setCosignedNote(this.db, cp.size, cp.note + cosigned.map((r) => r.line).join(''));
    return true;
  }

  private async submit(w: PolicyWitness, cp: PublishedCheckpoint, known: number): Promise<string> {
    if (!w.url) throw new Error('the policy gives no URL for this witness');
    const endpoint = new URL('add-checkpoint', w.url.endsWith('/') ? w.url : `${w.url}/`);
    let old = known;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (old > cp.size)
        throw new Error(
          `the witness reports size ${old}, above the latest checkpoint this log signed (${cp.size}): it was shown another history, or the log lost entries`,
        );
      const proof = old === 0 || old === cp.size ? [] : await this.log.consistencyProof(old, cp.size);
      const res = await this.fetchFn(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: formatAddCheckpoint(old, proof, cp.note),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await res.text();
      if (res.status === 409 && /^(0|[1-9]\d*)\n$/.test(body)) {
        old = Number(body.trim());
        await repo.recordWitnessSize(this.db, w.name, old);
        continue;
      }
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${body.trim().slice(0, 200)}`);
      // Only this witness's own key counts; anything else in the answer is ignored.
      const opened = openNote(`${cp.note}${body.endsWith('\n') ? body : `${body}\n`}`, [w.verifier]);
      if (!opened.verified.some((v) => v.keyId === w.verifier.keyId))
        throw new Error('the answer carries no cosignature by the policy key');
      const line = signatureLines(`${cp.note}${body}`).find((l) => l.startsWith(`— ${w.verifier.name} `));
      if (!line) throw new Error('the answer carries no cosignature line');
      await repo.recordCosigned(this.db, w.name, cp.size, this.clock.now());
      return line;
    }
    throw new Error('the witness kept answering 409 (conflict); giving up for this checkpoint');
  }

  async status(): Promise<WitnessStatus[]> {
    const rows = await repo.logWitnesses(this.db);
    return this.policy.witnesses.map((w) => {
      const r = rows.find((x) => x.name === w.name);
      return {
        name: w.name,
        vkey: w.vkey,
        url: w.url ?? null,
        size: Number(r?.size ?? 0),
        cosignedAt: r?.cosigned_at ? new Date(r.cosigned_at).toISOString() : null,
        lastAttemptAt: r?.last_attempt_at ? new Date(r.last_attempt_at).toISOString() : null,
        lastError: r?.last_error ?? null,
        failures: r?.failures ?? 0,
      };
    });
  }

  async summary(quorumText: string): Promise<WitnessingSummary> {
    const [served, latest, status] = await Promise.all([
      this.served(),
      this.log.latestCheckpoint(),
      this.status(),
    ]);
    return {
      servedSize: served?.size ?? null,
      latestSize: latest?.size ?? null,
      quorum: quorumText,
      failing: status.filter((s) => s.lastError).map((s) => ({ name: s.name, error: s.lastError! })),
    };
  }

  /** Background loop until the signal aborts; logs errors, never throws. */
  async run(signal: AbortSignal, idleMs = 1000): Promise<void> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    while (!signal.aborted) {
      try {
        await this.collectOnce();
      } catch (err) {
        if (signal.aborted) break;
        this.logger.error({ err }, 'collecting cosignatures failed; retrying');
      }
      if (signal.aborted) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, idleMs);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.wake = null;
    }
    signal.removeEventListener('abort', onAbort);
  }
}
