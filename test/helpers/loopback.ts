import { startLocalChain, type LocalChain } from '../../src/workload/local-servers.js';
import type { ResolvedLoadStep, Thresholds } from '../../src/core/scenario-types.js';
import { runLoad } from '../../src/load/engine.js';
import type { LoadRun } from '../../src/core/result-schema.js';
import { measuringCpuWait, tooBusyToJudge } from './cpu-wait.js';

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

/**
 * A step against `chain`, with the CPU wait of this process and the chain's servers during it. A test asserts its
 * timing bounds only on a run the machine left alone (`tooBusyToJudge`), and skips them with the reason otherwise: at
 * load averages of 6 and more the bounds measure the neighbours, and a mutant "killed" by them was not caught by the
 * test (Stryker runs these on a busy machine).
 */
export async function timedLoad(chain: LocalChain, s: Parameters<typeof step>[0], errorBudget = 0.001): Promise<{ run: LoadRun; busy: string | null }> {
  const { value, wait } = await measuringCpuWait([process.pid, ...chain.hops.map((h) => h.pid)], () => load(chain.url, step(s), errorBudget));
  return { run: value, busy: tooBusyToJudge(wait) };
}
