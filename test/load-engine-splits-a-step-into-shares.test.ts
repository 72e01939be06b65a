import { describe, expect, it } from 'vitest';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import { buildLoadRun, connectionTarget, shareSpecs, type LoadOptions } from '../src/load/engine.js';

// How one step becomes W shares (one per engine thread): connections and the connection ceiling split evenly, the
// rate and the seed shared (each share takes its interleaved slice of one schedule), times in milliseconds.
const target = connectionTarget('http://127.0.0.1:8080/');

function options(step: Partial<ResolvedLoadStep>): LoadOptions {
  return {
    url: 'http://127.0.0.1:8080/',
    step: {
      name: 'step-a',
      mode: 'rate',
      rate: 900,
      connections: 3,
      maxConnections: 10,
      durationS: 2.5,
      warmupS: 0.25,
      arrival: 'poisson',
      workers: 2,
      timeoutMs: 1500,
      ...step,
    },
    errorBudget: 0.001,
    thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
    seed: 42,
  };
}

describe('shareSpecs', () => {
  it('gives each worker its index, an even part of the connections and of the ceiling, and the whole rate, seed and times', () => {
    const common = { target, mode: 'rate', rate: 900, arrival: 'poisson', seed: 42, workerCount: 2, warmupMs: 250, durationMs: 2500, timeoutMs: 1500 };
    expect(shareSpecs(options({}), target)).toEqual([
      { ...common, workerIndex: 0, connections: 2, maxConnections: 5 },
      { ...common, workerIndex: 1, connections: 1, maxConnections: 5 },
    ]);
  });

  it('runs no more workers than connections, and at least one', () => {
    expect(shareSpecs(options({ workers: 4, connections: 2, maxConnections: 2 }), target).map((s) => [s.workerIndex, s.workerCount, s.connections])).toEqual([
      [0, 2, 1],
      [1, 2, 1],
    ]);
    expect(shareSpecs(options({ workers: 1, connections: 8, maxConnections: 8 }), target).map((s) => [s.workerCount, s.connections, s.maxConnections])).toEqual([[1, 8, 8]]);
    expect(shareSpecs(options({ workers: 3, connections: 9, maxConnections: 9 }), target)).toHaveLength(3);
  });

  it('never gives a share a ceiling below its own connections (a ceiling under the connections means the connections)', () => {
    const specs = shareSpecs(options({ mode: 'connections', rate: null, workers: 2, connections: 5, maxConnections: 1 }), target);
    expect(specs.map((s) => [s.mode, s.rate, s.connections, s.maxConnections])).toEqual([
      ['connections', null, 3, 3],
      ['connections', null, 2, 2],
    ]);
  });

  it('refuses an slo step: the engine runs its probes, each a rate step, not the search', () => {
    const slo = options({ name: 'find-ceiling', mode: 'slo' });
    const message = 'step find-ceiling is an slo search: run its probes (src/load/slo-search.ts), not the step';
    expect(() => shareSpecs(slo, target)).toThrow(new Error(message));
    expect(() => buildLoadRun(slo, '2026-01-01T00:00:00.000Z', [])).toThrow(new Error(message));
  });

  it('runs max and connections steps as they are', () => {
    expect(shareSpecs(options({ mode: 'max', rate: null, workers: 1 }), target)[0]!.mode).toBe('max');
  });
});
