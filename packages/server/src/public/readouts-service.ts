import type { CallQueries } from '../calls/queries.js';
import type { PublicReadout } from './readouts-site.js';

/**
 * Published readouts for the public site: no login, read-only. The calls domain's queries read
 * them, with the record content built by the same function that published them.
 */
export class ReadoutsService {
  constructor(private readonly queries: CallQueries) {}

  async list(
    query: string,
    page: number,
    perPage = 20,
  ): Promise<{ readouts: PublicReadout[]; total: number; pageCount: number }> {
    return this.queries.publishedReadouts(query, page, perPage);
  }

  async get(id: string): Promise<PublicReadout | null> {
    return this.queries.publishedReadout(id);
  }
}
