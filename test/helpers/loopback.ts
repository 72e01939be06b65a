import { startLocalChain, type LocalChain } from '../../src/workload/local-servers.js';
import type { ResolvedLoadStep, Thresholds } from '../../src/core/scenario-types.js';
import { runLoad } from '../../src/load/engine.js';
import type { LoadRun } from '../../src/core/result-schema.js';

/** The real workload server as a child process on 127.0.0.1 (npm test builds dist/ first). */
export function server(p: { serviceDelayUs?: number; flags?: string[]; hops?: number } = {}): Promise<LocalChain> {
  return startLocalChain({ hops: p.hops ?? 1, responseBytes: 256, serviceDelayUs: p.serviceDelayUs ?? 0, extraFlags: p.flags ?? [] });
}

export const thresholds: Thresholds = { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 };

export function step(p: Partial<ResolvedLoadStep> & Pick<ResolvedLoadStep, 'mode'>): ResolvedLoadStep {
  return {
    name: 'test',
    rate: null,
    connections: 4,
    maxConnections: p.connections ?? 4,
    durationS: 1,
    warmupS: 0.2,
    arrival: 'uniform',
    workers: 1,
    timeoutMs: 5000,
    ...p,
  };
}

export function load(url: string, s: ResolvedLoadStep, errorBudget = 0.001): Promise<LoadRun> {
  return runLoad({ url, step: s, errorBudget, thresholds, seed: 1 });
}
