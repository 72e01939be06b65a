import { describe, expect, it } from 'vitest';
import { FakePipelinePlatform, pipelineRun, runOf, scenarioText, stepLines } from './helpers/pipeline-fake-platform.js';

/**
 * What `bench run` prints while it measures (src/pipeline/run-benchmark.ts): each preparation, and each repetition's
 * variant, step, install (only when there are several) and number out of the total, ended with its status, the reasons
 * of an invalid one, and whether it counts as a success.
 */
describe('progress lines', () => {
  it('name the variant, step and repetition out of the total on a single install, and no install', async () => {
    const platform = new FakePipelinePlatform({ systems: ['baseline'] });
    const p = pipelineRun(platform, scenarioText({ repetitions: 2, steps: ['rate-100', 'rate-200'] }));
    await p.run(['baseline']);
    expect(stepLines(p.logger)).toEqual([
      'start Preparing baseline',
      'ok Preparing baseline',
      'start baseline: rate-100, repetition 1/2',
      'ok baseline: rate-100, repetition 1/2: valid',
      'start baseline: rate-200, repetition 1/2',
      'ok baseline: rate-200, repetition 1/2: valid',
      'start baseline: rate-100, repetition 2/2',
      'ok baseline: rate-100, repetition 2/2: valid',
      'start baseline: rate-200, repetition 2/2',
      'ok baseline: rate-200, repetition 2/2: valid',
    ]);
  });

  it('name the install out of the installs, each variant, and number repetitions across installs', async () => {
    const platform = new FakePipelinePlatform({ systems: ['istio'], variants: (id) => [`${id}/unmeshed`, id] });
    const p = pipelineRun(platform, scenarioText({ repetitions: 1, installs: 2 }));
    await p.run(['istio']);
    expect(stepLines(p.logger)).toEqual([
      'start Preparing istio (install 1/2)',
      'ok Preparing istio (install 1/2)',
      'start istio/unmeshed: rate-100, install 1/2, repetition 1/2',
      'ok istio/unmeshed: rate-100, install 1/2, repetition 1/2: valid',
      'start istio: rate-100, install 1/2, repetition 1/2',
      'ok istio: rate-100, install 1/2, repetition 1/2: valid',
      'start Preparing istio (install 2/2)',
      'ok Preparing istio (install 2/2)',
      'start istio/unmeshed: rate-100, install 2/2, repetition 2/2',
      'ok istio/unmeshed: rate-100, install 2/2, repetition 2/2: valid',
      'start istio: rate-100, install 2/2, repetition 2/2',
      'ok istio: rate-100, install 2/2, repetition 2/2: valid',
    ]);
  });

  it('end an invalid repetition as a failure with every reason, and a valid one with none', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['baseline'],
      measure: ({ step, n }) => ({
        run: n === 1 ? runOf(step, { status: 'invalid', invalidReasons: ['achieved rate 90/100 req/s (90.0%)', 'the server restarted'] }) : runOf(step),
        resources: null,
      }),
    });
    const p = pipelineRun(platform, scenarioText({ repetitions: 2 }));
    await p.run(['baseline']);
    expect(stepLines(p.logger).filter((l) => !l.startsWith('start '))).toEqual([
      'ok Preparing baseline',
      'FAIL baseline: rate-100, repetition 1/2: invalid (achieved rate 90/100 req/s (90.0%); the server restarted)',
      'ok baseline: rate-100, repetition 2/2: valid',
    ]);
  });
});
