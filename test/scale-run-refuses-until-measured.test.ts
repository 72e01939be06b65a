import { describe, expect, it } from 'vitest';
import { ExitCode, InputError } from '../src/core/errors.js';
import { planCommand } from '../src/cli/commands/plan-command.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';

/**
 * `bench run` does not measure a `scale:` section yet: it refuses the scenario in one line (exit 2) before anything
 * is created, rather than run the steps and publish a result that looks like it measured the section.
 */
describe('a run of a scenario with scale:', () => {
  it('is refused in one line naming the file and field, exit 2, nothing run and nothing written', async () => {
    const f = clusterRunFixture();
    let error: unknown;
    try {
      await f.run(['baseline', 'istio'], `${TWO_STEP_SCENARIO.trim()}\nscale: { replicasPerNode: [1, 4] }\n`);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.invalidInput);
    expect((error as InputError).message).toMatch(/^\/scenario\.yaml: scale: is not measured by this version of bench run yet \(.*\); remove the section to run the scenario’s steps$/);
    expect(f.transcript).toEqual([]);
    expect([...f.fs.files.keys()].filter((path) => path.startsWith('/results'))).toEqual([]);
    expect([...f.fs.dirs].filter((path) => path.startsWith('/results'))).toEqual([]);
  });

  it('runs as before without the section', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
  });
});

describe('bench plan of scenarios/scale.yaml', () => {
  it('is refused the same way: a plan or estimate without the scale windows would understate the run', async () => {
    const f = clusterRunFixture();
    let out = '';
    const plan = planCommand({
      systems: ['istio'],
      scenarioPath: 'scenarios/scale.yaml',
      options: f.options,
      deps: { fs: new NodeFileSystem() },
      availableCores: 2,
      io: { out: (t) => (out += t), err: () => {} },
    });
    await expect(plan).rejects.toThrow(/^scenarios\/scale\.yaml: scale: is not measured by this version of bench run yet/);
    expect(out).toBe('');
  });
});
