import { describe, expect, it } from 'vitest';
import { createPGlite, pgliteSharedBuffers } from '../src/db/pglite-open.js';

describe('the embedded database’s buffer cache (HOTLINE_PGLITE_SHARED_BUFFERS)', () => {
  it('is 32MB unless set, takes a PostgreSQL size, and refuses anything else saying what to give', () => {
    expect(pgliteSharedBuffers({})).toBe('32MB');
    expect(pgliteSharedBuffers({ HOTLINE_PGLITE_SHARED_BUFFERS: ' 128MB ' })).toBe('128MB');
    expect(() => pgliteSharedBuffers({ HOTLINE_PGLITE_SHARED_BUFFERS: 'lots' })).toThrow(
      'HOTLINE_PGLITE_SHARED_BUFFERS is "lots": give a size such as 32MB or 128MB (a number followed by kB, MB or GB).',
    );
  });

  it('is what PostgreSQL runs with', async () => {
    const pg = await createPGlite();
    try {
      const r = await pg.query<{ sb: string }>("select current_setting('shared_buffers') as sb");
      expect(r.rows[0]!.sb).toBe('32MB');
    } finally {
      await pg.close();
    }
  });
});
