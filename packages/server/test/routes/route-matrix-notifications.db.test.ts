import { describe } from 'vitest';
import { runMatrix, setupMatrix } from './matrix/harness.js';
import { notificationRoutes } from './matrix/notifications.js';

/** The route × role matrix (matrix/harness.ts) for notifications: one's own list and choices. */
describe('route × role matrix: notifications', () => {
  const w = setupMatrix();
  runMatrix(w, notificationRoutes(w));
});
