import { describe, expect, it } from 'vitest';
import { ExitCode } from '../src/core/errors.js';
import type { MeasuredScale } from '../src/platform/platform.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { FakeFsError, MemoryFileSystem } from './helpers/memory-fs.js';
import { FakePipelinePlatform, scenarioText, stepLines } from './helpers/pipeline-fake-platform.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { ISTIO_TOTAL_CLAIMS, istioLikeWindows } from './helpers/scale-fixtures.js';

/**
 * Scenario `scale:` through the pipeline (src/pipeline/run-benchmark.ts): once the windows are measured, a failure
 * later in the same phase (the results file that could not be written right after them) fails the system, but the
 * section keeps what was measured: it is not replaced by a "the scale windows failed" section with no fit.
 */
const SCENARIO = `${scenarioText({ repetitions: 1 })}scale: { replicasPerNode: [1, 4, 8, 16] }\n`;

/** A disk that refuses the next write of one file once (a full disk freed a moment later), then writes again. */
class FailsOnceFs extends MemoryFileSystem {
  private armed: string | null = null;
  failNextWriteOf(path: string): void {
    this.armed = path;
  }
  override async writeFileAtomic(path: string, content: string): Promise<void> {
    if (this.armed !== null && path === this.armed) {
      this.armed = null;
      throw new FakeFsError('ENOSPC', 'open', path);
    }
    return super.writeFileAtomic(path, content);
  }
}

describe('a scale section already measured', () => {
  it('is kept, not replaced by a failed one, when saving the results right after it fails the system', async () => {
    const fs = new FailsOnceFs({ '/scenario.yaml': SCENARIO, '/repo/clusters/claims.yaml': ISTIO_TOTAL_CLAIMS });
    const measured = (): MeasuredScale => {
      // The run directory exists by now (a repetition was saved): the save that follows these windows fails once.
      const dir = fs.calls.find((c) => c.op === 'mkdirExclusive')!.path;
      fs.failNextWriteOf(`${dir}/results.json`);
      return {
        workers: 2,
        windows: istioLikeWindows(),
        serverCpuRequest: '100m',
        placements: [1, 4, 8, 16].map((n) => ({ replicasPerNode: n, podsByNode: { 'bench-istio-worker': n, 'bench-istio-worker2': n } })),
        invalidReasons: [],
      };
    };
    const platform = new FakePipelinePlatform({ systems: ['istio'], target: 'kind', variants: (id) => [`${id}/unmeshed`, id], measureScale: measured });
    const logger = new RecordingLogger();
    const outcome = await runBenchmark(
      { scenarioPath: '/scenario.yaml', systems: ['istio'], outDir: '/results', command: ['bench', 'run', '--mesh', 'istio'] },
      {
        runner: new FakeRunner(),
        fs,
        clock: new FakeClock(),
        logger,
        cwd: '/',
        env: {},
        platform,
        availableCores: 2,
        signal: new AbortController().signal,
        repoDir: '/repo',
      },
    );

    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(platform.events.slice(-2)).toEqual(['scale istio', 'teardown istio']);
    const meshed = outcome.result.systems[1]!;
    expect(meshed.failure?.step).toBe('scale windows');
    expect(meshed.failure?.message).toContain('ENOSPC');
    // The windows measured, as measured: their nodes, server CPU request and fit, no "failed" reason.
    expect(meshed.scale!.nodes).toBe(2);
    expect(meshed.scale!.serverCpuRequest).toBe('100m');
    expect(meshed.scale!.replicasPerNode).toEqual([1, 4, 8, 16]);
    expect(meshed.scale!.conditions.length).toBeGreaterThan(0);
    expect(meshed.scale!.invalidReasons ?? []).toEqual([]);
    expect(meshed.scale!.claims.map((c) => c.id)).toEqual(['istio-total']);
    expect(stepLines(logger)).toContain('ok istio: scale windows');
    // The final write went through: the file on disk has the measured section too.
    const dir = fs.calls.find((c) => c.op === 'mkdirExclusive')!.path;
    const onDisk = JSON.parse(fs.read(`${dir}/results.json`)!) as { systems: Array<{ scale?: { nodes?: number; invalidReasons?: string[] } }> };
    expect(onDisk.systems[1]!.scale!.nodes).toBe(2);
    expect(onDisk.systems[1]!.scale!.invalidReasons ?? []).toEqual([]);
  });
});
