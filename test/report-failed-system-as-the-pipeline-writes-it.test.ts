import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { fixtureEnvironment } from './helpers/run-result-factory.js';

/**
 * The report of a failed system, from the result the pipeline really writes for it (every seam faked, the mesh install
 * failing), not from a hand-made result: a failed system must read as failed, at which step and why, never as a
 * measurement of zero repetitions.
 */
async function failedIstioRun() {
  const f = clusterRunFixture();
  f.runner.fail(['istioctl', 'install'], 'Error: failed to install manifests: context deadline exceeded');
  const outcome = await f.run(['istio']);
  const written = f.fs.read(`${outcome.dir}/report.md`)!;
  return { outcome, result: runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!)), written };
}

describe('the report of a system that failed while preparing', () => {
  it('matches the reviewed rendering of what the pipeline wrote (golden)', async () => {
    const { outcome, result, written } = await failedIstioRun();
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(renderMarkdown(result)).toBe(written);
    // The machine the test runs on is the one thing that differs between machines: fixed for the golden.
    const pinned = { ...result, environment: fixtureEnvironment };
    await expect(JSON.stringify(pinned, null, 2) + '\n').toMatchFileSnapshot('fixtures/results/run-failed-system.json');
    await expect(renderMarkdown(pinned)).toMatchFileSnapshot('fixtures/results/run-failed-system.report.md');
  });

  it('says the system failed, at which step and why, and never reads as zero measured repetitions', async () => {
    const { result, written } = await failedIstioRun();
    const sys = result.systems[0]!;
    // The shape the pipeline writes: every step present with no repetitions, the failing command and its output.
    expect(sys).toMatchObject({ id: 'istio', status: 'failed', versions: {}, failure: { step: 'prepare' } });
    expect(sys.steps.map((s) => s.repetitions.length)).toEqual([0, 0]);
    expect(written).toContain('### istio failed at `prepare`');
    expect(written).toContain('command failed (exit code 1): istioctl install --skip-confirmation --set profile=minimal');
    expect(written).toContain('Error: failed to install manifests: context deadline exceeded');
    for (const step of ['rate-100', 'c-4']) {
      const section = written.split(`\n### ${step}\n`)[1]!.split(/\n#{2,3} /)[0]!;
      const rows = section.split('\n').filter((l) => l.startsWith('| istio |'));
      expect(rows).toEqual(['| istio | – | – | – | – | – | – | – | – | not measured: failed at `prepare` (see Status) |']);
    }
    expect(written).not.toMatch(/0\/0/);
    expect(written).not.toContain('no valid repetitions');
  });
});
