import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import type { MeasuredScale } from '../src/platform/platform.js';
import { FakePipelinePlatform, pipelineRun, runOf, scenarioText, stepLines } from './helpers/pipeline-fake-platform.js';
import { ISTIO_TOTAL_CLAIMS, istioLikeWindows } from './helpers/scale-fixtures.js';

/**
 * Scenario `scale:` through the pipeline (src/pipeline/run-benchmark.ts): the windows are measured once, after the
 * last install's steps and before its teardown; the section goes on the system's own variant only (not its unmeshed
 * namespace); windows that cannot be trusted make it invalid with the reasons; a failure of the windows fails the
 * system and leaves a section saying so; a failure before them leaves no section at all.
 */
const SCENARIO = `${scenarioText({ repetitions: 1, installs: 2 })}scale: { replicasPerNode: [1, 4, 8, 16] }\n`;
const measured = (invalidReasons: string[] = []): MeasuredScale => ({
  workers: 2,
  windows: istioLikeWindows(),
  serverCpuRequest: '100m',
  placements: [1, 4, 8, 16].map((n) => ({ replicasPerNode: n, podsByNode: { 'bench-istio-worker': n, 'bench-istio-worker2': n } })),
  invalidReasons,
});
const variants = (id: string): string[] => [`${id}/unmeshed`, id];
const files = { '/repo/clusters/claims.yaml': ISTIO_TOTAL_CLAIMS };

describe('scale windows in a run', () => {
  it('are measured once after the last install’s steps, and recorded on the system’s own variant only', async () => {
    const platform = new FakePipelinePlatform({ systems: ['istio'], target: 'kind', variants, measureScale: () => measured() });
    const p = pipelineRun(platform, SCENARIO, files);
    const outcome = await p.run(['istio']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(platform.events).toEqual([
      'prepare istio',
      'measure istio/unmeshed rate-100 seed 2',
      'measure istio rate-100 seed 2',
      'teardown istio (replaced)',
      'prepare istio',
      'measure istio/unmeshed rate-100 seed 3',
      'measure istio rate-100 seed 3',
      'scale istio',
      'teardown istio',
    ]);
    const [unmeshed, meshed] = outcome.result.systems;
    expect(unmeshed!).not.toHaveProperty('scale');
    expect(meshed!.scale!.nodes).toBe(2);
    expect(meshed!.scale!.replicasPerNode).toEqual([1, 4, 8, 16]);
    expect(meshed!.scale!.invalidReasons ?? []).toEqual([]);
    expect(meshed!.scale!.claims.map((c) => c.id)).toEqual(['istio-total']);
    expect(stepLines(p.logger).slice(-2)).toEqual(['start istio: scale windows', 'ok istio: scale windows']);
    expect(meshed!.phases!.filter((ph) => ph.name === 'scale windows').map((ph) => ph.install)).toEqual([2]);
    // Saved as soon as measured: the file on disk has it too.
    expect((await p.onDisk())!.systems[1]!.scale!.nodes).toBe(2);
  });

  it('that cannot be trusted make the section invalid with the reasons, the system completed', async () => {
    const why = ['the server pods did not spread evenly at 16 per node', 'a kubelet stopped answering at 8 per node'];
    const platform = new FakePipelinePlatform({ systems: ['istio'], target: 'kind', variants, measureScale: () => measured(why) });
    const p = pipelineRun(platform, SCENARIO, files);
    const outcome = await p.run(['istio']);
    expect(outcome.result.systems[1]!.status).toBe('completed');
    expect(outcome.result.systems[1]!.scale!.invalidReasons).toEqual(why);
    expect(stepLines(p.logger).at(-1)).toBe(`FAIL istio: scale windows: invalid (${why[0]}; ${why[1]})`);
  });

  it('failing fail the system, leave a section saying so on its variant, and tear down', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['istio'],
      target: 'kind',
      variants,
      measureScale: () => {
        throw new Error('deployment server never rolled out 32 replicas');
      },
    });
    const p = pipelineRun(platform, SCENARIO, files);
    const outcome = await p.run(['istio']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(platform.events.slice(-2)).toEqual(['scale istio', 'teardown istio']);
    const [unmeshed, meshed] = outcome.result.systems;
    expect(meshed!.failure).toEqual({ step: 'scale windows', message: 'install 2/2: deployment server never rolled out 32 replicas' });
    expect(meshed!.scale!.invalidReasons).toEqual(['the scale windows failed: deployment server never rolled out 32 replicas']);
    expect(meshed!.scale!.conditions).toEqual([]);
    // Nothing was measured: no server CPU request either.
    expect(meshed!.scale!).not.toHaveProperty('serverCpuRequest');
    expect(unmeshed!).not.toHaveProperty('scale');
    expect(stepLines(p.logger).at(-1)).toBe('FAIL istio: scale windows failed: install 2/2: deployment server never rolled out 32 replicas');
  });

  it('are not measured, and no section is written, when a step failed before them', async () => {
    const platform = new FakePipelinePlatform({
      systems: ['istio'],
      target: 'kind',
      variants,
      measureScale: () => measured(),
      measure: ({ step, n }) => {
        if (n === 3) throw new Error('the load pod was evicted');
        return { run: runOf(step), resources: null };
      },
    });
    const outcome = await pipelineRun(platform, SCENARIO, files).run(['istio']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(platform.events).not.toContain('scale istio');
    for (const s of outcome.result.systems) expect(s).not.toHaveProperty('scale');
  });

  it('fail the system naming it when the platform prepared no way to measure them', async () => {
    const platform = new FakePipelinePlatform({ systems: ['istio'], target: 'kind', variants, measureScale: () => measured(), preparesNoScale: true });
    const outcome = await pipelineRun(platform, SCENARIO, files).run(['istio']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(outcome.result.systems[1]!.failure).toEqual({ step: 'scale windows', message: 'install 2/2: istio: the platform prepared no scale windows' });
  });
});
