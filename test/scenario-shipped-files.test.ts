import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { resolvedScenarioSchema, type ResolvedScenario } from '../src/core/scenario-types.js';
import { loadScenario } from '../src/scenario/load-scenario.js';

const scenariosDir = fileURLToPath(new URL('../scenarios/', import.meta.url));
const fs = new NodeFileSystem();
const files = (await fs.readdir(scenariosDir)).filter((f) => f.endsWith('.yaml')).sort();
// A 4-vCPU CI runner, the machine the shipped scenarios are sized for.
const load = (file: string): Promise<ResolvedScenario> => loadScenario(join(scenariosDir, file), { fs, availableCores: 4 });

/** Load time of one system: every repetition of every step warms up, then measures. */
function loadSeconds(s: ResolvedScenario): number {
  return s.repetitions * s.steps.reduce((sum, step) => sum + step.warmupS + step.durationS, 0);
}

describe('the shipped scenarios', () => {
  it('include smoke, default and multi-hop', () => {
    expect(files).toEqual(expect.arrayContaining(['default.yaml', 'multi-hop.yaml', 'smoke.yaml']));
  });

  it.each(files)('%s resolves to a valid scenario named after its file', async (file) => {
    const scenario = await load(file);
    expect(resolvedScenarioSchema.parse(scenario)).toEqual(scenario);
    expect(scenario.name).toBe(basename(file, '.yaml'));
    expect(scenario.description).not.toBe('');
  });
});

describe('smoke.yaml', () => {
  it('puts at most 10 s of load on a system', async () => {
    const smoke = await load('smoke.yaml');
    expect(loadSeconds(smoke)).toBeLessThanOrEqual(10);
  });

  it('covers an open-loop and a closed-loop step', async () => {
    const smoke = await load('smoke.yaml');
    expect(smoke.steps.map((s) => [s.name, s.mode])).toEqual([
      ['rate-200', 'rate'],
      ['c-8', 'connections'],
    ]);
  });
});

describe('default.yaml', () => {
  it('repeats every step at least 5 times', async () => {
    expect((await load('default.yaml')).repetitions).toBeGreaterThanOrEqual(5);
  });

  it('climbs from 100 to 2000 req/s and ends with a closed-loop step of 32 connections', async () => {
    const steps = (await load('default.yaml')).steps;
    expect(steps.map((s) => s.rate)).toEqual([100, 1000, 2000, null]);
    expect(steps.at(-1)).toMatchObject({ mode: 'connections', connections: 32 });
    // 100 req/s measures longer (3000 samples per repetition); no window under 20 s, the least a CPU rate needs.
    expect(steps.map((s) => [s.warmupS, s.durationS])).toEqual([
      [5, 30],
      [3, 20],
      [3, 20],
      [3, 20],
    ]);
  });

  it('uses 1 KiB responses and a 0.1% error budget', async () => {
    const scenario = await load('default.yaml');
    expect(scenario.workload.responseBytes).toBe(1024);
    expect(scenario.errorBudget).toBe(0.001);
  });
});

describe('multi-hop.yaml', () => {
  it('chains three hops at 200 and 1000 req/s, 15 s each, 5 repetitions', async () => {
    const scenario = await load('multi-hop.yaml');
    expect(scenario.workload.hops).toBe(3);
    expect(scenario.repetitions).toBe(5);
    expect(scenario.steps.map((s) => [s.rate, s.durationS])).toEqual([
      [200, 15],
      [1000, 15],
    ]);
  });
});

describe('scale.yaml', () => {
  it('measures 1, 4, 8 and 16 replicas per node, idle and at 100 req/s, projected to 100 nodes × 1000 pods', async () => {
    const scenario = await load('scale.yaml');
    expect(scenario.scale).toEqual({
      replicasPerNode: [1, 4, 8, 16],
      settleS: 30,
      idleS: 60,
      load: { rate: 100, durationS: 60 },
      projection: { nodes: 100, pods: 1000 },
    });
  });
});
