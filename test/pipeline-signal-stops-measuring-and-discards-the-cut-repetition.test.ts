import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import { FakePipelinePlatform, pipelineRun, runOf, scenarioText, stepLines } from './helpers/pipeline-fake-platform.js';

/**
 * SIGINT/SIGTERM during `bench run` (src/pipeline/run-benchmark.ts): the repetition the signal cut short measured less
 * than it says and is not kept; every repetition finished before it is; nothing more is measured or prepared; what
 * exists is torn down; the system and the run say interrupted, exit 130.
 */
describe('a signal during a run', () => {
  it('discards the repetition it cut short, keeps the ones before, prepares no further system and tears down', async () => {
    let abort = (): void => undefined;
    const platform = new FakePipelinePlatform({
      systems: ['baseline', 'istio'],
      measure: ({ step, n }) => {
        if (n === 2) abort();
        return { run: runOf(step), resources: null };
      },
    });
    const q = pipelineRun(platform, scenarioText({ repetitions: 3 }));
    abort = () => q.controller.abort('SIGTERM');
    const outcome = await q.run(['baseline', 'istio']);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    expect(platform.events).toEqual(['prepare baseline', 'measure baseline rate-100 seed 2', 'measure baseline rate-100 seed 3', 'teardown baseline']);
    expect(outcome.result.status).toBe('interrupted');
    expect(outcome.result.systems.map((s) => [s.id, s.status])).toEqual([['baseline', 'interrupted']]);
    expect(outcome.result.systems[0]!.steps[0]!.repetitions.map((r) => r.repetition)).toEqual([1]);
    expect(stepLines(q.logger).slice(-2)).toEqual(['start baseline: rate-100, repetition 2/3', 'FAIL baseline: rate-100, repetition 2/3: interrupted, discarded']);
    const saved = await q.onDisk();
    expect(saved!.systems.map((s) => [s.id, s.status, s.steps[0]!.repetitions.length])).toEqual([['baseline', 'interrupted', 1]]);
  });

  it('arriving between repetitions measures nothing more and keeps every finished repetition', async () => {
    const platform = new FakePipelinePlatform({ systems: ['baseline'] });
    const p = pipelineRun(platform, scenarioText({ repetitions: 3, steps: ['rate-100', 'rate-200'] }));
    const { stepEnd } = p.logger;
    p.logger.stepEnd = (t, ok) => {
      stepEnd.call(p.logger, t, ok);
      if (t === 'baseline: rate-100, repetition 2/3: valid') p.controller.abort('SIGINT');
    };
    const outcome = await p.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    expect(platform.events).toEqual([
      'prepare baseline',
      'measure baseline rate-100 seed 2',
      'measure baseline rate-200 seed 2',
      'measure baseline rate-100 seed 3',
      'teardown baseline',
    ]);
    const sys = outcome.result.systems[0]!;
    expect(sys.status).toBe('interrupted');
    expect(sys.failure).toBeNull();
    expect(sys.steps.map((s) => s.repetitions.map((r) => r.repetition))).toEqual([[1, 2], [1]]);
  });
});
