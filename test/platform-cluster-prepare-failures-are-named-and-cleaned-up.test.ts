import { describe, expect, it } from 'vitest';
import type { Diagnostics, TrafficProof } from '../src/core/result-schema.js';
import { BenchError, ExitCode } from '../src/core/errors.js';
import type { MeshAdapter, Verification } from '../src/mesh/mesh-adapter.js';
import { baselineMesh } from '../src/mesh/baseline.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import type { SystemRecorder } from '../src/platform/platform.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture, TWO_STEP_SCENARIO, type ClusterRunFixture } from './helpers/cluster-run.js';

/**
 * Preparing one system on a kind cluster (every seam faked): what it logs of the mesh checks, how a failed check is
 * named, and that whatever was created is removed exactly once, even when collecting diagnostics or the teardown
 * itself fails.
 */
const scenario = parseScenario(TWO_STEP_SCENARIO, 'tiny.yaml', 2);

interface Recorded extends SystemRecorder {
  bundles: Diagnostics[];
  proofs: Array<{ variant: string; proof: TrafficProof }>;
}

function recorder(diagnosticsDir: SystemRecorder['diagnosticsDir']): Recorded {
  const r: Recorded = {
    diagnosticsDir,
    bundles: [],
    proofs: [],
    phase: () => {},
    trafficProof: (variant, proof) => r.proofs.push({ variant, proof }),
    meshPods: () => {},
    diagnostics: (bundle) => r.bundles.push(bundle),
  };
  return r;
}

/** The baseline, whose verification answers `verification`. */
function baselineVerifying(f: ClusterRunFixture, verification: Verification): ClusterPlatform {
  const adapter = Object.create(baselineMesh) as MeshAdapter & Record<string, unknown>;
  adapter.verify = async () => verification;
  return new ClusterPlatform({ ...f.options, adapters: new Map([['baseline', adapter]]) });
}

const deletes = (f: ClusterRunFixture): string[] => f.transcript.filter((l) => l.startsWith('$ kind delete cluster'));

async function failureOf(p: Promise<unknown>): Promise<BenchError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BenchError);
  return error as BenchError;
}

describe('cluster prepare: the mesh checks', () => {
  it('logs, at debug level, every line the verification saw and what the traffic proof saw', async () => {
    const f = clusterRunFixture();
    await new ClusterPlatform(f.options).prepare('baseline', scenario, f.controller.signal);
    expect(f.logger.lines).toContain('debug verify baseline: no mesh: nothing to verify');
    expect(f.logger.lines).toContain('debug traffic proof baseline: 100 requests at the server, none carrying x-forwarded-client-cert or l5d-client-id');
  });

  it("names the verification's problem when the workload is not meshed, and deletes the cluster", async () => {
    const f = clusterRunFixture();
    const platform = baselineVerifying(f, { ok: false, evidence: [], problem: 'server-1-7d9f-abcde has no istio-proxy container' });
    const error = await failureOf(platform.prepare('baseline', scenario, f.controller.signal));
    expect(error.message).toBe('baseline: the workload is not meshed: server-1-7d9f-abcde has no istio-proxy container');
    expect(error.exitCode).toBe(ExitCode.runFailed);
    expect(deletes(f)).toHaveLength(1);
  });

  it('says "verification failed" when a failed verification gives no problem', async () => {
    const f = clusterRunFixture();
    const platform = baselineVerifying(f, { ok: false, evidence: ['server-1-7d9f-abcde: server'] });
    const error = await failureOf(platform.prepare('baseline', scenario, f.controller.signal));
    expect(error.message).toBe('baseline: the workload is not meshed: verification failed');
  });

  it('fails the system when the traffic proof finds mesh headers on the unmeshed baseline, before anything is measured', async () => {
    const f = clusterRunFixture();
    f.kube.programs.meshHeader = () => ({ header: 'x-forwarded-client-cert', value: 'By=spiffe://cluster.local/ns/mesh-bench/sa/default' });
    const r = recorder(null);
    const error = await failureOf(new ClusterPlatform(f.options).prepare('baseline', scenario, f.controller.signal, r));
    expect(error.message).toBe(
      'baseline: mesh evidence on an unmeshed variant: expected no mesh header on any request, saw 100 requests carried x-forwarded-client-cert of 100 at the server',
    );
    expect(r.proofs.map((p) => [p.variant, p.proof.ok])).toEqual([['baseline', false]]);
    // The burst of the proof (50 req/s) is the only load the pod ran.
    expect(f.kube.programs.loads.map((l) => l.run.step.rate)).toEqual([50]);
    expect(deletes(f)).toHaveLength(1);
  });
});

describe('cluster prepare: cleaning up', () => {
  it('deletes the cluster once however often teardown is called', async () => {
    const f = clusterRunFixture();
    const prepared = await new ClusterPlatform(f.options).prepare('baseline', scenario, f.controller.signal);
    await prepared.teardown();
    await prepared.teardown();
    expect(deletes(f)).toEqual(['$ kind delete cluster --name bench-baseline --kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig']);
  });

  it('warns that the diagnostics could not be collected, and still fails with the failure and deletes the cluster', async () => {
    const f = clusterRunFixture();
    f.fs.failOn('mkdir', '/results/run/diagnostics/baseline');
    const r = recorder({ path: '/results/run/diagnostics/baseline', inResult: 'diagnostics/baseline' });
    const platform = baselineVerifying(f, { ok: false, evidence: [], problem: 'no proxy' });
    const error = await failureOf(platform.prepare('baseline', scenario, f.controller.signal, r));
    expect(error.message).toBe('baseline: the workload is not meshed: no proxy');
    expect(f.logger.lines).toContain("warn diagnostics of baseline: EIO: i/o error, mkdir '/results/run/diagnostics/baseline'");
    expect(r.bundles).toEqual([]);
    expect(deletes(f)).toHaveLength(1);
  });

  it('warns that the teardown after a failure failed, and fails with the original failure', async () => {
    const f = clusterRunFixture();
    f.runner.fail(['kind', 'delete', 'cluster'], 'ERROR: failed to delete cluster "bench-baseline": exit status 1');
    const platform = baselineVerifying(f, { ok: false, evidence: [], problem: 'no proxy' });
    const error = await failureOf(platform.prepare('baseline', scenario, f.controller.signal));
    expect(error.message).toBe('baseline: the workload is not meshed: no proxy');
    expect(f.logger.lines.filter((l) => l.startsWith('warn '))).toEqual([
      'warn teardown after failure: command failed (exit code 1): kind delete cluster --name bench-baseline --kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig',
    ]);
  });
});
