import { describe } from 'vitest';
import { archiveRoutes } from './matrix/archive.js';
import { runMatrix, setupMatrix } from './matrix/harness.js';

/** The route × role matrix (matrix/harness.ts) for the archive: search, records, holds. */
describe('route × role matrix: archive', () => {
  const w = setupMatrix();
  runMatrix(w, archiveRoutes(w));
});
