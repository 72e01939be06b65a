import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-control-plane tests run with `npm run test:cluster` (vitest.cluster.config.ts), not here.
    exclude: ['test/cluster/**', 'node_modules/**'],
    // Tests that run dist/ (the CLI, workload servers, worker threads) must not run stale code after an edit in src/.
    globalSetup: ['test/helpers/build-dist-if-stale.ts'],
    // Goldens (toMatchFileSnapshot): a missing one is written on a developer's machine but FAILS in CI, never written
    // there (vitest docs, config/update: with `update` false, "CI runs (process.env.CI is truthy): works same as
    // none", which "does not write snapshots and fails on ... missing snapshots"). Regenerate locally with `-u`.
    update: process.env.CI ? 'none' : false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing-sensitive integration tests must not share the two cores with each other.
    fileParallelism: false,
  },
});
