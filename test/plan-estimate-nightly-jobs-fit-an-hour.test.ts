import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../src/cli/commands/plan-command.js';
import { ExitCode } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { parseEstimates } from '../src/platform/estimates.js';
import { estimatePlan, type PlanEstimate } from '../src/platform/plan-estimate.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { systemJob } from './helpers/nightly-workflow.js';

/**
 * The wall-time target of issue 9 (build 3), on paper: every nightly job — `bench run --mesh baseline,<system>` on
 * scenarios/default.yaml plus the workflow's steps around it — fits in 60 minutes by `bench plan --estimate`.
 */
const SOURCE = 'clusters/estimates.yaml';
const estimates = { ...parseEstimates(readFileSync(new URL(`../${SOURCE}`, import.meta.url), 'utf8'), SOURCE), source: SOURCE };
const scenarioText = readFileSync(new URL('../scenarios/default.yaml', import.meta.url), 'utf8');
const scenario = parseScenario(scenarioText, 'scenarios/default.yaml', 2);
const matrix = systemJob.strategy!.matrix!.system as string[];
/** What the job's MESH expression gives (asserted literally in test/nightly-matrix-covers-every-registered-system.test.ts). */
const meshOf = (system: string): string[] => (system === 'baseline' ? ['baseline'] : ['baseline', system]);

function estimateOf(systems: string[]): PlanEstimate {
  const platform = new ClusterPlatform(clusterRunFixture().options);
  return estimatePlan(
    systems.map((id) => platform.planInput(id, scenario)),
    estimates,
    SOURCE,
  );
}

async function planEstimateText(systems: string[]): Promise<string> {
  const f = clusterRunFixture();
  let text = '';
  const code = await planCommand({
    systems,
    scenarioPath: 'scenarios/default.yaml',
    options: { ...f.options, workRoot: '/tmp/mesh-bench-plan' },
    deps: { fs: new NodeFileSystem() },
    availableCores: 2,
    io: { out: (t) => (text += t), err: () => {} },
    estimates,
  });
  expect(code).toBe(ExitCode.ok);
  return text;
}

const jobs = matrix.map((system) => ({ system, estimate: estimateOf(meshOf(system)) }));
const slowest = jobs.reduce((a, b) => (b.estimate.job!.totalS > a.estimate.job!.totalS ? b : a));

describe('bench plan --estimate for the nightly', () => {
  it.each(jobs.map((j) => [j.system, j.estimate] as const))('the %s job fits in 60 minutes, runner set-up included', (_system, e) => {
    expect(e.job).toBeDefined();
    expect(e.job!.totalS).toBeLessThanOrEqual(60 * 60);
    expect(e.job!.totalS).toBe(e.runS + e.job!.steps.reduce((sum, s) => sum + s.seconds, 0));
  });

  it('keeps at least 5 repetitions in the default scenario', () => {
    expect(scenario.repetitions).toBeGreaterThanOrEqual(5);
  });

  it('the slowest job is istio-ambient-cilium’s (Cilium and Istio ambient installed on one cluster)', () => {
    expect(slowest.system).toBe('istio-ambient-cilium');
  });

  it('prints the slowest job’s estimate per phase, system and job (golden)', async () => {
    const text = await planEstimateText(meshOf(slowest.system));
    await expect(text).toMatchFileSnapshot('fixtures/plan/nightly-istio-ambient-cilium.estimate.md');
    // The printed total is the one computed, and under the hour.
    const total = /^\| \*\*job total\*\* \| \*\*(\d+)m(\d+)?s?\*\* \|$/m.exec(text);
    expect(total).not.toBeNull();
    expect(Number(total![1]) * 60 + Number(total![2] ?? 0)).toBe(Math.round(slowest.estimate.job!.totalS));
  });

  it('measures exactly what the scenario says: every namespace, step and repetition, plus the per-step overhead', () => {
    const e = slowest.estimate;
    const measured = e.rows.filter((r) => r.phase.startsWith('measure '));
    // baseline: 1 namespace; the mesh: its enrolled and its unenrolled namespace.
    expect(measured).toHaveLength(3 * scenario.steps.length);
    const perNamespace = scenario.steps.reduce((sum, s) => sum + scenario.repetitions * (s.warmupS + s.durationS + estimates.measureOverheadPerStep), 0);
    expect(measured.reduce((sum, r) => sum + r.seconds, 0)).toBe(3 * perNamespace);
    expect(measured.map((r) => r.phase)).toContain(`measure ${slowest.system}/unmeshed ${scenario.steps[0]!.name}`);
  });
});
