import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { clusterRunFixture } from './helpers/cluster-run.js';

/** Issue 8, builds 1 and 5: the proof by traffic and the time of every phase are in the result and the report. */
const results = (f: ReturnType<typeof clusterRunFixture>, dir: string) => runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));

describe('a kind run records', () => {
  it('every phase in order with its duration: cluster create … each measured step … teardown', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const phases = results(f, outcome.dir).systems[0]!.phases!;
    expect(phases.map((p) => p.name)).toEqual([
      'cluster create',
      'image load',
      'readiness',
      'deploy',
      'verify',
      'versions',
      'measure baseline rate-100 #1',
      'measure baseline c-4 #1',
      'measure baseline rate-100 #2',
      'measure baseline c-4 #2',
      'teardown',
    ]);
    expect(phases.every((p) => p.ok)).toBe(true);
    // The fake load client takes 30 s per exec (cluster-run.ts): the measured steps' phases show it.
    for (const p of phases.filter((x) => x.name.startsWith('measure '))) expect(p.durationMs).toBe(30_000);
    const report = renderMarkdown(results(f, outcome.dir));
    expect(report).toContain('## Phases');
    expect(report).toMatch(/\| baseline \| measure \(4 repetitions; longest baseline rate-100 #1, 30 s\) \| 120 s \| ok \|/);
    // In the order they ran: the measured steps before the teardown.
    expect(report.indexOf('| baseline | measure (')).toBeLessThan(report.indexOf('| baseline | teardown |'));
  });

  it('the failing phase as failed, and the teardown after it', async () => {
    const f = clusterRunFixture();
    f.kube.stuck.add('mesh-bench/server-1');
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const phases = results(f, outcome.dir).systems[0]!.phases!;
    expect(phases.map((p) => `${p.name} ${p.ok ? 'ok' : 'failed'}`)).toEqual(['cluster create ok', 'image load ok', 'readiness ok', 'deploy failed', 'teardown ok']);
    expect(phases.find((p) => p.name === 'deploy')!.durationMs).toBeGreaterThanOrEqual(300_000);
  });

  it('the proof by traffic of the baseline: requests answered, no mesh header, in the result and the report', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    const proof = results(f, outcome.dir).systems[0]!.trafficProof!;
    expect(proof).toMatchObject({ ok: true, meshed: false, expected: 'no mesh header on any request', headerSample: null });
    expect(proof.burst.ok).toBeGreaterThan(0);
    expect(proof.counters['server:requests']!.after - proof.counters['server:requests']!.before).toBe(proof.burst.ok);
    expect(proof.counters['server:x-forwarded-client-cert']).toEqual({ before: 0, after: 0 });
    const report = renderMarkdown(results(f, outcome.dir));
    expect(report).toContain('## Proof by traffic');
    expect(report).toMatch(/\| baseline \| proven \| \d+\/\d+ \| no mesh header on any request \|/);
  });

  it('a baseline whose requests carry a mesh header fails before anything is measured', async () => {
    const f = clusterRunFixture();
    f.kube.programs.meshHeader = (ns) => (ns === 'mesh-bench' ? { header: 'l5d-client-id', value: 'default.mesh-bench.serviceaccount.identity.linkerd.cluster.local' } : undefined);
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.failure!.message).toMatch(/^baseline: mesh evidence on an unmeshed variant: expected no mesh header on any request, saw \d+ requests carried l5d-client-id/);
    expect(sys.trafficProof!.ok).toBe(false);
    expect(sys.steps.every((s) => s.repetitions.length === 0)).toBe(true);
  });
});
