import { describe, expect, it } from 'vitest';
import { resolvedScenarioSchema } from '../src/core/scenario-types.js';
import { loadScenario, parseScenario } from '../src/scenario/load-scenario.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

const parse = (text: string, availableCores = 4) => parseScenario(text, 'scenarios/test.yaml', availableCores);
const oneStep = (step: string, extra = ''): string => `name: test\n${extra}steps:\n  - ${step}\n`;

describe('a minimal scenario resolves to the documented defaults', () => {
  const scenario = parse(oneStep('{ mode: rate, rate: 500 }'));

  it('at the scenario level', () => {
    expect(scenario).toMatchObject({
      name: 'test',
      description: '',
      source: 'scenarios/test.yaml',
      repetitions: 5,
      seed: 1,
      errorBudget: 0.001,
      workload: { responseBytes: 1024, serviceDelayUs: 0, hops: 1, replicas: 1, path: '/' },
      thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
    });
  });

  it('for each step', () => {
    expect(scenario.steps).toEqual([
      {
        name: 'rate-500',
        mode: 'rate',
        rate: 500,
        connections: 8,
        maxConnections: 125,
        durationS: 10,
        warmupS: 2,
        arrival: 'uniform',
        workers: 1,
        timeoutMs: 10_000,
      },
    ]);
  });

  it('and the result satisfies the resolved-scenario contract', () => {
    expect(resolvedScenarioSchema.parse(scenario)).toEqual(scenario);
  });
});

describe('rate steps size their connection pools from the rate', () => {
  const pools = (rate: number) => {
    const step = parse(oneStep(`{ mode: rate, rate: ${rate} }`)).steps[0];
    return { connections: step?.connections, maxConnections: step?.maxConnections };
  };

  it('opening at least 8 connections at low rates', () => {
    expect(pools(100)).toEqual({ connections: 8, maxConnections: 64 });
  });

  it('opening rate × 2 ms connections at high rates, growing to rate × 250 ms', () => {
    expect(pools(4000)).toEqual({ connections: 8, maxConnections: 1000 });
    expect(pools(10_000)).toEqual({ connections: 20, maxConnections: 2500 });
  });

  it('capping the growth at 4096 connections', () => {
    expect(pools(100_000)).toEqual({ connections: 200, maxConnections: 4096 });
  });

  it('never capping below the connections opened at start', () => {
    // The 4096 cap never undercuts the pool opened at start (rates that high are above the rate limit, so: explicit).
    const step = parse(oneStep('{ mode: rate, rate: 100000, connections: 6000 }')).steps[0];
    expect({ connections: step?.connections, maxConnections: step?.maxConnections }).toEqual({ connections: 6000, maxConnections: 6000 });
  });

  it('deriving maxConnections from explicit connections', () => {
    const step = parse(oneStep('{ mode: rate, rate: 100, connections: 16 }')).steps[0];
    expect(step?.maxConnections).toBe(128);
  });

  it('keeping explicit values', () => {
    const step = parse(oneStep('{ mode: rate, rate: 100, connections: 2, maxConnections: 3 }')).steps[0];
    expect(step).toMatchObject({ connections: 2, maxConnections: 3 });
  });
});

describe('closed-loop steps', () => {
  it('keep exactly their connections and have no rate', () => {
    const step = parse(oneStep('{ mode: connections, connections: 32 }')).steps[0];
    expect(step).toMatchObject({ name: 'c-32', mode: 'connections', rate: null, connections: 32, maxConnections: 32 });
  });

  it('are named after their mode and connections', () => {
    expect(parse(oneStep('{ mode: max, connections: 64 }')).steps[0]?.name).toBe('max-64');
  });
});

describe('step settings', () => {
  const text = [
    'name: test',
    'defaults: { duration: 1m30s, warmup: 500ms, timeout: 1.5s, arrival: poisson, workers: 3 }',
    'steps:',
    '  - { mode: rate, rate: 100 }',
    '  - { name: short, mode: rate, rate: 100, duration: 5, warmup: 0, timeout: 250ms, arrival: uniform, workers: 1 }',
    '  - { mode: connections, connections: 4 }',
    '  - { mode: connections, connections: 8, arrival: uniform }',
  ].join('\n');
  const [inherited, overridden, closedLoop, closedLoopWithArrival] = parse(text).steps;

  it('come from defaults when the step leaves them out', () => {
    expect(inherited).toMatchObject({ durationS: 90, warmupS: 0.5, timeoutMs: 1500, arrival: 'poisson', workers: 3 });
  });

  it('come from the step when it sets them', () => {
    expect(overridden).toMatchObject({ name: 'short', durationS: 5, warmupS: 0, timeoutMs: 250, arrival: 'uniform', workers: 1 });
  });

  it('record arrival on closed-loop steps too, where it is unused', () => {
    expect(closedLoop?.arrival).toBe('poisson');
    expect(closedLoopWithArrival?.arrival).toBe('uniform');
  });
});

describe('workers: auto', () => {
  const workers = (cores: number) => parse(oneStep('{ mode: rate, rate: 100, workers: auto }'), cores).steps[0]?.workers;

  it('uses one thread on a one-core machine', () => {
    expect(workers(1)).toBe(1);
  });

  it('uses at most two threads however many cores there are', () => {
    expect(workers(16)).toBe(2);
  });
});

describe('units in the file', () => {
  it('resolve to bytes, microseconds and fractions', () => {
    const scenario = parse(
      oneStep('{ mode: rate, rate: 100 }', 'errorBudget: 0.1%\nworkload: { responseBytes: 2kB, serviceDelay: 1.5ms }\n'),
    );
    expect(scenario.errorBudget).toBe(0.001);
    expect(scenario.workload.responseBytes).toBe(2000);
    expect(scenario.workload.serviceDelayUs).toBe(1500);
  });

  it('accept plain numbers for bytes and fractions', () => {
    const scenario = parse(oneStep('{ mode: rate, rate: 100 }', 'errorBudget: 0.02\nworkload: { responseBytes: 100 }\n'));
    expect(scenario.errorBudget).toBe(0.02);
    expect(scenario.workload.responseBytes).toBe(100);
  });
});

it('a folded description is kept without its trailing newline', () => {
  expect(parse(oneStep('{ mode: max, connections: 1 }', 'description: >\n  Two\n  lines.\n')).description).toBe('Two lines.');
});

describe('loadScenario', () => {
  it('reads through the injected file system and records the path as given', async () => {
    const fs = new MemoryFileSystem({ '/work/s.yaml': oneStep('{ mode: max, connections: 2 }') });
    const scenario = await loadScenario('/work/./s.yaml', { fs, availableCores: 4 });
    expect(fs.calls).toEqual([{ op: 'readFile', path: '/work/s.yaml' }]);
    expect(scenario.source).toBe('/work/./s.yaml');
    expect(scenario.steps[0]?.name).toBe('max-2');
  });
});
