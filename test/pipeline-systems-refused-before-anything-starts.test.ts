import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { validateSystems } from '../src/pipeline/run-benchmark.js';
import { FakePipelinePlatform, pipelineRun, scenarioText } from './helpers/pipeline-fake-platform.js';

/**
 * `--mesh` checked before anything is created (src/pipeline/run-benchmark.ts validateSystems): no system, a system
 * listed twice, a system the platform does not support — each a problem of its own, all of them at once, exit 2.
 */
const platform = new FakePipelinePlatform({ systems: ['baseline', 'istio'] });
const problems = (systems: string[]): unknown => {
  try {
    validateSystems(systems, platform);
  } catch (e) {
    if (e instanceof InputError) return e.problems;
    throw e;
  }
  return 'accepted';
};

describe('the systems of a run', () => {
  it('are accepted when each is supported and listed once', () => {
    expect(problems(['baseline', 'istio'])).toBe('accepted');
  });

  it('are refused when none is given', () => {
    expect(problems([])).toEqual([{ source: '--mesh', field: '', message: 'at least one system is required' }]);
  });

  it('are refused naming every system listed twice and every one the platform does not support', () => {
    expect(problems(['istio', 'kuma', 'istio'])).toEqual([
      { source: '--mesh', field: '', message: 'kuma is not one of this test\'s systems' },
      { source: '--mesh', field: '', message: 'istio is listed twice' },
    ]);
  });

  it('refused, create nothing and exit 2', async () => {
    const p = pipelineRun(platform, scenarioText({ repetitions: 1 }));
    const error = await p.run(['istio', 'istio']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.invalidInput);
    expect((error as InputError).message).toContain('istio is listed twice');
    expect(platform.events).toEqual([]);
    expect(await p.fs.readdir('/results').catch(() => 'no directory')).toBe('no directory');
  });
});
