import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { meshContext } from '../src/platform/cluster-plan.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { downloadArgv } from '../src/platform/execute-operations.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { gatewayApiReferenceFiles } from './helpers/fake-tools.js';
import { referenceFiles } from './helpers/reference.js';

const results = (f: ReturnType<typeof clusterRunFixture>, dir: string) => runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));

describe.each(MESH_ADAPTERS.filter((a) => a.id !== 'baseline'))('$id through the whole pipeline', (adapter) => {
  it('tears its cluster down and records the failing install command with its output', async () => {
    const f = clusterRunFixture();
    const input = new ClusterPlatform(f.options).planInput(adapter.id, parseScenario('name: x\nsteps:\n  - mode: rate\n    rate: 10\n', 'x', 2));
    // The first command the install runs: a CLI, or the download of a pinned manifest.
    const first = adapter.installOperations(meshContext(input)).find((o) => o.op === 'run' || o.op === 'apply-url' || o.op === 'run-apply');
    expect(first).toBeDefined();
    const argv = first!.op === 'apply-url' ? downloadArgv(first!.url) : (first as { argv: string[] }).argv;
    f.runner.fail(argv, `Error: ${adapter.id} install failed: timed out waiting for the condition`);
    const outcome = await f.run([adapter.id]);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure!.command).toEqual(argv);
    expect(sys.failure!.output).toContain('timed out waiting for the condition');
    expect(f.transcript.some((l) => l.startsWith('api exec'))).toBe(false);
    expect(f.transcript.at(-1)).toBe(`$ kind delete cluster --name bench-${adapter.id} --kubeconfig /tmp/mesh-bench-test/${adapter.id}/kubeconfig`);
  });

  const needsGatewayApi = adapter.installOperations(meshContext(new ClusterPlatform(clusterRunFixture().options).planInput(adapter.id, parseScenario('name: x\nsteps:\n  - mode: rate\n    rate: 10\n', 'x', 2)))).some((o) => o.op === 'apply-url');
  // Prints one skip line (or, with REQUIRE_REFERENCE=1, fails) when the CRDs are neither in ../shared nor the cache.
  const skip = needsGatewayApi && !referenceFiles(`${adapter.id}'s verification test`, gatewayApiReferenceFiles()).available;
  it.skipIf(skip)('refuses to measure a workload its verification cannot prove meshed, and still tears down', async () => {
    const f = clusterRunFixture();
    // The install succeeds and every rollout completes, but the pods carry no proxy: only verify() can object.
    const outcome = await f.run([adapter.id]);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = results(f, outcome.dir).systems.find((s) => s.id === adapter.id)!;
    expect(sys.status).toBe('failed');
    expect(sys.failure!.step).toBe('prepare');
    expect(sys.failure!.message).toMatch(new RegExp(`^${adapter.id}: the workload is not meshed: `));
    expect(f.logger.lines).toContain(`FAIL Verify the workload is meshed by ${adapter.id}`);
    expect(sys.steps.every((s) => s.repetitions.length === 0)).toBe(true);
    expect(f.transcript.some((l) => l.startsWith('api exec') && l.includes('bench.js load'))).toBe(false);
    expect(f.transcript.at(-1)).toMatch(new RegExp(`^\\$ kind delete cluster --name bench-${adapter.id} `));
  });
});
