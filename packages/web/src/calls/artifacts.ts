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
