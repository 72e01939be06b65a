import { afterEach, describe, expect, it } from 'vitest';
import { CommandError } from '../src/core/errors.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { LocalPlatform } from '../src/platform/local-platform.js';
import { TEST_MARKER_ENV, newTestMarker, processesWithMarker } from './helpers/test-processes.js';

/**
 * The local platform with real workload server processes on loopback: a hop that dies mid-step ends the step at
 * once, the repetition comes back invalid with the reason, and the failure carries the hop's command and exit.
 */
const scenario = parseScenario(
  `
name: death
repetitions: 1
workload:
  hops: 2
steps:
  - mode: rate
    rate: 200
    duration: 4s
    warmup: 0s
`,
  'death.yaml',
  2,
);
const thresholds = { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 };

const previous = process.env[TEST_MARKER_ENV];
afterEach(() => {
  if (previous === undefined) delete process.env[TEST_MARKER_ENV];
  else process.env[TEST_MARKER_ENV] = previous;
});

describe('local target: a workload process that dies', () => {
  it('mid-step (the second of two hops): the step ends within a second, invalid with the reason, and the system fails with the hop and its exit', async () => {
    // Hops inherit this environment: the marker finds exactly the processes this test started.
    const marker = newTestMarker();
    process.env[TEST_MARKER_ENV] = marker;
    const prepared = await new LocalPlatform().prepare('baseline', scenario, new AbortController().signal);
    try {
      const hop2 = processesWithMarker(marker).find((p) => p.args.includes('--name hop-2'));
      expect(hop2).toBeDefined();
      const measuring = prepared.measure('baseline', scenario.steps[0]!, { errorBudget: 0.001, thresholds, seed: 1, signal: new AbortController().signal });
      await new Promise((r) => setTimeout(r, 800));
      const killedAt = Date.now();
      process.kill(hop2!.pid, 'SIGKILL');
      const m = await measuring;
      expect(Date.now() - killedAt).toBeLessThan(1000);
      expect(m.run.status).toBe('invalid');
      expect(m.run.invalidReasons).toContain(`target not intact: workload process hop-2 (pid ${hop2!.pid}) exited during the step (signal SIGKILL)`);
      expect(m.targetFailure).toBeInstanceOf(CommandError);
      const failure = m.targetFailure as CommandError;
      expect(failure.message).toContain(`workload process hop-2 (pid ${hop2!.pid}) exited during the step, signal SIGKILL`);
      expect(failure.argv).toContain('hop-2');
      expect(failure.exitCode).toBe(4);
      // The next step is refused at once: the target is gone.
      await expect(
        prepared.measure('baseline', scenario.steps[0]!, { errorBudget: 0.001, thresholds, seed: 2, signal: new AbortController().signal }),
      ).rejects.toThrow(/workload process hop-2 .* exited between steps, signal SIGKILL/);
    } finally {
      await prepared.teardown();
    }
    expect(processesWithMarker(marker)).toEqual([]);
  });

  it('not at all: a healthy step comes back with no target failure', async () => {
    const marker = newTestMarker();
    process.env[TEST_MARKER_ENV] = marker;
    const short = { ...scenario.steps[0]!, durationS: 0.5 };
    const prepared = await new LocalPlatform().prepare('baseline', scenario, new AbortController().signal);
    try {
      const m = await prepared.measure('baseline', short, { errorBudget: 0.001, thresholds, seed: 1, signal: new AbortController().signal });
      expect(m.targetFailure).toBeUndefined();
      expect(m.run.invalidReasons.filter((r) => r.startsWith('target not intact'))).toEqual([]);
    } finally {
      await prepared.teardown();
    }
    expect(processesWithMarker(marker)).toEqual([]);
  });
});
