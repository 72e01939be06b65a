import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { resolveLoadFlags, type LoadFlags } from '../src/cli/load-flags.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { LIMITS, limitText } from '../src/scenario/limits.js';
import { expectedDuration, expectedDurationLine, loadSeconds } from '../src/scenario/expected-duration.js';

function fileProblem(yaml: string): string {
  try {
    parseScenario(yaml, 'f.yaml', 2);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

const flags: LoadFlags = { duration: '10s', warmup: '1s', timeout: '10s', arrival: 'uniform', workers: '1', errorBudget: '0.1%', seed: '1' };
function flagProblem(f: Partial<LoadFlags>): string {
  try {
    resolveLoadFlags({ ...flags, ...f }, 2);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

describe('upper bounds, with reasons, the same in scenario files and on the command line', () => {
  it.each([
    ['rate', 'rate: 1e12', { rate: '1e12' }, '--rate', 'steps[0].rate', 'rate', '1000000000000'],
    ['connections', 'connections: 100000', { rate: '100', connections: '100000' }, '--connections', 'steps[0].connections', 'connections', '100000'],
    ['maxConnections', 'maxConnections: 20000', { rate: '100', maxConnections: '20000' }, '--max-connections', 'steps[0].maxConnections', 'connections', '20000'],
    ['workers', 'workers: 1000', { rate: '100', workers: '1000' }, '--workers', 'steps[0].workers', 'workers', '1000'],
    ['duration', 'duration: 2h', { rate: '100', duration: '2h' }, '--duration', 'steps[0].duration', 'durationS', '"2h"'],
  ] as const)('%s', (_name, yamlField, flag, flagName, field, limit, got) => {
    const message = `must be ${limitText(limit)}, got ${got}`;
    const rate = yamlField.startsWith('rate:') ? '' : '    rate: 100\n';
    expect(fileProblem(`name: a\nsteps:\n  - mode: rate\n${rate}    ${yamlField}\n`)).toBe(`f.yaml: ${field}: ${message}`);
    expect(flagProblem(flag)).toBe(`${flagName}: ${message}`);
  });

  it('names the limit and why for workload and scenario-wide fields', () => {
    const base = 'name: a\nsteps:\n  - mode: max\n    connections: 1\n';
    expect(fileProblem(`${base}workload:\n  responseBytes: 65MiB\n`)).toBe(`f.yaml: workload.responseBytes: must be ${limitText('responseBytes')}, got "65MiB"`);
    expect(fileProblem(`${base}workload:\n  serviceDelay: 2m\n`)).toBe(`f.yaml: workload.serviceDelay: must be ${limitText('serviceDelayS')}, got "2m"`);
    expect(fileProblem(`${base}workload:\n  replicas: 51\n`)).toBe(`f.yaml: workload.replicas: must be ${limitText('replicas')}, got 51`);
    expect(fileProblem(`${base}repetitions: 101\n`)).toBe(`f.yaml: repetitions: must be ${limitText('repetitions')}, got 101`);
    const steps = Array.from({ length: 101 }, (_, i) => `  - { mode: max, connections: ${i + 1} }`).join('\n');
    expect(fileProblem(`name: a\nsteps:\n${steps}\n`)).toBe(`f.yaml: steps: must have ${limitText('steps')}, got 101`);
  });

  it('refuses more than a day of load per system, saying how much the file asks for', () => {
    expect(fileProblem('name: a\nrepetitions: 30\nsteps:\n  - { mode: max, connections: 1, duration: 1h }\n')).toBe(
      `f.yaml: repetitions: with these steps gives 30h1m of load: must be ${limitText('totalLoadS')}`,
    );
  });

  it('accepts every limit itself', () => {
    expect(() => parseScenario(`name: a\nsteps:\n  - { mode: rate, rate: ${LIMITS.rate.max}, connections: ${LIMITS.connections.max}, workers: ${LIMITS.workers.max} }\n`, 'f.yaml', 2)).not.toThrow();
    expect(() => parseScenario('name: a\nworkload: { responseBytes: 64MiB, hops: 8, serviceDelay: 60s }\nsteps:\n  - { mode: max, connections: 1, duration: 1h }\n', 'f.yaml', 2)).not.toThrow();
  });

  it('takes the 64 MiB response limit from the workload server', async () => {
    const { MAX_RESPONSE_BYTES } = await import('../src/workload/options.js');
    expect(LIMITS.responseBytes.max).toBe(MAX_RESPONSE_BYTES);
    expect(MAX_RESPONSE_BYTES).toBe(64 * 1024 * 1024);
  });
});

describe('expected duration, said before a run starts', () => {
  const scenario = parseScenario('name: a\nrepetitions: 3\nsteps:\n  - { mode: rate, rate: 5, duration: 10s, warmup: 2s }\n  - { mode: max, connections: 1, duration: 5s, warmup: 1s }\n', 'f.yaml', 2);
  it('is repetitions × Σ(warm-up + duration) of load per namespace', () => {
    expect(loadSeconds(scenario)).toBe(3 * (12 + 6));
  });
  it('counts no set-up on the local target', () => {
    const e = expectedDuration(scenario, ['baseline'], 'local', null);
    expect(e).toEqual({ loadS: 54, namespaces: 1, setupS: [0, 0] });
    expect(expectedDurationLine(e, 'local')).toBe('expected duration: 54s of load (1 namespace × 54s), plus a few seconds to start the workload servers');
  });
  it('counts both namespaces of a mesh and estimates cluster set-up on kind', () => {
    const e = expectedDuration(scenario, ['baseline', 'istio'], 'kind', { perSystemS: { baseline: 120, istio: 360 }, lowFraction: 0.5 });
    expect(e).toEqual({ loadS: 3 * 54, namespaces: 3, setupS: [240, 480] });
    expect(expectedDurationLine(e, 'kind')).toBe(
      'expected duration: 2m42s of load (3 namespaces × 54s) + set-up estimated 4m–8m (kind) ≈ 6m42s–10m42s',
    );
  });
});
