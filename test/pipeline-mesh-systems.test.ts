import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { kubeletText } from './helpers/fake-cluster.js';

/** Pods as Istio's injector leaves them in an injected namespace: istio-proxy as a ready native sidecar. */
function injectedPods(namespace: string, selector: string | undefined): V1Pod[] {
  const component = /app\.kubernetes\.io\/name=([^,]+)/.exec(selector ?? '')?.[1];
  const names = component ? [component] : ['server-1', 'load-client'];
  const meshed = namespace === 'mesh-bench';
  return names.map((name) => ({
    metadata: {
      name: `${name}-5f6c-xk2p9`,
      namespace,
      labels: {
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/component': name === 'load-client' ? 'load-client' : 'server',
        'app.kubernetes.io/part-of': 'mesh-bench',
      },
    },
    spec: {
      nodeName: 'bench-istio-worker',
      initContainers: meshed
        ? [{ name: 'istio-proxy', restartPolicy: 'Always', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } } }]
        : [],
      containers: [{ name: name === 'load-client' ? 'load' : 'server' }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      initContainerStatuses: meshed
        ? [{ name: 'istio-proxy', ready: true, restartCount: 0, image: 'docker.io/istio/proxyv2:1.30.3', imageID: '', state: { running: {} } }]
        : [],
    },
  }));
}

/** What Istio's sidecar hands the server on an mTLS request (Envoy's XFCC format: By, Hash, Subject, URI). */
const SIDECAR_XFCC =
  'By=spiffe://cluster.local/ns/mesh-bench/sa/default;Hash=8f1e6a0c2b7d4e3f9a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1;Subject="";URI=spiffe://cluster.local/ns/mesh-bench/sa/default';

/**
 * In a namespace Istio injects (labelled istio-injection=enabled in the cluster at hand: the fake's state goes with
 * `kind delete cluster`), the server's sidecar adds x-forwarded-client-cert to every request it lets in (mTLS).
 */
function meshedByIstio(f: ReturnType<typeof clusterRunFixture>): void {
  f.kube.programs.meshHeader = (ns) =>
    f.kube.namespaces.get(ns)?.['istio-injection'] === 'enabled' ? { header: 'x-forwarded-client-cert', value: SIDECAR_XFCC } : undefined;
}

const ISTIOCTL_VERSION = JSON.stringify({ clientVersion: { version: '1.30.3' }, meshVersion: [{ Component: 'pilot', Info: { version: '1.30.3' } }] });

const results = (f: ReturnType<typeof clusterRunFixture>, dir: string) => runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));

