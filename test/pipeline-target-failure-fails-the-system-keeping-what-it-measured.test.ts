import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import { FakePipelinePlatform, pipelineRun, runOf, scenarioText, stepLines } from './helpers/pipeline-fake-platform.js';

/**
 * A system that fails (src/pipeline/run-benchmark.ts): the target dying under a repetition keeps that repetition
 * (invalid, with the reason) and fails the system; the failure names the phase, and the install when there are
 * several, once; diagnostics are collected before teardown, a failing diagnosis is warned about, and teardown runs
 * whatever failed — a failing teardown fails the system too. Exit 4.
 */
const DIED = 'the workload server exited with code 137 during the step';

describe('a system that fails', () => {
  it('keeps the repetition its target died under, measures nothing more, diagnoses, tears down and exits 4', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['baseline'],
      measure: ({ step, n }) =>
        n === 2
          ? { run: runOf(step, { status: 'invalid', invalidReasons: [DIED] }), resources: null, targetFailure: new Error(DIED) }
          : { run: runOf(step), resources: null },
      diagnose: () => undefined,
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 3 }));
    const outcome = await p.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(platform.events).toEqual([
      'prepare baseline',
      'measure baseline rate-100 seed 2',
      'measure baseline rate-100 seed 3',
      `diagnose baseline: ${DIED}`,
      'teardown baseline',
    ]);
    const sys = outcome.result.systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure).toEqual({ step: 'measure baseline rate-100 (repetition 2)', message: DIED });
    expect(sys.steps[0]!.repetitions.map((r) => [r.repetition, r.status, r.invalidReasons])).toEqual([
      [1, 'valid', []],
      [2, 'invalid', [DIED]],
    ]);
    expect(stepLines(p.logger).at(-1)).toBe(`FAIL baseline: measure baseline rate-100 (repetition 2) failed: ${DIED}`);
    const saved = await p.onDisk();
    expect(saved!.systems[0]!.steps[0]!.repetitions).toHaveLength(2);
  });

  it('warns when the diagnosis itself fails, and still tears down', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['baseline'],
      measure: () => {
        throw new Error('the load pod was evicted');
      },
      diagnose: () => {
        throw new Error('kubectl cluster-info dump: connection refused');
      },
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 1 }));
    const outcome = await p.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(platform.events.slice(-2)).toEqual(['diagnose baseline: the load pod was evicted', 'teardown baseline']);
    expect(p.logger.lines.filter((l) => l.startsWith('warn '))).toEqual(['warn diagnostics of baseline: kubectl cluster-info dump: connection refused']);
    expect(outcome.result.systems[0]!.failure).toEqual({ step: 'measure baseline rate-100 (repetition 1)', message: 'the load pod was evicted' });
  });

  it('fails the system when teardown fails after every repetition, naming no install when there is one', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['baseline'],
      teardown: () => {
        throw new Error('kind delete cluster: exit 1');
      },
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 2 }));
    const outcome = await p.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = outcome.result.systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure).toEqual({ step: 'teardown', message: 'kind delete cluster: exit 1' });
    expect(sys.steps[0]!.repetitions).toHaveLength(2);
    expect(p.logger.lines.filter((l) => l.startsWith('warn '))).toEqual(['warn teardown of baseline failed: kind delete cluster: exit 1']);
  });

  it('names the install once when a measurement and then the teardown of install 2 both fail', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['baseline'],
      measure: ({ step, n }) => {
        if (n === 2) throw new Error('the load pod was evicted');
        return { run: runOf(step), resources: null };
      },
      teardown: (_id, replaced) => {
        if (!replaced) throw new Error('kind delete cluster: exit 1');
      },
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 1, installs: 2 }));
    const outcome = await p.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(platform.events).toEqual([
      'prepare baseline',
      'measure baseline rate-100 seed 2',
      'teardown baseline (replaced)',
      'prepare baseline',
      'measure baseline rate-100 seed 3',
      'teardown baseline',
    ]);
    // The first failure is the one reported; the teardown's is warned about.
    expect(outcome.result.systems[0]!.failure).toEqual({ step: 'measure baseline rate-100 (repetition 2)', message: 'install 2/2: the load pod was evicted' });
    expect(p.logger.lines.filter((l) => l.startsWith('warn '))).toEqual(['warn teardown of baseline (install 2/2) failed: kind delete cluster: exit 1']);
    expect(stepLines(p.logger).at(-1)).toBe('FAIL baseline: measure baseline rate-100 (repetition 2) failed: install 2/2: the load pod was evicted');
  });
});
