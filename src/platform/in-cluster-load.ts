import type { LoadRun } from '../core/result-schema.js';
import { loadRunSchema } from '../core/result-schema.js';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import type { MeasureOptions } from './platform.js';

/**
 * In-cluster load: each step runs as `bench load <server url> --json …` exec'd into the load-client pod, so requests
 * leave from the pod's own network namespace (through its sidecar or ztunnel, across the cluster network to the
 * server Service: the path a mesh sits on; never `kubectl port-forward`, which bypasses sidecars). The step's
 * result comes back on stdout in the same LoadRun schema as a local run.
 */
export const IN_POD_BENCH = ['node', 'bin/bench.js'] as const;

/** The flags that make `bench load` resolve to exactly `step` (round trip tested in test/cluster-in-pod-load-argv). */
export function loadArgv(url: string, step: ResolvedLoadStep, o: Pick<MeasureOptions, 'errorBudget' | 'seed' | 'thresholds'>): string[] {
  const argv = [...IN_POD_BENCH, 'load', url, '--json'];
  if (step.mode === 'rate') {
    argv.push('--rate', String(step.rate), '--connections', String(step.connections), '--max-connections', String(step.maxConnections));
  } else {
    argv.push('--connections', String(step.connections));
    if (step.mode === 'max') argv.push('--max');
  }
  argv.push(
    '--duration',
    `${step.durationS}`,
    '--warmup',
    `${step.warmupS}`,
    '--timeout',
    `${step.timeoutMs}ms`,
    '--arrival',
    step.arrival,
    '--workers',
    String(step.workers),
    '--error-budget',
    String(o.errorBudget),
    '--seed',
    String(o.seed),
    // The pod judges validity itself: it must judge with the scenario's thresholds, not `bench load`'s defaults.
    // (maxCv concerns repetitions, which the pipeline judges, not one step.)
    '--min-rate-fraction',
    String(o.thresholds.minRateFraction),
    '--littles-law-tolerance',
    String(o.thresholds.littlesLawTolerance),
  );
  return argv;
}

/** How long the exec may take: warm-up, window, the drain's timeout, and start-up slack. */
export function execTimeoutMs(step: ResolvedLoadStep): number {
  return Math.ceil((step.warmupS + step.durationS) * 1000 + step.timeoutMs + 60_000);
}

/**
 * Reads the pod's answer. `bench load` exits 1 for a step it judged invalid and still prints the result, so the
 * exit code alone does not decide; an unreadable stdout does.
 */
export function parseInPodResult(stdout: string, step: ResolvedLoadStep): LoadRun {
  let data: unknown;
  try {
    data = JSON.parse(stdout);
  } catch {
    throw new Error(`load client printed no JSON result (first 200 bytes: ${JSON.stringify(stdout.slice(0, 200))})`);
  }
  const run = loadRunSchema.parse(data);
  // Same parameters, resolved in the pod; the name is the scenario's.
  return { ...run, step: { ...run.step, name: step.name } };
}
