import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the tests against a real control plane (test/cluster/, started by
 * test/helpers/control-plane.ts from the binaries test/control-plane/build-tools.sh builds). Each file starts its own
 * control plane; one file at a time, since the machine's cores are the control plane's too.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    // As in vitest.config.ts: never run a dist/ older than src/.
    globalSetup: ['test/helpers/build-dist-if-stale.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
