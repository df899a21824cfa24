import type { BriefingVersion, MemconDocument, MemconVersion, ReadoutVersion } from '@hotline/contract';
import { renderMarkdown } from './markdown.js';
import type { BriefingRow, MemconRow, ReadoutRow } from './repository.js';

/** Mappers from artifact rows to the API's versions. `names` maps user ids to display names. */
type Names = ReadonlyMap<string, string>;

const at = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);
const nameOf = (names: Names, id: string | null): string | null => (id ? (names.get(id) ?? 'Unknown') : null);

export function toBriefingVersion(b: BriefingRow, names: Names): BriefingVersion {
  return {
    id: b.id,
    callId: b.call_id,
    version: b.version,
    authorId: b.author_id,
    authorName: nameOf(names, b.author_id)!,
    backgroundMd: b.background_md,
    objectivesMd: b.objectives_md,
    talkingPointsMd: b.talking_points_md,
    // Rendered here, once, by the same sanitizing renderer as the public site.
    html: renderMarkdown(
      `## Background\n\n${b.background_md}\n\n## Objectives\n\n${b.objectives_md}\n\n## Talking points\n\n${b.talking_points_md}`,
    ),
    approvedById: b.approved_by,
    approvedByName: nameOf(names, b.approved_by),
    approvedAt: at(b.approved_at),
    recordSeq: Number(b.record_seq),
    createdAt: at(b.created_at)!,
  };
}

function toDocument(raw: Record<string, unknown>): MemconDocument {
  const d = raw as Partial<MemconDocument>;
  return {
    classification: d.classification ?? '',
    subject: d.subject ?? '',
    participants: d.participants ?? [],
    notetakers: d.notetakers ?? [],
    dateTimePlace: d.dateTimePlace ?? '',
    paragraphs: d.paragraphs ?? [],
    distribution: d.distribution ?? [],
    classifiedBy: d.classifiedBy ?? '',
    derivedFrom: d.derivedFrom ?? '',
    declassifyOn: d.declassifyOn ?? '',
    ...(d.correctionReason ? { correctionReason: d.correctionReason } : {}),
  };
}

/**
 * A memcon version. `prev` is the version it follows: a final version that follows a final
 * one is a correction of it.
 */
export function toMemconVersion(
  m: MemconRow,
  prev: Pick<MemconRow, 'version' | 'status'> | undefined,
  names: Names,
): MemconVersion {
  const document = toDocument(m.document);
  const correction = m.status === 'final' && prev?.status === 'final';
  return {
    id: m.id,
    callId: m.call_id,
    version: m.version,
    status: m.status,
    final: m.status === 'final',
    authorId: m.author_id,
    authorName: nameOf(names, m.author_id)!,
    classification: m.classification,
    distribution: m.distribution,
    document,
    correctsVersion: correction ? prev.version : null,
    correctionReason: correction ? (document.correctionReason ?? null) : null,
    recordSeq: Number(m.record_seq),
    createdAt: at(m.created_at)!,
  };
}

/** Memcon versions in order, each mapped with the version before it. */
export function toMemconVersions(rows: MemconRow[], names: Names): MemconVersion[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows.map((m) => toMemconVersion(m, m.prev_id ? byId.get(m.prev_id) : undefined, names));
}

export function toReadoutVersion(r: ReadoutRow, names: Names): ReadoutVersion {
  return {
    id: r.id,
    callId: r.call_id,
    version: r.version,
    status: r.status,
    authorId: r.author_id,
    authorName: nameOf(names, r.author_id)!,
    title: r.title,
    bodyMd: r.body_md,
    html: renderMarkdown(r.body_md),
    approvedById: r.approved_by,
    approvedByName: nameOf(names, r.approved_by),
    approvedAt: at(r.approved_at),
    publishedAt: at(r.published_at),
    recordSeq: Number(r.record_seq),
    publicId: r.public_id,
    reason: r.reason,
    supersededAt: at(r.superseded_at),
    createdAt: at(r.created_at)!,
  };
}
