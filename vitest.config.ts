import { defineConfig } from 'vitest/config';

// Two projects: unit tests are pure and run in parallel; integration and e2e tests touch
// real namespaces, bridges and cgroups as root and run one file at a time, so each file's
// leak check (test/support/leaks.ts) sees only what that file did.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
