import { describe, expect, it } from 'vitest';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import type { Measurement } from '../src/platform/platform.js';
import { measureStep, type CeilingSource } from '../src/pipeline/measure-step.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { latencyProfile, makeRepetition } from './helpers/repetition-factory.js';

/**
 * One repetition of an slo step (src/pipeline/measure-step.ts): the search's probes are measured like rate steps; the
 * repetition's numbers are those of the last valid probe at the rate found (not the first, nor a later probe at
 * another rate); when no rate met the objective, those of the last probe, invalid with the lowest rate that missed;
 * with no engine ceiling, an empty invalid run. A target failure under any probe is handed on.
 */
const SCENARIO = `
name: capacity
repetitions: 1
steps:
  - mode: slo
    name: cap
    objective: { p99: 5ms }
    startRate: 100
    precision: 2%
    confirmations: 2
    engineCeiling: 200
    duration: 1s
    warmup: 0s
`;

async function sloStep(): Promise<ResolvedLoadStep> {
  const scenario = await loadScenario('/s.yaml', { fs: new MemoryFileSystem({ '/s.yaml': SCENARIO }), availableCores: 2 });
  return scenario.steps[0]!;
}

const options = { errorBudget: 0.01, thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 }, seed: 7, signal: new AbortController().signal };

/** A probe's run at `rate`: p99 2 ms at or below `capacity`, 10 ms above; throughput tags which probe it was. */
function probeRun(step: ResolvedLoadStep, capacity: number, tag: number): Measurement['run'] {
  const rate = step.rate!;
  const us = latencyProfile({ p50Us: 1000, p99Us: rate <= capacity ? 2000 : 10_000 });
  const { repetition: _r, resources: _res, install: _i, ...run } = makeRepetition({ sentUs: us, intendedUs: us });
  return { ...run, step, targetRate: rate, achievedRate: rate, throughput: tag };
}

/** A system of known capacity recording each probe's rate; `extra` decorates the n-th measurement. */
function modelSystem(capacity: number, extra: (n: number) => Partial<Measurement> = () => ({})) {
  const rates: number[] = [];
  return {
    rates,
    async measure(_variant: string, step: ResolvedLoadStep): Promise<Measurement> {
      if (step.mode !== 'rate' || step.rate === null) throw new Error(`probes are rate steps, got ${step.mode}`);
      rates.push(step.rate);
      return { run: probeRun(step, capacity, rates.length), resources: null, ...extra(rates.length) };
    },
  };
}

describe('an slo repetition', () => {
  it('is the last valid probe at the rate found, not the first one there nor a later one elsewhere', async () => {
    const system = modelSystem(100);
    const m = await measureStep(system, 'baseline', await sloStep(), options);
    expect(m.run.slo?.found).toBe(100);
    // Two confirmations at 100 (probes 1 and 2), then misses above it.
    expect(system.rates.slice(0, 3)).toEqual([100, 100, 200]);
    expect(system.rates.length).toBeGreaterThan(4);
    expect(m.run.throughput).toBe(2);
    expect(m.run.mode).toBe('slo');
    expect(m.run.step.name).toBe('cap');
    expect(m.run.status).toBe('valid');
    expect(m.run.invalidReasons).toEqual([]);
    expect(m).not.toHaveProperty('targetFailure');
  });

  it('with no rate meeting the objective is the last probe, invalid, naming the lowest rate that missed', async () => {
    const step = await sloStep();
    // The ceiling below the minimum rate: the lowest rate probed is the ceiling's, not minRate.
    const low: ResolvedLoadStep = { ...step, slo: { ...step.slo!, engineCeiling: 30, minRate: 50 } };
    const system = modelSystem(0);
    const m = await measureStep(system, 'baseline', low, options);
    expect(system.rates).toEqual([30, 30]);
    expect(m.run.slo?.found).toBeNull();
    expect(m.run.throughput).toBe(2);
    expect(m.run.status).toBe('invalid');
    expect(m.run.invalidReasons).toEqual(['SLO search: no rate met the objective (the lowest probed, 30 req/s, missed it)']);
  });

  it('without an engine ceiling is an empty invalid run saying why, with nothing probed', async () => {
    const step = await sloStep();
    const unmeasured: ResolvedLoadStep = { ...step, slo: { ...step.slo!, engineCeiling: null } };
    const asked: string[] = [];
    const none: CeilingSource = async (s) => {
      asked.push(s.name);
      return null;
    };
    const system = modelSystem(100);
    const m = await measureStep(system, 'baseline', unmeasured, options, none);
    expect(asked).toEqual(['cap']);
    expect(system.rates).toEqual([]);
    const reason = "the engine's ceiling could not be measured: no fixed rate met bench calibrate's pacing targets on loopback";
    expect(m.run.slo).toEqual({
      objective: step.slo!.objective,
      ceiling: null,
      found: null,
      upperMiss: null,
      atCeiling: false,
      atMaxRate: false,
      belowMinRate: false,
      broken: reason,
      probes: [],
    });
    expect(m.run.status).toBe('invalid');
    expect(m.run.invalidReasons).toEqual([`SLO search: ${reason}`]);
    expect(m.run.url).toBe('');
    expect(m.run.warnings).toEqual([]);
    expect(m.run.achievedRate).toBe(0);
    expect(m.resources).toBeNull();
    expect(m).not.toHaveProperty('targetFailure');
  });

  it('hands on the first target failure any probe reported', async () => {
    const died = new Error('the workload server exited with code 137 during the step');
    const again = new Error('the workload server is gone');
    const system = modelSystem(100, (n) => (n === 2 ? { targetFailure: died } : n === 3 ? { targetFailure: again } : {}));
    const m = await measureStep(system, 'baseline', await sloStep(), options);
    expect(m.targetFailure).toBe(died);
  });

  it('refuses a step in mode slo without its search settings, naming the step', async () => {
    const { slo: _slo, ...bare } = await sloStep();
    await expect(measureStep(modelSystem(100), 'baseline', bare, options)).rejects.toThrow(/^step cap is in mode slo without its search settings$/);
  });
});
