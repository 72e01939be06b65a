import type { ResolvedWorkloadServerOptions } from '../../src/workload/options.js';

/**
 * What the workload server runs with when no flag, variable or option is given, written out by hand (not read from
 * the source) so the tests comparing against it check the defaults independently.
 */
export const WORKLOAD_DEFAULTS: ResolvedWorkloadServerOptions = {
  host: '127.0.0.1',
  port: 0,
  responseBytes: 0,
  serviceDelayUs: 0,
  nextHop: null,
  closeEvery: 0,
  closeEveryAbrupt: false,
  stall: null,
  recordArrivals: false,
  name: 'hop-1',
  shutdownTimeoutMs: 5000,
};
