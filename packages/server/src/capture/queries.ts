import { type Clock, ConflictError, NotFoundError, ValidationError } from '@hotline/common';
import { type Actor, authorize } from '../policy/policy.js';
import { ArchiveSealedError } from '../records/archive-key.js';
import type { ArchiveKeyCustody } from '../records/key-custody.js';
import type { KeyShare } from '../records/key-shares.js';
import type { RecordsService } from '../records/records-service.js';
import {
  type ComplianceRow,
  complianceCounts,
  complianceCsv,
  complianceRows,
  itemTitle,
} from './compliance.js';
import { parseMime } from './importers/mime-worker.js';
import type { Db } from './repository.js';
import * as repo from './repository.js';
import type { CoveredStatus } from './twenty-day-rule.js';

/**
 * The capture domain's reads for the records officer: the classification queue, 20-day
 * compliance, device sources, location leaks and the registry, and the answers to its writes.
 */
export class CaptureQueries {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly records?: Pick<RecordsService, 'content' | 'withCipher'>,
  ) {}

  /**
   * A captured item opened with custodians' shares (a split archive key): the body is read
   * with the key they rebuild, for this one view, and the opening is a record naming who took
   * part. The item is looked up (and the actor's right checked) before anything is opened.
   */
  async itemOpened(actor: Actor, itemId: string, shares: KeyShare[], custody: ArchiveKeyCustody) {
    await this.item(actor, itemId);
    custody.assertShares(shares);
    if (!this.records) throw new Error('these queries have no records service to open content with');
    const records = this.records;
    return custody.withArchiveKey(
      shares,
      {
        purpose: 'view',
        detail: `captured item ${itemId}`,
        by: actor.displayName,
        office: actor.officeId,
        actor: actor.userId,
      },
      (cipher) => new CaptureQueries(this.db, this.clock, records.withCipher(cipher)).item(actor, itemId),
    );
  }

  /**
   * One captured item as the records officer opens it: its headers, its body (read from the
   * archived original), its attachments, where its copy was found and its 20-day trail.
   */
  async item(actor: Actor, itemId: string) {
    authorize(actor, 'capture.read', 'see captured items');
    const it = await repo.itemWithRecord(this.db, itemId);
    if (!it || it.office_id !== actor.officeId) throw new NotFoundError('captured item', itemId);
    const s = it.summary as Record<string, unknown>;
    const list = (v: unknown) =>
      Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    let body: string | null = null;
    let sealed: { keyId: string; threshold: number | null; of: number | null } | undefined;
    let raw: Uint8Array | null = null;
    try {
      raw = this.records ? await this.records.content(this.db, it.digest) : null;
    } catch (err) {
      if (!(err instanceof ArchiveSealedError)) throw err;
      const x = err.extras as { keyId: string; threshold?: number; of?: number };
      sealed = { keyId: x.keyId, threshold: x.threshold ?? null, of: x.of ?? null };
    }
    if (raw) {
      if (it.kind === 'email') {
        try {
          body = (await parseMime(raw)).text ?? '';
        } catch {
          body = null;
        }
      } else body = str(s.text) ?? Buffer.from(raw).toString('utf8');
    }
    const row = (await this.compliance(actor)).find((r) => r.itemId === itemId);
    return {
      itemId,
      kind: it.kind,
      account: it.identifier,
      occurredAt: new Date(it.occurred_at).toISOString(),
      category: it.category,
      headers: {
        from: str(s.from),
        to: list(s.to),
        cc: list(s.cc),
        bcc: list(s.bcc),
        subject: str(s.subject),
        messageId: str(s.messageId),
      },
      title: itemTitle(it.kind, s),
      body,
      ...(sealed ? { sealed } : {}),
      attachments: Array.isArray(s.attachments)
        ? (s.attachments as { filename?: unknown; contentType?: unknown; sha256?: unknown }[]).flatMap((a) =>
            typeof a?.filename === 'string' &&
            typeof a.contentType === 'string' &&
            typeof a.sha256 === 'string'
              ? [{ filename: a.filename, contentType: a.contentType, sha256: a.sha256 }]
              : [],
          )
        : [],
      twentyDay: row ? listRow(row) : null,
    };
  }

  /** Items from personal accounts waiting for the records officer to classify (2203(b)). */
  async queue(actor: Actor, page: { limit?: number; after?: string } = {}) {
    authorize(actor, 'capture.review', 'see the classification queue');
    const limit = Math.min(Math.max(page.limit ?? 500, 1), 1000);
    let after: { at: Date; id: string } | undefined;
    if (page.after) {
      const [at, id] = page.after.split('_');
      const d = new Date(at ?? '');
      if (Number.isNaN(d.getTime()) || !/^[0-9a-f-]{36}$/i.test(id ?? ''))
        throw new ValidationError('after must be the cursor the previous page gave.', { field: 'after' });
      after = { at: d, id: id! };
    }
    const items = await repo.unclassifiedItems(this.db, actor.officeId, {
      limit,
      ...(after ? { after } : {}),
    });
    const last = items.at(-1);
    return {
      items,
      next: items.length === limit && last ? `${new Date(last.occurred_at).toISOString()}_${last.id}` : null,
    };
  }

  /** A captured item's classification, after the records officer's decision. */
  async classification(actor: Actor, itemId: string) {
    authorize(actor, 'capture.review', 'classify captured records');
    const item = await repo.findItem(this.db, itemId);
    if (!item || item.office_id !== actor.officeId) throw new NotFoundError('captured item', itemId);
    // Once classified an item is never unknown again (a later decision only changes which).
    if (item.category === 'unknown') throw new ConflictError(`Captured item ${itemId} is not classified.`);
    return { itemId: item.id, category: item.category };
  }

  /** The 20-day rule over every captured item of the actor's office. */
  async compliance(actor: Actor, now = this.clock.now()): Promise<ComplianceRow[]> {
    authorize(actor, 'capture.read', 'see records compliance');
    const rows = await repo.complianceItems(this.db, actor.officeId);
    const officialAccounts = new Set<string>(await repo.officialAccountIdentifiers(this.db));
    for (const email of await repo.officeEmails(this.db, actor.officeId))
      officialAccounts.add(email.toLowerCase());
    return complianceRows(
      rows.map((r) => ({ ...r, covered: r.covered as CoveredStatus })),
      officialAccounts,
      now,
    );
  }

  /**
   * What an import found, for the CLI (no actor: the operator's own run): its items by 20-day
   * state and its location leaks.
   */
  async importReport(importId: string, now = this.clock.now()) {
    const office = await repo.importOffice(this.db, importId);
    if (!office) throw new NotFoundError('import', importId);
    const items = await repo.importItemSummaries(this.db, importId);
    const ids = new Set(items.map((i) => i.id));
    const rows = await repo.complianceItems(this.db, office.office_id);
    const officialAccounts = new Set<string>(await repo.officialAccountIdentifiers(this.db));
    for (const email of await repo.officeEmails(this.db, office.office_id))
      officialAccounts.add(email.toLowerCase());
    const byStatus: Record<string, number> = {};
    // every item of the office goes in (the official copies among them); the import's come out
    for (const r of complianceRows(
      rows.map((r) => ({ ...r, covered: r.covered as CoveredStatus })),
      officialAccounts,
      now,
    ))
      if (ids.has(r.itemId)) byStatus[r.result.status] = (byStatus[r.result.status] ?? 0) + 1;
    const official = rows.find((r) => ids.has(r.id))?.official ?? false;
    return {
      official,
      byStatus,
      locationLeaks: items.filter((i) => (i.summary as { locationLeak?: boolean }).locationLeak).length,
    };
  }

  /**
   * The items behind the dashboard's counts, filtered by person (owner's name), account, kind
   * and status; the same rows the counts are made of, so the two always agree.
   */
  async complianceList(
    actor: Actor,
    filter: { person?: string; account?: string; kind?: string; status?: string[] } = {},
  ) {
    const rows = await this.compliance(actor);
    return rows
      .filter(
        (r) =>
          (!filter.person || r.owner === filter.person) &&
          (!filter.account || r.account === filter.account) &&
          (!filter.kind || r.kind === filter.kind) &&
          (!filter.status?.length || filter.status.includes(r.result.status)),
      )
      .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
      .map(listRow);
  }

  /** The compliance table as CSV (RFC 4180), for the records officer's files. */
  async complianceCsv(actor: Actor): Promise<string> {
    return complianceCsv(await this.compliance(actor));
  }

  /** The records officer's dashboard: counts by status and person, what falls due within 5 days, a monthly series. */
  async complianceSummary(actor: Actor) {
    const counts = complianceCounts(await this.compliance(actor));
    const alerts = await repo.officeOffChannelAlerts(this.db, actor.officeId);
    return {
      ...counts,
      alerts: alerts.map((a) => ({
        kind: a.kind,
        callId: a.call_id,
        capturedItemId: a.captured_item_id,
        leader: a.leader,
        number: a.number,
        at: new Date(a.at).toISOString(),
        state: a.state,
      })),
    };
  }

  /**
   * Which device wrote what: posts per `source` (e.g. "Twitter for iPhone") per month for each X
   * account, and the share of each source's posts that leaked a location (geo, place, photo GPS).
   */
  async deviceSources(actor: Actor) {
    authorize(actor, 'capture.read', 'see device-source analysis');
    const rows = await repo.officeTweets(this.db, actor.officeId);
    const accounts: Record<
      string,
      { sources: Record<string, { posts: number; flagged: number; byMonth: Record<string, number> }> }
    > = {};
    for (const r of rows) {
      const s = r.summary as { source?: string | null; locationLeak?: boolean };
      const src = s.source || 'unknown';
      accounts[r.identifier] ??= { sources: {} };
      const a = accounts[r.identifier]!;
      a.sources[src] ??= { posts: 0, flagged: 0, byMonth: {} };
      const e = a.sources[src]!;
      e.posts++;
      if (s.locationLeak) e.flagged++;
      const m = new Date(r.occurred_at).toISOString().slice(0, 7);
      e.byMonth[m] = (e.byMonth[m] ?? 0) + 1;
    }
    return Object.entries(accounts).map(([account, v]) => ({
      account,
      sources: Object.entries(v.sources).map(([source, e]) => ({
        source,
        posts: e.posts,
        flagged: e.flagged,
        flaggedShare: e.posts ? e.flagged / e.posts : 0,
        byMonth: e.byMonth,
      })),
    }));
  }

  /** Items that leaked a location: tweet geo/coordinates/place, or photo EXIF GPS. */
  async locationLeaks(actor: Actor) {
    authorize(actor, 'capture.read', 'see location leaks');
    const rows = await repo.officeItemSummaries(this.db, actor.officeId);
    return rows
      .filter((r) => (r.summary as { locationLeak?: boolean }).locationLeak)
      .map((r) => {
        const s = r.summary as {
          coordinates?: { coordinates?: [string | number, string | number] } | null;
          place?: { full_name?: string; name?: string } | null;
          photoGps?: { lat: number; lon: number }[];
        };
        const c = s.coordinates?.coordinates;
        const points = [
          ...(c ? [{ lat: Number(c[1]), lon: Number(c[0]) }] : []),
          ...(s.photoGps ?? []).map((g) => ({ lat: g.lat, lon: g.lon })),
        ];
        return {
          itemId: r.id,
          kind: r.kind,
          account: r.identifier,
          at: new Date(r.occurred_at).toISOString(),
          place: s.place?.full_name ?? s.place?.name ?? null,
          points,
        };
      });
  }

  /** The foreign contacts directory (every office's: the leaders are the same for all). */
  async foreignContacts(actor: Actor) {
    authorize(actor, 'capture.contacts', 'see the foreign contacts directory');
    return (await repo.foreignContacts(this.db)).map(contactView);
  }

  /** One directory entry, as shown once changed. */
  async foreignContact(actor: Actor, id: string) {
    authorize(actor, 'capture.contacts', 'see the foreign contacts directory');
    const c = (await repo.foreignContacts(this.db)).find((x) => x.id === id);
    if (!c) throw new NotFoundError('foreign contact', id);
    return contactView(c);
  }

  /** The office's classification rules, retired ones included, in the order they decide. */
  async classificationRules(actor: Actor) {
    authorize(actor, 'capture.review', 'see the classification rules');
    return (await repo.allClassificationRules(this.db, actor.officeId)).map(ruleView);
  }

  /** One rule of the office, as shown once changed. */
  async classificationRule(actor: Actor, id: string) {
    const r = (await this.classificationRules(actor)).find((x) => x.id === id);
    if (!r) throw new NotFoundError('classification rule', id);
    return r;
  }

  /** Official accounts (emails, handles, numbers) and who in the office is covered by 2209(c). */
  async registry(actor: Actor) {
    authorize(actor, 'capture.registry', 'see the records registry');
    const accounts = await repo.officeAccounts(this.db, actor.officeId);
    const people = await repo.officePeople(this.db, actor.officeId);
    return { accounts, people };
  }

  /** A registered account, as the registry shows it once added. */
  async account(actor: Actor, id: string) {
    authorize(actor, 'capture.registry', 'see the records registry');
    const a = await repo.findAccountById(this.db, id);
    if (!a || a.office_id !== actor.officeId) throw new NotFoundError('account', id);
    return { id: a.id, kind: a.kind, identifier: a.identifier };
  }

  /** A person's 2209(c) coverage. */
  async coverage(actor: Actor, userId: string) {
    authorize(actor, 'capture.registry', 'see the records registry');
    const u = await repo.findUserCoverage(this.db, userId);
    if (!u || u.office_id !== actor.officeId) throw new NotFoundError('user', userId);
    return { userId: u.id, covered: u.covered as CoveredStatus };
  }
}

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

