import { beforeAll } from 'vitest';

// A setup file for mutation runs only (test/mutation/vitest.mutation.config.ts). Stryker's instrumented code finds the
// active mutant in `globalThis.__stryker__.activeMutant` and, where that is unset (a child process), in the
// environment variable `__STRYKER_ACTIVE_MUTANT__` (@stryker-mutator/instrumenter 9.6.1, util/syntax-helpers.js; the
// name is the api's INSTRUMENTER_CONSTANTS.ACTIVE_MUTANT_ENV_VARIABLE). The vitest runner sets only the global, in
// its own setup file, which runs before this one (hooks run in the order registered). The workload servers and the
// built CLI that tests start are child processes running the sandbox's instrumented dist/, and they inherit
// process.env: copied there, the mutant under test is switched on in them too, so a loopback test that depends on
// the server's behaviour can kill a mutant of the server's code.
type StrykerNamespace = { activeMutant?: string | number };

beforeAll(() => {
  const active = (globalThis as { __stryker__?: StrykerNamespace }).__stryker__?.activeMutant;
  if (active === undefined) delete process.env.__STRYKER_ACTIVE_MUTANT__;
  else process.env.__STRYKER_ACTIVE_MUTANT__ = String(active);
});
