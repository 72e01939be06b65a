import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/core/kube.js';
import { SystemClock } from '../../src/core/system-clock.js';
import { ClientNodeKube } from '../../src/kube/client-node-kube.js';
import { KubeApiError } from '../../src/kube/kube-errors.js';
import { startKubeletSampler } from '../../src/metrics/kubelet-sampler.js';
import { parseResourceMetrics } from '../../src/metrics/kubelet-resource.js';
import { RolloutTimeoutError, execInDeployment, waitRollout, type OperationDeps } from '../../src/platform/execute-operations.js';
import type { Operation } from '../../src/platform/operations.js';
import { controlPlaneSuite } from '../helpers/control-plane-fixture.js';
import { writeKubeconfig } from '../helpers/fake-api-server.js';
import { FakeRunner } from '../helpers/fake-cluster.js';
import { MemoryFileSystem } from '../helpers/memory-fs.js';
import { RecordingLogger } from '../helpers/recording-logger.js';

/**
 * Rollout waits (Deployments and DaemonSets), exec, the kubelet's /metrics/resource through the node proxy and TLS
 * client-certificate authentication, through ClientNodeKube against a real kube-apiserver v1.36.1 with kwok playing
 * the kubelets (issue 11, item 5): what the fake API server of test/kube-exec-over-websocket.test.ts,
 * test/kube-node-proxy-returns-raw-text.test.ts and test/kube-tls-client-certificate.test.ts used to answer by hand.
 * Pods become Ready through kwok's lifecycle stages (with delays), execs run on this host (kwok ClusterExec `local`),
 * and /metrics/resource is kwok's emulation (test/helpers/control-plane.ts).
 */
const suite = controlPlaneSuite('rollout waits, exec, node proxy and client certificates on a real API server (test/cluster)');

const NS = 'rollouts';

const deployment = (name: string, replicas: number, nodeSelector?: Record<string, string>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { ...(nodeSelector ? { nodeSelector } : {}), containers: [{ name: 'web', image: 'mesh-bench/workload:abc' }] },
    },
  },
});

const daemonSet = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: NS },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'agent', image: 'mesh-bench/agent:abc' }] } },
  },
});

const rolloutOp = (kind: 'Deployment' | 'DaemonSet', name: string, timeoutMs: number): Extract<Operation, { op: 'wait-rollout' }> => ({
  op: 'wait-rollout',
  title: `Waiting for ${name}`,
  kind,
  namespace: NS,
  name,
  timeoutMs,
});

const execOp = (argv: string[]): Extract<Operation, { op: 'exec' }> => ({
  op: 'exec',
  title: 'exec',
  namespace: NS,
  deployment: 'web',
  container: 'web',
  argv,
  timeoutMs: 30_000,
});

