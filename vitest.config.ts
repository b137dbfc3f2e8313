import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration suites share real services (Postgres, MariaDB, kernels): files run one at a time on 2 cores.
    fileParallelism: false,
    pool: 'forks',
  },
});
