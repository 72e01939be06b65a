import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runResultSchema, type RunResult } from '../../src/core/result-schema.js';
import { benchCli, controlPlaneSuite, serveWorkload, type ServedWorkload } from '../helpers/control-plane-fixture.js';

/**
 * `bench run --target existing` against a real API server (kube-apiserver v1.36.1, etcd, controller manager and
 * scheduler; kwok nodes shaped like our kind cluster): preflight with the real kubectl, the harness namespaces,
 * server-side apply of every generated object, Deployments rolled out through kwok's pod lifecycle, the in-pod
 * `bench load` exec'd (kwok runs it on this host against the real workload server), kubelet metrics scraped through
 * the API server's node proxy, and the namespaces deleted and waited for at the end.
 */
const suite = controlPlaneSuite('bench run on a real control plane (test/cluster)');

const SCENARIO = `
name: cluster-test
repetitions: 1
steps:
  - mode: rate
    rate: 50
    duration: 6s
    warmup: 1s
`;

describe.skipIf(!suite.available)('bench run --target existing on a real control plane', () => {
  let out: string;
  let workload: ServedWorkload;
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'bench-cluster-'));
    writeFileSync(join(out, 'scenario.yaml'), SCENARIO);
    workload = await serveWorkload(suite.cp());
  });
  afterAll(async () => {
    await workload?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('had the control plane up, every kwok node Ready, in under 20 s', () => {
    const ms = suite.cp().startupMs;
    console.info(`control plane ready in ${ms} ms (etcd, kube-apiserver, controller manager, scheduler, kwok, 3 nodes)`);
    expect(ms).toBeLessThan(20_000);
    expect(suite.cp().nodes).toEqual(['kwok-control-plane', 'kwok-worker', 'kwok-worker2']);
  });

  it(
    'measures the baseline through the real API: apply, rollout, exec, node-proxy scrapes, namespace deletion',
    async () => {
      const cp = suite.cp();
      const r = await benchCli(suite.binaries(), [
        'run',
        '--target',
        'existing',
        '--context',
        cp.context,
        '--kubeconfig',
        cp.kubeconfig,
        '--image',
        'mesh-bench:cluster-test',
        '--mesh',
        'baseline',
        '--scenario',
        join(out, 'scenario.yaml'),
        '--out',
        out,
      ]);
      expect(r.stderr, `${r.stderr}\n${cp.logs()}`).not.toMatch(/^ERROR/m);
      expect(r.code, `${r.stdout}\n${r.stderr}\n${cp.logs()}`).toBe(0);

      const [runDir] = readdirSync(out).filter((f) => f !== 'scenario.yaml');
      const result: RunResult = runResultSchema.parse(JSON.parse(readFileSync(join(out, runDir!, 'results.json'), 'utf8')));
      const system = result.systems[0]!;
      expect(system).toMatchObject({ id: 'baseline', target: 'existing', status: 'completed' });
      // What the real server and the real kubectl report, not the pins.
      expect(system.versions.kubernetes).toBe('v1.36.1');
      expect(system.versions.kubectl).toBe('v1.36.1');

      const rep = system.steps[0]!.repetitions[0]!;
      expect(rep.status, rep.invalidReasons.join('; ')).toBe('valid');
      // The load really ran: requests crossed loopback to the workload server behind the Service name.
      expect(rep.counts.ok).toBeGreaterThan(200);
      expect(workload.connections).toBeGreaterThan(0);
      // Scraped from kwok's kubelet emulation through the API server's node proxy: both workload containers seen.
      expect(rep.resources?.roles.workload.containers).toBe(1);
      expect(rep.resources?.roles['load-client'].containers).toBe(1);
      // kwok's ClusterResourceUsage for the server container (test/helpers/control-plane.ts): 48 MiB working set.
      expect(rep.resources?.roles.workload.memoryMeanBytes).toBe(48 * 1024 * 1024);

      // Teardown waited for the namespace to be gone.
      const ns = await cp.kubectl(['get', 'namespace', 'mesh-bench', '--ignore-not-found', '-o', 'name']);
      expect(ns.stdout.trim()).toBe('');
    },
    240_000,
  );
});
