import { describe, expect, it } from 'vitest';
import type { Deps } from '../src/core/deps.js';
import type { LoadRun } from '../src/core/result-schema.js';
import { runResultSchema } from '../src/core/result-schema.js';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import type { Platform, PreparedSystem } from '../src/platform/platform.js';
import { measureStep } from '../src/pipeline/measure-step.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { latencyProfile, makeRepetition } from './helpers/repetition-factory.js';

/**
 * An slo step measured by the pipeline: every probe goes through the platform's measure as a rate step, each
 * repetition keeps its search, and the report gives each system's capacity and its ratio to the baseline's. The
 * platform models systems of known capacity (below it p99 is 2 ms, above it the rate is not sustained) and refuses
 * any step that is not a rate probe.
 */
const CAPACITY: Record<string, number> = { baseline: 1000, slower: 600, faster: 1_000_000 };

const SCENARIO = `
name: capacity
repetitions: 2
steps:
  - mode: slo
    name: cap
    objective: { p99: 5ms }
    startRate: 100
    precision: 2%
    engineCeiling: 4000
    duration: 1s
    warmup: 0s
`;

function modelRun(step: ResolvedLoadStep, capacity: number): LoadRun {
  const rate = step.rate!;
  const ok = rate <= capacity;
  const achieved = ok ? rate : capacity;
  const rep = makeRepetition({
    sentUs: latencyProfile({ p50Us: 1000, p99Us: ok ? 2000 : 2000 }),
    status: ok ? 'valid' : 'invalid',
    invalidReasons: ok ? [] : [`achieved rate ${achieved.toFixed(1)}/${rate} req/s (${((achieved / rate) * 100).toFixed(1)}%) is below 99% of target`],
  });
  const { repetition: _r, resources: _res, install: _i, ...run } = rep;
  return { ...run, step, targetRate: rate, achievedRate: achieved };
}

function modelPlatform(probed: Array<{ variant: string; step: ResolvedLoadStep; errorBudget: number }>): Platform {
  return {
    target: 'local',
    supports: (id) => id in CAPACITY,
    unsupportedReason: (id) => `${id} is not modelled`,
    async prepare(id): Promise<PreparedSystem> {
      return {
        variants: [id],
        async measure(variant, step, o) {
          if (step.mode !== 'rate' || step.rate === null) throw new Error(`the model measures rate probes only, got ${step.mode}`);
          probed.push({ variant, step, errorBudget: o.errorBudget });
          return { run: modelRun(step, CAPACITY[variant]!), resources: null };
        },
        versions: () => ({}),
        meshComponents: () => [],
        teardown: async () => {},
      };
    },
  };
}