function contactView(c: Awaited<ReturnType<typeof repo.foreignContacts>>[number]) {
  return {
    id: c.id,
    kind: c.kind,
    value: c.number,
    leader: c.leader,
    country: c.country,
    officeId: c.office_id,
    source: c.source,
    validFrom: iso(c.valid_from),
    validTo: iso(c.valid_to),
    retiredAt: iso(c.retired_at),
  };
}

function ruleView(r: Awaited<ReturnType<typeof repo.allClassificationRules>>[number]) {
  return {
    id: r.id,
    account: r.account,
    correspondents: r.correspondents,
    from: iso(r.from_date),
    to: iso(r.to_date),
    category: r.category,
    reason: r.reason,
    createdAt: new Date(r.created_at).toISOString(),
    retiredAt: iso(r.retired_at),
  };
}

/** A compliance row as the list shows it: the state, its figures and its trail. */
export function listRow(r: ComplianceRow) {
  const x = r.result;
  const deadline = 'deadline' in x ? x.deadline.toISOString() : null;
  return {
    itemId: r.itemId,
    kind: r.kind,
    owner: r.owner,
    account: r.account,
    occurredAt: r.occurredAt,
    title: r.title,
    category: r.category,
    status: x.status,
    deadline,
    daysLeft: x.status === 'due' ? x.daysLeft : null,
    daysOverdue: x.status === 'overdue' ? x.daysOverdue : x.status === 'late' ? x.daysLate : null,
    copy:
      x.status === 'compliant-forwarded' || x.status === 'late' || x.status === 'compliant-captured'
        ? {
            at: x.at.toISOString(),
            route:
              x.status === 'compliant-captured' ? 'captured' : x.status === 'late' ? x.route : 'forwarded',
            account: 'account' in x ? (x.account ?? null) : null,
            method: 'method' in x ? (x.method ?? null) : null,
            via: 'via' in x ? (x.via ?? null) : null,
          }
        : x.status === 'compliant-copied'
          ? { at: r.occurredAt, route: 'copied' as const, account: x.account, method: null, via: null }
          : null,
    trail: x.trail,
  };
}
