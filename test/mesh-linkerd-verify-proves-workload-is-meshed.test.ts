import { readFileSync } from 'node:fs';
import type { V1Container, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { linkerdMesh } from '../src/mesh/linkerd.js';
import { checkFindings, parseLinkerdCheckJson } from '../src/mesh/linkerd-verify.js';
import type { MeshContext } from '../src/mesh/mesh-adapter.js';
import { parseVersions } from '../src/platform/versions.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { referenceFiles } from './helpers/reference.js';

/**
 * verify() on pods shaped like Linkerd edge-26.8.3 injects them (linkerd-init, then linkerd-proxy as an init container
 * with restartPolicy Always: charts/partials _proxy.tpl, and the control-plane pods of install_default.golden), and
 * on `linkerd check --proxy -o json` output in the shape of the real formatter (cli-samples/linkerd).
 */
const VERSIONS = parseVersions(readFileSync(new URL('../clusters/versions.yaml', import.meta.url), 'utf8'), 'clusters/versions.yaml');
const GOLDEN = 'cli-samples/linkerd/check_output_json.golden';
const golden = referenceFiles('the test on the linkerd check -o json golden', [GOLDEN]);
const goldenAndShape = referenceFiles('the test of the samples against the derived check -o json shape', [GOLDEN, 'cli-samples/linkerd/check-json.shape.json']);
const ctx: MeshContext = { clusterName: 'bench-linkerd', kubeconfig: '/tmp/run/kubeconfig', workDir: '/tmp/run/work', versions: VERSIONS, namespace: 'bench' };
const PROXY_IMAGE = 'cr.l5d.io/linkerd/proxy:edge-26.8.3';

class Cluster extends FakeKube {
  pods: V1Pod[] = [];
  override async listPods(namespace: string, selector?: string): Promise<V1Pod[]> {
    const wanted = (selector ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]);
    return this.pods.filter((p) => p.metadata?.namespace === namespace && wanted.every(([k, v]) => p.metadata?.labels?.[k] === v));
  }
}

function status(name: string, ready: boolean, state: V1ContainerStatus['state'] = { running: {} }): V1ContainerStatus {
  return { name, ready, started: ready, restartCount: 0, image: PROXY_IMAGE, imageID: '', state };
}

function pod(name: string, component: 'server' | 'load-client', proxy: 'native' | 'container' | 'none' = 'native', proxyReady = true): V1Pod {
  const app = component === 'server' ? 'server' : 'load';
  const proxyContainer: V1Container = { name: 'linkerd-proxy', image: PROXY_IMAGE, ...(proxy === 'native' ? { restartPolicy: 'Always' } : {}) };
  const init: V1Container[] = proxy === 'none' ? [] : [{ name: 'linkerd-init', image: PROXY_IMAGE }, ...(proxy === 'native' ? [proxyContainer] : [])];
  return {
    metadata: {
      name,
      namespace: 'bench',
      labels: {
        'app.kubernetes.io/component': component,
        'app.kubernetes.io/part-of': 'mesh-bench',
        ...(proxy === 'none' ? {} : { 'linkerd.io/control-plane-ns': 'linkerd', 'linkerd.io/workload-ns': 'bench' }),
      },
      ...(proxy === 'none' ? {} : { annotations: { 'linkerd.io/proxy-version': 'edge-26.8.3', 'linkerd.io/inject': 'enabled' } }),
    },
    spec: {
      nodeName: 'bench-linkerd-worker',
      ...(init.length ? { initContainers: init } : {}),
      containers: [{ name: app, image: 'mesh-bench:0123456789ab' }, ...(proxy === 'container' ? [proxyContainer] : [])],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      ...(init.length
        ? {
            initContainerStatuses: [
              status('linkerd-init', true, { terminated: { exitCode: 0, reason: 'Completed' } }),
              ...(proxy === 'native' ? [status('linkerd-proxy', proxyReady, proxyReady ? { running: {} } : { waiting: { reason: 'CrashLoopBackOff' } })] : []),
            ],
          }
        : {}),
      containerStatuses: [status(app, true), ...(proxy === 'container' ? [status('linkerd-proxy', proxyReady)] : [])],
    },
  };
}

function meshedCluster(): Cluster {
  const c = new Cluster();
  c.pods = [pod('server-1-6d8f9c7b5d-abcde', 'server'), pod('load-client-5c7b8d9f6-klmno', 'load-client')];
  return c;
}

function checkJson(checks: Array<[string, string, 'success' | 'warning' | 'error', string?]>): string {
  const categories = new Map<string, unknown[]>();
  for (const [category, description, result, error] of checks) {
    categories.set(category, [...(categories.get(category) ?? []), { description, ...(error ? { error, hint: 'https://linkerd.io/2/checks/#l5d-data-plane-ready' } : {}), result }]);
  }
  const success = !checks.some(([, , r]) => r === 'error');
  return JSON.stringify({ success, categories: [...categories].map(([categoryName, c]) => ({ categoryName, checks: c })) }, null, 2);
}

const HEALTHY = checkJson([
  ['kubernetes-api', 'can initialize the client', 'success'],
  ['linkerd-version', 'can determine the latest version', 'warning', 'Get "https://versioncheck.linkerd.io/version.json": dial tcp: lookup versioncheck.linkerd.io: no such host'],
  ['linkerd-data-plane', 'data plane namespace exists', 'success'],
  ['linkerd-data-plane', 'data plane proxies are ready', 'success'],
]);

function runnerAnswering(json: string, exitCode = 0): FakeRunner {
  const runner = new FakeRunner();
  if (exitCode === 0) return runner.on(['linkerd', 'check'], json);
  return runner.fail(['linkerd', 'check'], json, exitCode);
}

