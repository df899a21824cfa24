import type {
  BriefingVersion,
  CallArtifacts,
  MemconDocument,
  MemconVersion,
  ReadoutVersion,
} from '@hotline/contract';

/** The versions of a call's briefing, memcon and readout (GET /api/v1/calls/:id/artifacts), oldest first. */
export type Artifacts = CallArtifacts;
export type Briefing = BriefingVersion;
export type Memcon = MemconVersion;
export type MemconDoc = MemconDocument;
export type Readout = ReadoutVersion;

/** How a memcon version came to be: a draft, the final version of a draft, or a correction of a final one. */
export function memconOrigin(
  mems: Memcon[],
  i: number,
): { kind: 'draft' | 'final' | 'correction'; of: number | null; reason: string | null } {
  const m = mems[i]!;
  const prev = i > 0 ? mems[i - 1] : undefined;
  if (m.status !== 'final') return { kind: 'draft', of: null, reason: null };
  if (m.correctsVersion !== null) {
    return {
      kind: 'correction',
      of: m.correctsVersion,
      reason: m.correctionReason ?? m.document.correctionReason ?? null,
    };
  }
  return { kind: 'final', of: prev?.version ?? null, reason: null };
}

/**
 * Who did it and why, for each timeline item that is an artifact version, keyed by its records-log
 * sequence number (the timeline and the artifacts both carry it).
 */
export function artifactNotes(
  art: Artifacts | null,
): Map<number, { actor: string | null; reason: string | null }> {
  const out = new Map<number, { actor: string | null; reason: string | null }>();
  if (!art) return out;
  for (const b of art.briefings) out.set(b.recordSeq, { actor: b.authorName, reason: null });
  art.memcons.forEach((m, i) => {
    const o = memconOrigin(art.memcons, i);
    out.set(m.recordSeq, {
      actor: m.authorName,
      reason: o.kind === 'correction' && o.reason ? `Correction of v${o.of}: ${o.reason}` : null,
    });
  });
  // A published version is the approved one made public: name who approved it.
  for (const r of art.readouts)
    out.set(r.recordSeq, {
      actor: r.status === 'published' ? (r.approvedByName ?? r.authorName) : r.authorName,
      reason: null,
    });
  return out;
}
