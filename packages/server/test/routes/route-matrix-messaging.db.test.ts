import { describe } from 'vitest';
import { runMatrix, setupMatrix } from './matrix/harness.js';
import { messagingRoutes } from './matrix/messaging.js';

/** The route × role matrix (matrix/harness.ts) for messaging's delivery service (MLS). */
describe('route × role matrix: messaging', () => {
  const w = setupMatrix();
  runMatrix(w, messagingRoutes(w));
});