describe('mode slo through the pipeline', () => {
  it('keeps each repetition\'s search, and reports capacity per system with its ratio to the baseline', async () => {
    const fs = new MemoryFileSystem({ '/scenario.yaml': SCENARIO });
    const deps: Deps = { runner: new FakeRunner(), fs, clock: new FakeClock(), logger: new RecordingLogger(), cwd: '/', env: {} };
    const probed: Array<{ variant: string; step: ResolvedLoadStep; errorBudget: number }> = [];
    const outcome = await runBenchmark(
      { scenarioPath: '/scenario.yaml', systems: ['baseline', 'slower', 'faster'], outDir: '/results', command: ['bench', 'run'] },
      { ...deps, platform: modelPlatform(probed), availableCores: 2, signal: new AbortController().signal, repoDir: '/repo' },
    );
    const result = runResultSchema.parse(JSON.parse(fs.read(`${outcome.dir}/results.json`)!));
    // Probes are rate steps with the step's window, a pool derived from their rate, and the objective's error budget.
    expect(probed[0]!.step).toMatchObject({ name: 'cap@100', mode: 'rate', rate: 100, connections: 8, durationS: 1, warmupS: 0 });
    expect(probed.every((p) => p.errorBudget === 0.001 && p.step.rate! <= 4000)).toBe(true);

    const reps = (id: string) => result.systems.find((s) => s.id === id)!.steps[0]!.repetitions;
    for (const rep of reps('baseline')) {
      expect(rep.mode).toBe('slo');
      expect(rep.status).toBe('valid');
      expect(rep.slo!.found!).toBeLessThanOrEqual(1000);
      expect(rep.slo!.found!).toBeGreaterThanOrEqual(1000 / 1.02);
      // The repetition's numbers are the probe at the rate found.
      expect(rep.targetRate).toBe(rep.slo!.found);
      expect(rep.slo!.ceiling).toEqual({ rate: 4000, source: 'the scenario (engineCeiling)' });
    }
    expect(reps('faster').map((r) => [r.slo!.found, r.slo!.atCeiling])).toEqual([[4000, true], [4000, true]]);
    // Latency at different capacities is not compared: the step has no comparison.
    expect(result.comparisons.filter((c) => c.step === 'cap')).toEqual([]);

    const report = fs.read(`${outcome.dir}/report.md`)!;
    expect(report).toBe(renderMarkdown(result));
    const section = report.slice(report.indexOf('## Capacity under a latency objective'));
    expect(section).toContain('### cap: p99 ≤ 5 ms, errors ≤ 0.1%');
    const row = (id: string) => section.split('\n').find((l) => l.startsWith(`| ${id} `))!;
    const baseline = reps('baseline').map((r) => r.slo!.found!);
    const slower = reps('slower').map((r) => r.slo!.found!);
    const median = (xs: number[]) => Math.round((xs[0]! + xs[1]!) / 2);
    expect(row('baseline')).toContain(`| ${median(baseline)} req/s |`);
    expect(row('slower')).toContain(`| ${(median(slower) / median(baseline)).toFixed(2)}× |`);
    // At the engine's ceiling the capacity and the ratio are bounds.
    expect(row('faster')).toContain('| ≥ 4000 req/s |');
    expect(row('faster')).toContain(`| ≥ ${(4000 / median(baseline)).toFixed(2)}× |`);
    expect(section).toContain('Engine ceiling: the scenario (engineCeiling).');
  });

  it('leaves rate and closed-loop steps to the platform unchanged', async () => {
    const seen: ResolvedLoadStep[] = [];
    const step: ResolvedLoadStep = { name: 'c-4', mode: 'connections', rate: null, connections: 4, maxConnections: 4, durationS: 1, warmupS: 0, arrival: 'uniform', workers: 1, timeoutMs: 1000 };
    const run = modelRun({ ...step, mode: 'rate', rate: 10 }, 100);
    const m = await measureStep(
      { measure: async (_v, s) => (seen.push(s), { run, resources: null }) },
      'baseline',
      step,
      { errorBudget: 0.001, thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 }, seed: 1, signal: new AbortController().signal },
    );
    expect(seen).toEqual([step]);
    expect(m.run).toBe(run);
  });

  it('marks the repetition invalid, with the reason, when a probe found the target changed', async () => {
    const step: ResolvedLoadStep = {
      name: 'cap', mode: 'slo', rate: null, connections: 8, maxConnections: 64, durationS: 1, warmupS: 0, arrival: 'uniform', workers: 1, timeoutMs: 1000,
      slo: { objective: { latency: [{ percentile: 'p99', maxUs: 5000 }], errorRate: 0.001 }, startRate: 100, minRate: 10, maxRate: null, engineCeiling: 4000, precision: 0.05, confirmations: 2, connections: null, maxConnections: null },
    };
    let n = 0;
    const m = await measureStep(
      {
        measure: async (_v, s) => {
          const run = modelRun(s, 1000);
          // The second probe: a pod restarted under it.
          return ++n === 2 ? { run: { ...run, status: 'invalid', invalidReasons: ['target not intact: pod bench/server-0 restarted'] }, resources: null } : { run, resources: null };
        },
      },
      'baseline',
      step,
      { errorBudget: 0.001, thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 }, seed: 1, signal: new AbortController().signal },
    );
    expect(m.run.status).toBe('invalid');
    expect(m.run.invalidReasons).toEqual(['SLO search: probe at 100 req/s broke: target not intact: pod bench/server-0 restarted']);
    expect(m.run.slo!.found).toBeNull();
  });

  it('bounds the search by the measured engine ceiling when the scenario gives none, and says so when none could be measured', async () => {
    const step: ResolvedLoadStep = {
      name: 'cap', mode: 'slo', rate: null, connections: 8, maxConnections: 64, durationS: 1, warmupS: 0, arrival: 'uniform', workers: 1, timeoutMs: 1000,
      slo: { objective: { latency: [{ percentile: 'p99', maxUs: 5000 }], errorRate: 0.001 }, startRate: 100, minRate: 10, maxRate: null, engineCeiling: null, precision: 0.05, confirmations: 1, connections: null, maxConnections: null },
    };
    const options = { errorBudget: 0.001, thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 }, seed: 1, signal: new AbortController().signal };
    const system = { measure: async (_v: string, s: ResolvedLoadStep) => ({ run: modelRun(s, 1_000_000), resources: null }) };
    const bounded = await measureStep(system, 'baseline', step, options, async () => ({ rate: 300, source: 'measured: 300' }));
    expect(bounded.run.slo).toMatchObject({ found: 300, atCeiling: true, ceiling: { rate: 300, source: 'measured: 300' } });
    expect(bounded.run.status).toBe('valid');
    const unmeasured = await measureStep(system, 'baseline', step, options, async () => null);
    expect(unmeasured.run.status).toBe('invalid');
    expect(unmeasured.run.slo!.probes).toEqual([]);
    expect(unmeasured.run.invalidReasons[0]).toMatch(/^SLO search: the engine's ceiling could not be measured/);
  });
});
