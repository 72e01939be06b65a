import { describe, expect, it } from 'vitest';
import { planCommand } from '../src/cli/commands/plan-command.js';
import { ExitCode } from '../src/core/errors.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';

/**
 * `bench plan` with scenario `installs: 2`: every install in full (each creates, measures with its own seeds and
 * deletes), under section titles that name the install. test/plan-is-what-the-run-executes.test.ts proves the run
 * executes exactly this; this golden shows what a user reads.
 */
const TWO_INSTALLS = `${TWO_STEP_SCENARIO.trim()}\ninstalls: 2\n`;

async function plan(systems: string[], scenario: string): Promise<string> {
  const f = clusterRunFixture();
  const fs = new MemoryFileSystem({ '/scenarios/two-installs.yaml': scenario });
  let text = '';
  const code = await planCommand({
    systems,
    scenarioPath: '/scenarios/two-installs.yaml',
    options: { ...f.options, workRoot: '/tmp/mesh-bench-plan' },
    deps: { fs },
    availableCores: 2,
    io: { out: (t) => (text += t), err: () => {} },
  });
  expect(code).toBe(ExitCode.ok);
  return text;
}

describe('bench plan with installs: 2', () => {
  it('prints both installs of the baseline in full, in order (golden)', async () => {
    await expect(await plan(['baseline'], TWO_INSTALLS)).toMatchFileSnapshot('fixtures/plan/baseline-2-installs.plan.txt');
  });

  it('says the installs in its header and creates, measures and deletes once per install', async () => {
    const text = await plan(['baseline'], TWO_INSTALLS);
    expect(text.split('\n')[1]).toMatch(/^# 2 repetitions × 2 steps per install, 2 installs \(each planned in full\); /);
    const lines = text.split('\n');
    const order = lines
      .filter((l) => /^kind (create|delete) cluster /.test(l) || /^## baseline: rate-100, repetition \d$/.test(l))
      .map((l) => (l.startsWith('kind create') ? 'create' : l.startsWith('kind delete') ? 'delete' : l.replace('## baseline: rate-100, ', '')));
    expect(order).toEqual(['create', 'repetition 1', 'repetition 2', 'delete', 'create', 'repetition 3', 'repetition 4', 'delete']);
    expect(lines.filter((l) => l.startsWith('# baseline: Install ')).map((l) => l.replace(/: [^:]*$/, ''))).toEqual(
      expect.arrayContaining(['# baseline: Install 1/2', '# baseline: Install 2/2']),
    );
  });

  it('is the single-install plan, section for section, when installs is 1', async () => {
    const one = await plan(['baseline'], `${TWO_STEP_SCENARIO.trim()}\ninstalls: 1\n`);
    const unset = await plan(['baseline'], TWO_STEP_SCENARIO);
    expect(one).toBe(unset);
    expect(one).not.toMatch(/Install \d/);
  });
});
