import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

function rejection(text: string): string {
  try {
    parseScenario(text, 'inline.yaml', 4);
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error('scenario was accepted');
}

describe('mode slo in a scenario file', () => {
  it('resolves the objective to microseconds, the error rate to the scenario budget, and the search defaults', () => {
    const s = parseScenario('name: x\nerrorBudget: 0.5%\nsteps:\n  - { mode: slo, objective: { p99: 5ms, p50: 1.5ms }, duration: 1s, warmup: 250ms }\n', 'x.yaml', 4);
    const step = s.steps[0]!;
    expect(step).toMatchObject({ name: 'slo-p50-1.5ms', mode: 'slo', rate: null, durationS: 1, warmupS: 0.25, connections: 8 });
    expect(step.slo).toEqual({
      objective: { latency: [{ percentile: 'p50', maxUs: 1500 }, { percentile: 'p99', maxUs: 5000 }], errorRate: 0.005 },
      startRate: 100,
      minRate: 10,
      maxRate: null,
      engineCeiling: null,
      precision: 0.05,
      confirmations: 2,
      connections: null,
      maxConnections: null,
    });
  });

  it('keeps every bound the file sets', () => {
    const s = parseScenario(
      'name: x\nsteps:\n  - mode: slo\n    name: capacity\n    objective: { p999: 20ms, errorRate: 0.01% }\n    startRate: 500\n    minRate: 50\n' +
        '    maxRate: 20000\n    engineCeiling: 12000\n    precision: 2%\n    confirmations: 3\n    connections: 32\n    maxConnections: 64\n',
      'x.yaml',
      4,
    );
    expect(s.steps[0]!.slo).toEqual({
      objective: { latency: [{ percentile: 'p999', maxUs: 20_000 }], errorRate: 0.0001 },
      startRate: 500,
      minRate: 50,
      maxRate: 20_000,
      engineCeiling: 12_000,
      precision: 0.02,
      confirmations: 3,
      connections: 32,
      maxConnections: 64,
    });
  });

  it.each([
    ['no objective', 'name: x\nsteps: [{ mode: slo }]', 'inline.yaml: steps[0].objective: is required: a mapping like { p99: 5ms, errorRate: 0.1% }'],
    [
      'an objective without a latency',
      'name: x\nsteps: [{ mode: slo, objective: { errorRate: 1% } }]',
      'inline.yaml: steps[0].objective: must name at least one latency percentile (p50, p90, p99, p999), e.g. { p99: 5ms }',
    ],
    [
      'a percentile that does not exist',
      'name: x\nsteps: [{ mode: slo, objective: { p95: 5ms } }]',
      'inline.yaml: steps[0].objective.p95: unknown field (did you mean "p90"?); allowed: p50, p90, p99, p999, errorRate',
    ],
    ['a rate', 'name: x\nsteps: [{ mode: slo, objective: { p99: 5ms }, rate: 100 }]', 'inline.yaml: steps[0].rate: is not allowed in mode "slo": the search chooses the rates (startRate, minRate, maxRate bound it)'],
    ['minRate above startRate', 'name: x\nsteps: [{ mode: slo, objective: { p99: 5ms }, startRate: 100, minRate: 200 }]', 'inline.yaml: steps[0].minRate: must be at most startRate (100), got 200'],
    ['maxRate below startRate', 'name: x\nsteps: [{ mode: slo, objective: { p99: 5ms }, maxRate: 50 }]', 'inline.yaml: steps[0].maxRate: must be at least startRate (100), got 50'],
    ['a precision of 0', 'name: x\nsteps: [{ mode: slo, objective: { p99: 5ms }, precision: 0 }]', 'inline.yaml: steps[0].precision: must be a fraction greater than 0 and at most 1 (e.g. 0.05) or a percentage (e.g. "5%"), got 0'],
    ['10 confirmations', 'name: x\nsteps: [{ mode: slo, objective: { p99: 5ms }, confirmations: 10 }]', 'inline.yaml: steps[0].confirmations: must be a whole number from 1 to 5, got 10'],
  ])('refuses %s with one line naming the field', (_what, text, line) => {
    expect(rejection(text)).toBe(line);
  });

  it('accepts each bound at its edge: minRate and maxRate equal to startRate', () => {
    const s = parseScenario('name: x\nsteps: [{ mode: slo, objective: { p99: 5ms }, startRate: 100, minRate: 100, maxRate: 100 }]', 'inline.yaml', 4);
    expect(s.steps[0]!.slo).toMatchObject({ startRate: 100, minRate: 100, maxRate: 100 });
  });
});
