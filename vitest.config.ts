import { defineConfig } from 'vitest/config';

/**
 * Test projects:
 * - unit: pure logic beside each package (no database).
 * - db-pglite: tests named *.db.test.ts on an in-memory PGlite per file.
 * - db-postgres: the same files on PostgreSQL (TEST_DATABASE_URL), each file in its own schema.
 * - e2e: Playwright in Debian's Chromium against a real server (*.e2e.test.ts).
 */
const dbTests = ['packages/*/test/**/*.db.test.ts'];
const projects = [
  {
    test: {
      name: 'unit',
      include: ['packages/*/test/**/*.test.ts'],
      exclude: [...dbTests, '**/node_modules/**'],
      testTimeout: 60_000,
    },
  },
  {
    test: {
      name: 'db-pglite',
      include: dbTests,
      env: { HOTLINE_TEST_DB: 'pglite' },
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          test: {
            name: 'db-postgres',
            include: dbTests,
            env: { HOTLINE_TEST_DB: 'postgres' },
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
      ]
    : []),
  {
    test: {
      name: 'e2e',
      include: ['e2e/**/*.e2e.test.ts'],
      testTimeout: 180_000,
      hookTimeout: 180_000,
      fileParallelism: false,
    },
  },
];

export default defineConfig({
  test: {
    projects,
    maxWorkers: 2,
  },
});
