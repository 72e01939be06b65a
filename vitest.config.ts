import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Timing-sensitive integration tests must not share the two cores with each other.
    fileParallelism: false,
  },
});
