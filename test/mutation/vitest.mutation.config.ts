import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.config.js';

// The suite's config plus one setup file that switches the mutant under test on in the child processes tests start
// (see child-processes-share-the-mutant.ts). Used by Stryker only (stryker.config.json `vitest.configFile`).
export default mergeConfig(base, defineConfig({ test: { setupFiles: ['test/mutation/child-processes-share-the-mutant.ts'] } }));