describe.skipIf(!suite.available)('rollout waits, exec and the node proxy through ClientNodeKube on a real API server and kwok', () => {
  let kube: ClientNodeKube;
  let deps: OperationDeps;
  let workers: string[];
  beforeAll(async () => {
    const cp = suite.cp();
    kube = new ClientNodeKube({ kubeconfig: cp.kubeconfig, context: cp.context });
    deps = {
      runner: new FakeRunner(),
      fs: new MemoryFileSystem(),
      clock: new SystemClock(),
      logger: new RecordingLogger(),
      signal: new AbortController().signal,
      kube: () => kube,
      checks: {},
    };
    workers = cp.nodes.filter((n) => !n.endsWith('control-plane'));
    await kube.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    // Pods need the namespace's default ServiceAccount, which the controller manager creates.
    const sa = await cp.kubectl(['wait', '--for=create', 'serviceaccount/default', '-n', NS, '--timeout=30s']);
    expect(sa.code, sa.stderr).toBe(0);
  });

  describe('rollout waits', () => {
    it('waits for a Deployment until every replica is updated, ready and available (kwok makes pods Ready after delays)', async () => {
      await kube.apply(deployment('web', 2));
      const before = await kube.readDeployment(NS, 'web');

      await waitRollout(rolloutOp('Deployment', 'web', 90_000), deps);

      // Not ready when the wait began: the wait waited.
      expect(before?.status?.readyReplicas ?? 0).toBeLessThan(2);
      const after = await kube.readDeployment(NS, 'web');
      expect(after?.status).toMatchObject({ readyReplicas: 2, updatedReplicas: 2, availableReplicas: 2 });
      const pods = await kube.listPods(NS, 'app=web');
      expect(pods).toHaveLength(2);
      expect(pods.every((p) => p.status?.phase === 'Running' && workers.includes(p.spec?.nodeName ?? ''))).toBe(true);
    });

    it('waits for a DaemonSet until it runs a ready pod on every node it schedules to (the workers; the control plane is tainted)', async () => {
      await kube.apply(daemonSet('agent'));

      await waitRollout(rolloutOp('DaemonSet', 'agent', 90_000), deps);

      const ds = await kube.readDaemonSet(NS, 'agent');
      expect(ds?.status).toMatchObject({ desiredNumberScheduled: workers.length, numberReady: workers.length, updatedNumberScheduled: workers.length });
      const nodes = (await kube.listPods(NS, 'app=agent')).map((p) => p.spec?.nodeName).sort();
      expect(nodes).toEqual([...workers].sort());
    });

    it('fails a wait for a DaemonSet that was never created, saying it was not found', async () => {
      const error = await waitRollout(rolloutOp('DaemonSet', 'absent', 1000), deps).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RolloutTimeoutError);
      expect((error as Error).message).toBe(`DaemonSet ${NS}/absent not ready after 1 s (not found)`);
    });

    it('fails a wait for a Deployment whose pod cannot be scheduled, naming the pod, its phase and the scheduler’s event', async () => {
      await kube.apply(deployment('stuck', 1, { 'mesh-bench/role': 'nowhere' }));
      // The scheduler's FailedScheduling event exists before the wait gives up (once the ReplicaSet made the pod).
      for (let i = 0; i < 60 && (await kube.listPods(NS, 'app=stuck')).length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 250));
      const scheduled = await suite.cp().kubectl(['wait', '--for=condition=PodScheduled=False', 'pod', '-l', 'app=stuck', '-n', NS, '--timeout=30s']);
      expect(scheduled.code, scheduled.stderr).toBe(0);

      const error = await waitRollout(rolloutOp('Deployment', 'stuck', 3000), deps).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RolloutTimeoutError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^Deployment ${NS}/stuck not ready after 3 s \\(0/1 ready, 1 updated\\)\\n` +
            `  pod stuck-[a-z0-9]+-[a-z0-9]+: phase Pending; last events: FailedScheduling: 0/3 nodes are available: .*node\\(s\\) didn't match Pod's node affinity/selector`,
        ),
      );
    });
  });

  describe('exec', () => {
    it('runs the command in the first ready pod of a Deployment, returning stdout, stderr (UTF-8) and the exit code', async () => {
      await waitRollout(rolloutOp('Deployment', 'web', 90_000), deps);

      const r = await execInDeployment(kube, execOp(['sh', '-c', 'printf "hello wörld\\n"; printf "warn: something\\n" >&2; exit 0']));

      expect(r).toMatchObject({ stdout: 'hello wörld\n', stderr: 'warn: something\n', exitCode: 0 });
      expect((await kube.listPods(NS, 'app=web')).map((p) => p.metadata?.name)).toContain(r.pod);
    });

    it('never takes a failed command for success (kwok reports a non-zero exit as an InternalError status)', async () => {
      // A kubelet answers a non-zero exit with a NonZeroExitCode status carrying the code, which exec() returns as
      // exitCode (asserted on the fake in test/kube-exec-over-websocket.test.ts); kwok's local exec answers
      // InternalError "… exit status 3" without a code, which exec() must reject rather than resolve as exit 0.
      await expect(execInDeployment(kube, execOp(['sh', '-c', 'printf out; printf err >&2; exit 3']))).rejects.toThrow(
        /^exec in rollouts\/web-[a-z0-9]+-[a-z0-9]+ container web \(sh -c printf out; printf err >&2; exit 3\): .*exit status 3$/,
      );
    });

    it('fails with the server’s refusal naming the pod and container when the pod does not exist', async () => {
      await expect(kube.exec(NS, 'gone', 'web', ['true'], 10_000)).rejects.toThrow(/^exec in rollouts\/gone container web \(true\): .*404/);
    });

    it('fails with the server’s refusal when the container is not in the pod', async () => {
      const [pod] = await kube.listPods(NS, 'app=web');
      const name = pod?.metadata?.name ?? '';
      await expect(kube.exec(NS, name, 'nope', ['true'], 10_000)).rejects.toThrow(
        new RegExp(`^exec in rollouts/${name} container nope \\(true\\): .*400`),
      );
    });
  });

  describe('nodeProxyGet', () => {
    it('returns the kubelet’s /metrics/resource text through /api/v1/nodes/{node}/proxy/{path}, slashes kept, as our parser reads it', async () => {
      await waitRollout(rolloutOp('Deployment', 'web', 90_000), deps);
      const pods = await kube.listPods(NS, 'app=web');
      const node = pods[0]?.spec?.nodeName ?? '';

      // kwok, like a kubelet, lists a new pod's containers in /metrics/resource a moment after the pod runs.
      let text = '';
      for (let i = 0; i < 60 && !text.includes('container_memory_working_set_bytes{'); i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 500));
        text = await kube.nodeProxyGet(node, 'metrics/resource');
      }

      expect(text).toMatch(/^# HELP /m);
      expect(text).toMatch(/^container_memory_working_set_bytes\{container="web",namespace="rollouts",pod="web-/m);
      const scrape = parseResourceMetrics(text, node, Date.now());
      const web = scrape.containers.filter((c) => c.namespace === NS && c.container === 'web');
      expect(web.map((c) => c.pod).sort()).toEqual(pods.filter((p) => p.spec?.nodeName === node).map((p) => p.metadata?.name).sort());
      // kwok's usage for containers other than server and load: 20Mi (test/helpers/control-plane.ts).
      expect(web[0]?.memoryWorkingSetBytes?.value).toBe(20 * 1024 * 1024);
      expect(scrape.nodeUsage.memoryWorkingSetBytes).not.toBeNull();
    });

    it('reaches the same endpoint with a leading slash and with a query string (the query is not percent-encoded into the path)', async () => {
      const node = workers[0]!;
      const metric = (text: string) => text.split('\n').filter((l) => l.startsWith('container_memory_working_set_bytes{')).map((l) => l.replace(/ \d+$/, '')).sort();
      const plain = await kube.nodeProxyGet(node, 'metrics/resource');

      expect(metric(await kube.nodeProxyGet(node, '/metrics/resource'))).toEqual(metric(plain));
      expect(metric(await kube.nodeProxyGet(node, 'metrics/resource?pretty=1'))).toEqual(metric(plain));
    });

    it('reports a node the API server does not know with its message and HTTP 404, at once (not retried)', async () => {
      const error = await kube.nodeProxyGet('no-such-node', 'metrics/resource').catch((e: unknown) => e);

      expect(error).toBeInstanceOf(KubeApiError);
      expect((error as KubeApiError).httpStatus).toBe(404);
      expect((error as Error).message).toBe('GET metrics/resource on node no-such-node: nodes "no-such-node" not found (HTTP 404)');
    });

    it('the kubelet sampler scrapes every worker through the node proxy without failures', async () => {
      const sampler = startKubeletSampler(kube, workers, 60_000);
      const { scrapes, failures } = await sampler.stop();

      expect(failures).toEqual([]);
      // The first scrape at start, the last at stop: two per node.
      expect(scrapes.map((s) => s.node).sort()).toEqual([...workers, ...workers].sort());
      expect(scrapes.every((s) => s.containers.some((c) => c.namespace === NS))).toBe(true);
    });
  });

  describe('client certificates (kind’s kubeconfig shape: https, cluster CA, client certificate, no token)', () => {
    let dir: string;
    let nobody: ClientNodeKube;
    let anonymous: ClientNodeKube;
    let distrustful: ClientNodeKube;
    const cleanups: Array<() => Promise<void>> = [];

    /** A client certificate for `cn` signed by the control plane's CA: authenticated as that user, with no RBAC rights. */
    function clientCert(cn: string): { cert: string; key: string } {
      const cp = suite.cp();
      openssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${cn}.key`, '-out', `${cn}.csr`, '-subj', `/CN=${cn}`);
      openssl(dir, 'x509', '-req', '-in', `${cn}.csr`, '-CA', join(cp.dir, 'ca.crt'), '-CAkey', join(cp.dir, 'ca.key'), '-CAcreateserial', '-days', '1', '-out', `${cn}.crt`);
      return { cert: readFileSync(join(dir, `${cn}.crt`), 'utf8'), key: readFileSync(join(dir, `${cn}.key`), 'utf8') };
    }

    beforeAll(async () => {
      const cp = suite.cp();
      dir = mkdtempSync(join(tmpdir(), 'mesh-bench-client-certs-'));
      const ca = readFileSync(join(cp.dir, 'ca.crt'), 'utf8');
      const user = clientCert('nobody');
      const made = await writeKubeconfig([{ name: 'nobody', server: cp.server, pki: { ca, clientCert: user.cert, clientKey: user.key } }], 'nobody');
      cleanups.push(made.remove);
      nobody = new ClientNodeKube({ kubeconfig: made.path });
      // The right CA, no credentials at all: the API server sees system:anonymous.
      const none = await writeKubeconfig([{ name: 'anonymous', server: cp.server, pki: { ca, clientCert: '', clientKey: '' } }], 'anonymous');
      cleanups.push(none.remove);
      anonymous = new ClientNodeKube({ kubeconfig: none.path }, { retry: { operationTimeoutMs: 5000 } });
      // Another CA: the server's certificate must not be trusted.
      openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-subj', '/CN=other-ca', '-days', '1');
      const wrong = await writeKubeconfig(
        [{ name: 'wrong-ca', server: cp.server, pki: { ca: readFileSync(join(dir, 'other-ca.crt'), 'utf8'), clientCert: readFileSync(join(cp.dir, 'admin.crt'), 'utf8'), clientKey: readFileSync(join(cp.dir, 'admin.key'), 'utf8') } }],
        'wrong-ca',
      );
      cleanups.push(wrong.remove);
      distrustful = new ClientNodeKube({ kubeconfig: wrong.path }, { retry: { operationTimeoutMs: 5000 } });
    });

    afterAll(async () => {
      for (const cleanup of cleanups) await cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('generated API calls, server-side apply and delete present the client certificate (the server names its user)', async () => {
      await expect(nobody.listNodes()).rejects.toThrow(/^list nodes: nodes is forbidden: User "nobody" cannot list resource "nodes" in API group "" at the cluster scope \(HTTP 403\)$/);
      await expect(nobody.apply(deployment('web', 2))).rejects.toThrow(
        /^apply Deployment rollouts\/web: deployments\.apps "web" is forbidden: User "nobody" cannot patch resource "deployments" in API group "apps" in the namespace "rollouts" \(HTTP 403\)$/,
      );
      await expect(nobody.delete({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: NS })).rejects.toThrow(
        /^delete Deployment rollouts\/web: deployments\.apps "web" is forbidden: User "nobody" cannot delete resource "deployments" in API group "apps" in the namespace "rollouts" \(HTTP 403\)$/,
      );
    });

    it('nodeProxyGet presents the client certificate', async () => {
      await expect(nobody.nodeProxyGet(workers[0]!, 'metrics/resource')).rejects.toThrow(
        new RegExp(`^GET metrics/resource on node ${workers[0]}: nodes "${workers[0]}" is forbidden: User "nobody" cannot get resource "nodes/proxy" in API group "" at the cluster scope \\(HTTP 403\\)$`),
      );
    });

    it('exec’s websocket presents the client certificate: the admin’s exec runs, the certificate-less one is refused', async () => {
      const [pod] = await kube.listPods(NS, 'app=web');
      const name = pod?.metadata?.name ?? '';
      expect(await kube.exec(NS, name, 'web', ['sh', '-c', 'printf ok'], 30_000)).toEqual({ stdout: 'ok', stderr: '', exitCode: 0 });
      await expect(anonymous.exec(NS, name, 'web', ['true'], 10_000)).rejects.toThrow(new RegExp(`^exec in rollouts/${name} container web \\(true\\): .*403`));
    });

    it('without a client certificate the server sees system:anonymous', async () => {
      await expect(anonymous.listNodes()).rejects.toThrow(/^list nodes: nodes is forbidden: User "system:anonymous" cannot list resource "nodes" .*\(HTTP 403\)$/);
    });

    it('refuses a server whose certificate the kubeconfig CA did not sign, on generated calls and on nodeProxyGet', async () => {
      await expect(distrustful.listNodes()).rejects.toThrow(/^list nodes: .*(unable to verify|self-signed|unable to get local issuer)/);
      await expect(distrustful.nodeProxyGet(workers[0]!, 'metrics/resource')).rejects.toThrow(
        new RegExp(`^GET metrics/resource on node ${workers[0]}: .*(unable to verify|self-signed|unable to get local issuer)`),
      );
    });
  });
});

function openssl(cwd: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}