describe('a mesh run (istio sidecar) with every seam faked', () => {
  it('measures the enrolled and the unenrolled namespace, and compares each against baseline and its own unmeshed twin', async () => {
    const f = clusterRunFixture();
    f.kube.podsFor = injectedPods;
    meshedByIstio(f);
    f.runner.on(['istioctl', 'version'], ISTIOCTL_VERSION);
    const outcome = await f.run(['baseline', 'istio']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const r = results(f, outcome.dir);
    expect(r.systems.map((s) => s.id)).toEqual(['baseline', 'istio', 'istio/unmeshed']);
    const pairs = r.comparisons.map((c) => `${c.system} vs ${c.reference}: ${c.step}`);
    expect(pairs).toEqual([
      'istio vs baseline: rate-100',
      'istio vs baseline: c-4',
      'istio/unmeshed vs baseline: rate-100',
      'istio/unmeshed vs baseline: c-4',
      'istio vs istio/unmeshed: rate-100',
      'istio vs istio/unmeshed: c-4',
    ]);
    // Enrolment before any workload pod: the namespace carries the injection label when it is created.
    const ns = f.kube.applied.find((o) => o.kind === 'Namespace' && o.metadata.name === 'mesh-bench' && o.metadata.labels?.['istio-injection']);
    expect(ns?.metadata.labels?.['istio-injection']).toBe('enabled');
    const plain = f.kube.applied.filter((o) => o.kind === 'Namespace' && o.metadata.name === 'mesh-bench-plain');
    expect(plain.every((o) => !o.metadata.labels?.['istio-injection'])).toBe(true);
    // The mesh was installed with its own CLI, in the istio cluster only.
    expect(f.transcript.some((l) => l.startsWith('$ istioctl install') && l.includes('--kubeconfig /tmp/mesh-bench-test/istio/kubeconfig'))).toBe(true);
  });

  it('attributes kubelet memory and CPU to sidecars, control plane and workload, and reports them', async () => {
    const f = clusterRunFixture();
    f.kube.podsFor = injectedPods;
    meshedByIstio(f);
    f.runner.on(['istioctl', 'version'], ISTIOCTL_VERSION);
    f.kube.systemPods = [
      {
        metadata: { name: 'istiod-6d8f-abcde', namespace: 'istio-system' },
        spec: { containers: [{ name: 'discovery', resources: { requests: { cpu: '500m', memory: '2Gi' } } }] },
        // Running and ready: the control plane is checked around every repetition too (target-integrity.ts).
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      },
    ];
    const MiB = 1024 * 1024;
    f.kube.kubeletFor = (node) =>
      node.endsWith('worker2')
        ? kubeletText(f.clock.now(), [
            { namespace: 'mesh-bench', pod: 'server-1-5f6c-xk2p9', container: 'server', memoryBytes: 40 * MiB, cores: 0.2 },
            { namespace: 'mesh-bench', pod: 'server-1-5f6c-xk2p9', container: 'istio-proxy', memoryBytes: 60 * MiB, cores: 0.1 },
            { namespace: 'mesh-bench-plain', pod: 'server-1-9a8b-qq1w2', container: 'server', memoryBytes: 38 * MiB, cores: 0.01 },
          ])
        : node.endsWith('control-plane')
          ? kubeletText(f.clock.now(), [{ namespace: 'istio-system', pod: 'istiod-6d8f-abcde', container: 'discovery', memoryBytes: 100 * MiB, cores: 0.05 }])
          : kubeletText(f.clock.now(), []);
    const outcome = await f.run(['istio']);
    const r = results(f, outcome.dir);
    const meshed = r.systems.find((s) => s.id === 'istio')!.steps[0]!.aggregate.resources!;
    expect(meshed['sidecar-proxy']).toMatchObject({ containers: 1, memoryMeanBytes: 60 * MiB });
    expect(meshed['sidecar-proxy'].cpuMeanCores).toBeCloseTo(0.1, 6);
    expect(meshed['control-plane']).toMatchObject({ containers: 1, memoryMeanBytes: 100 * MiB });
    expect(meshed.workload).toMatchObject({ containers: 1, memoryMeanBytes: 40 * MiB });
    const plain = r.systems.find((s) => s.id === 'istio/unmeshed')!.steps[0]!.aggregate.resources!;
    expect(plain.workload).toMatchObject({ containers: 1, memoryMeanBytes: 38 * MiB });
    expect(plain['sidecar-proxy'].containers).toBe(0);
    const report = f.fs.read(`${outcome.dir}/report.md`)!;
    expect(report).toContain('## Resources (kubelet /metrics/resource)');
    // What istiod and the sidecars were given, read from the cluster.
    expect(r.systems[0]!.meshComponents).toEqual([
      { namespace: 'istio-system', container: 'discovery', role: 'control-plane', pods: 1, requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: null, memory: null } },
      { namespace: 'mesh-bench', container: 'istio-proxy', role: 'sidecar-proxy', pods: 2, requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    ]);
    expect(report).toContain('| istio | istio-system | discovery | control-plane | 1 | 500m / 2Gi | – / – |');
    expect(report).toMatch(/\| istio \| 60\.0 MiB \(max 60\.0 MiB\), 100 m \|/);
  });

  it('refuses to publish numbers under the mesh name when the workload is not meshed', async () => {
    const f = clusterRunFixture();
    // Pods without any proxy: injection did not happen.
    f.kube.podsFor = (ns, sel) => injectedPods('elsewhere', sel).map((p) => ({ ...p, metadata: { ...p.metadata, namespace: ns } }));
    const outcome = await f.run(['istio']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const r = results(f, outcome.dir);
    const sys = r.systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure!.message).toMatch(/^istio: the workload is not meshed: /);
    expect(sys.steps.every((s) => s.repetitions.length === 0)).toBe(true);
    expect(f.transcript.some((l) => l.startsWith('api exec'))).toBe(false);
    expect(f.transcript.at(-1)).toMatch(/^\$ kind delete cluster --name bench-istio/);
  });

  it('tears the cluster down when reading the installed versions fails after install and deploy', async () => {
    const f = clusterRunFixture();
    f.kube.podsFor = injectedPods;
    meshedByIstio(f);
    f.runner.fail(['istioctl', 'version', '-o', 'json'], 'Error: unable to retrieve Pods: the server was unable to return a response in the time allotted');
    const outcome = await f.run(['istio']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys).toMatchObject({ id: 'istio', status: 'failed', failure: { step: 'prepare', command: expect.arrayContaining(['istioctl', 'version']) } });
    // It failed after the workload was verified (so after everything was created), and nothing was measured.
    expect(f.logger.lines).toContain('ok Verify the workload is meshed by istio');
    expect(sys.steps.every((s) => s.repetitions.length === 0)).toBe(true);
    expect(f.transcript.at(-1)).toBe('$ kind delete cluster --name bench-istio --kubeconfig /tmp/mesh-bench-test/istio/kubeconfig');
  });

  it('keeps the results of a system that completed when a later one fails to install', async () => {
    const f = clusterRunFixture();
    f.runner.fail(['istioctl', 'install'], 'Error: failed to install manifests: context deadline exceeded');
    const outcome = await f.run(['baseline', 'istio']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const r = results(f, outcome.dir);
    expect(r.systems[0]).toMatchObject({ id: 'baseline', status: 'completed' });
    expect(r.systems[0]!.steps[0]!.repetitions).toHaveLength(2);
    expect(r.systems[1]).toMatchObject({ id: 'istio', status: 'failed' });
    expect(r.systems[1]!.failure!.command!.slice(0, 2)).toEqual(['istioctl', 'install']);
    expect(r.systems[1]!.failure!.output).toContain('context deadline exceeded');
    expect(f.transcript.filter((l) => l.startsWith('$ kind delete cluster'))).toEqual([
      '$ kind delete cluster --name bench-baseline --kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig',
      '$ kind delete cluster --name bench-istio --kubeconfig /tmp/mesh-bench-test/istio/kubeconfig',
    ]);
  });
});