describe('linkerd check -o json', () => {
  it.skipIf(!golden.available)('parses the real formatter golden', () => {
    const report = parseLinkerdCheckJson(golden.read(GOLDEN));
    expect(report.success).toBe(false);
    expect(checkFindings(report, 'error')).toEqual(['category: check2: This should contain instructions for fail']);
    expect(checkFindings(report, 'warning')).toEqual([]);
  });

  it.skipIf(!goldenAndShape.available)('the samples used here have the documented shape', () => {
    const shape = JSON.parse(goldenAndShape.read('cli-samples/linkerd/check-json.shape.json')) as Record<string, unknown>;
    const validate = new Ajv({ strict: false }).compile(shape);
    expect(validate(JSON.parse(HEALTHY)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate(JSON.parse(goldenAndShape.read(GOLDEN)))).toBe(true);
    expect(validate({ success: true, categories: [{ categoryName: 'x', checks: [{ description: 'y', result: 'fine' }] }] })).toBe(false);
  });

  it('refuses output that is not a check report', () => {
    expect(() => parseLinkerdCheckJson('Linkerd core checks\n===================\n√ can initialize the client')).toThrow(/no JSON object/);
    expect(() => parseLinkerdCheckJson('{"success": true}')).toThrow(/expected/);
    expect(() => parseLinkerdCheckJson('{"success": true, "categories": [{"categoryName": "x", "checks": [{"description": "y", "result": "fine"}]}]}')).toThrow(
      /result other than success\/warning\/error/,
    );
  });

  it('finds the JSON among other output', () => {
    expect(parseLinkerdCheckJson(`some warning on stderr\n${HEALTHY}\n`).success).toBe(true);
  });
});

describe('Linkerd verification', () => {
  it('passes when every pod has a ready native linkerd-proxy and the data-plane checks pass; warnings are evidence', async () => {
    const runner = runnerAnswering(HEALTHY);
    const result = await linkerdMesh.verify(ctx, meshedCluster(), runner);
    expect(result.problem).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.evidence).toEqual([
      'server-1-6d8f9c7b5d-abcde: linkerd-proxy (init, restartPolicy Always) ready',
      'load-client-5c7b8d9f6-klmno: linkerd-proxy (init, restartPolicy Always) ready',
      'linkerd check --proxy: 4 checks, 1 warnings, 0 errors',
      'linkerd check warning: linkerd-version: can determine the latest version: Get "https://versioncheck.linkerd.io/version.json": dial tcp: lookup versioncheck.linkerd.io: no such host',
    ]);
    expect(runner.transcript).toEqual(['$ linkerd check --proxy --namespace bench --output json --wait 2m --kubeconfig /tmp/run/kubeconfig']);
  });

  it('passes the context to linkerd check when there is one', async () => {
    const runner = runnerAnswering(HEALTHY);
    await linkerdMesh.verify({ ...ctx, context: 'kind-bench' }, meshedCluster(), runner);
    expect(runner.transcript[0]).toMatch(/ --kubeconfig \/tmp\/run\/kubeconfig --context kind-bench$/);
  });

  it('accepts the proxy as a regular container (native sidecars disabled)', async () => {
    const c = meshedCluster();
    c.pods[0] = pod('server-1-6d8f9c7b5d-abcde', 'server', 'container');
    const result = await linkerdMesh.verify(ctx, c, runnerAnswering(HEALTHY));
    expect(result.ok).toBe(true);
    expect(result.evidence[0]).toBe('server-1-6d8f9c7b5d-abcde: linkerd-proxy (container) ready');
  });

  it('fails when a pod was not injected', async () => {
    const c = meshedCluster();
    c.pods[1] = pod('load-client-5c7b8d9f6-klmno', 'load-client', 'none');
    const result = await linkerdMesh.verify(ctx, c, runnerAnswering(HEALTHY));
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/^load-client-5c7b8d9f6-klmno has no linkerd-proxy container \(not injected/);
  });

  it('fails when a proxy is not ready', async () => {
    const c = meshedCluster();
    c.pods[0] = pod('server-1-6d8f9c7b5d-abcde', 'server', 'native', false);
    expect((await linkerdMesh.verify(ctx, c, runnerAnswering(HEALTHY))).problem).toBe(
      'server-1-6d8f9c7b5d-abcde: linkerd-proxy is not ready (waiting: CrashLoopBackOff)',
    );
  });

  it('fails with the failing checks when linkerd check --proxy fails (exit 1, JSON still printed)', async () => {
    const failing = checkJson([
      ['linkerd-data-plane', 'data plane namespace exists', 'success'],
      ['linkerd-data-plane', 'data plane proxies are ready', 'error', 'No "linkerd-proxy" containers found in the "bench" namespace'],
    ]);
    const result = await linkerdMesh.verify(ctx, meshedCluster(), runnerAnswering(failing, 1));
    expect(result.ok).toBe(false);
    expect(result.problem).toBe('linkerd check: linkerd-data-plane: data plane proxies are ready: No "linkerd-proxy" containers found in the "bench" namespace');
  });

  it('fails when linkerd check gives nothing usable', async () => {
    const runner = new FakeRunner().fail(['linkerd', 'check'], 'Error: could not connect to the cluster: no such host');
    const result = await linkerdMesh.verify(ctx, meshedCluster(), runner);
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/^linkerd check --proxy gave no usable result \(.*no JSON object.*\): Error: could not connect/);
  });

  it('fails when there is no workload to verify', async () => {
    const c = new Cluster();
    const result = await linkerdMesh.verify(ctx, c, runnerAnswering(HEALTHY));
    expect(result.ok).toBe(false);
    expect(result.problem).toMatch(/^no server pod in namespace bench .*; no load-client pod in namespace bench/);
  });
});
