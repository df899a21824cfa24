/**
 * The versions of a call's briefing, memcon and readout as GET /api/v1/calls/:id/artifacts returns
 * them: the stored rows (snake_case) plus the names and links the server adds (camelCase).
 */
export interface Briefing {
  version: number;
  background_md: string;
  objectives_md: string;
  talking_points_md: string;
  html: string;
  approved_at: string | null;
  created_at: string;
  record_seq: string | number;
  authorName?: string | null;
  approvedByName?: string | null;
  approvedAt?: string | null;
}

export interface MemconDoc {
  classification: string;
  subject: string;
  participants: string[];
  notetakers: string[];
  dateTimePlace: string;
  paragraphs: { speaker: string; marking: string; text: string }[];
  distribution: string[];
  correctionReason?: string;
}

export interface Memcon {
  version: number;
  status: string;
  classification: string;
  document: MemconDoc;
  created_at: string;
  record_seq: string | number;
  authorName?: string | null;
  correctsVersion?: number | null;
  correctionReason?: string | null;
}

export interface Readout {
  version: number;
  status: string;
  title: string;
  body_md: string;
  html: string;
  created_at: string;
  approved_by?: string | null;
  approved_at?: string | null;
  published_at?: string | null;
  record_seq: string | number;
  authorName?: string | null;
  approvedByName?: string | null;
  approvedAt?: string | null;
  publishedAt?: string | null;
}

export interface Artifacts {
  briefings: Briefing[];
  memcons: Memcon[];
  readouts: Readout[];
}

/** How a memcon version came to be: a draft, the final version of a draft, or a correction of a final one. */
export function memconOrigin(
  mems: Memcon[],
  i: number,
): { kind: 'draft' | 'final' | 'correction'; of: number | null; reason: string | null } {
  const m = mems[i]!;
  const prev = i > 0 ? mems[i - 1] : undefined;
  if (m.status !== 'final') return { kind: 'draft', of: null, reason: null };
  const correction = m.correctsVersion != null || prev?.status === 'final';
  if (correction) {
    return {
      kind: 'correction',
      of: m.correctsVersion ?? prev?.version ?? null,
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
  for (const b of art.briefings) out.set(Number(b.record_seq), { actor: b.authorName ?? null, reason: null });
  art.memcons.forEach((m, i) => {
    const o = memconOrigin(art.memcons, i);
    out.set(Number(m.record_seq), {
      actor: m.authorName ?? null,
      reason: o.kind === 'correction' && o.reason ? `Correction of v${o.of}: ${o.reason}` : null,
    });
  });
  for (const r of art.readouts) {
    out.set(Number(r.record_seq), {
      actor: (r.status === 'published' ? r.approvedByName : r.authorName) ?? r.authorName ?? null,
      reason: null,
    });
  }
  return out;
}
