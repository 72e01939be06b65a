import type { V1DaemonSet, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { ExecResult, KubeClient } from '../src/core/kube.js';
import { CiliumZtunnelMesh } from '../src/mesh/cilium-ztunnel-mesh.js';
import {
  checkNamespaceEnrolled,
  checkZtunnelEnabled,
  checkZtunnelReady,
  enrolmentStatus,
  ztunnelEnabledIn,
} from '../src/mesh/cilium-ztunnel-verify.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { meshTestContext } from './helpers/mesh-context.js';

/**
 * The static checks of cilium-ztunnel, the upstream guide's "Validate the Setup" (encryption-ztunnel.rst, v1.20.0),
 * against fakes answering in the real formats: ConfigMap JSON as kubectl prints it, `cilium-dbg statedb dump` as
 * statedb v0.8.3 writes it (one object of table → rows, rows EnrolledNamespace{Name, Status{updated-at, kind}}).
 */

const NS = 'bench';
const ctx = meshTestContext('cilium-ztunnel', { namespace: NS });
const NODE = { load: 'bench-cilium-ztunnel-worker', server: 'bench-cilium-ztunnel-worker2', cp: 'bench-cilium-ztunnel-control-plane' };
const AGENTS: Record<string, string> = { [NODE.cp]: 'cilium-x2k9p', [NODE.load]: 'cilium-7xk2p', [NODE.server]: 'cilium-q8v4n' };
const ZTUNNELS: Record<string, string> = { [NODE.cp]: 'ztunnel-cilium-4lq8d', [NODE.load]: 'ztunnel-cilium-9wz6t', [NODE.server]: 'ztunnel-cilium-b7m2r' };

function pod(namespace: string, name: string, node: string, labels: Record<string, string>, ready = true): V1Pod {
  return {
    metadata: { name, namespace, labels },
    spec: { nodeName: node, containers: [] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const WORKLOAD: V1Pod[] = [
  pod(NS, 'load-client-5f6d7c8b9-fghij', NODE.load, { 'app.kubernetes.io/component': 'load-client' }),
  pod(NS, 'server-1-6d9f8b7c5-abcde', NODE.server, { 'app.kubernetes.io/component': 'server' }),
];

/** `cilium-dbg statedb dump`: WriteJSON's layout, several tables, ours among them. */
function statedbDump(rows: Array<{ name: string; kind: string; error?: string }> | null): string {
  const tables: Array<[string, string[]]> = [
    ['devices', ['{"Index":1,"Name":"lo","Flags":"up|loopback|running"}', '{"Index":12,"Name":"eth0","Flags":"up|broadcast|multicast|running"}']],
    ['health', ['{"ID":{"Module":"agent.datapath","Component":"agent-liveness-updater"},"Level":"OK","Message":"OK"}']],
  ];
  if (rows) {
    tables.push([
      'mtls-enrolled-namespaces',
      rows.map((r) => JSON.stringify({ Name: r.name, Status: { 'updated-at': '2026-12-01T15:39:12.345678901Z', ...(r.error ? { error: r.error } : {}), kind: r.kind } })),
    ]);
  }
  return `{\n${tables.map(([t, rs]) => `  "${t}": [\n${rs.map((r) => `    ${r}`).join(',\n')}\n  ]`).join(',\n')}\n}\n`;
}

function daemonSet(ready: number, desired = 3): V1DaemonSet {
  return { metadata: { name: 'ztunnel-cilium', namespace: 'kube-system' }, status: { desiredNumberScheduled: desired, numberReady: ready, currentNumberScheduled: desired, numberMisscheduled: 0 } };
}

/** Pods by namespace and selector, the ztunnel DaemonSet, namespace labels, exec into agents; nothing else. */
class FakeKube implements Pick<KubeClient, 'listPods' | 'readDaemonSet' | 'exec' | 'namespaceLabels'> {
  readonly execCalls: string[] = [];
  pods: V1Pod[] = [
    ...WORKLOAD,
    ...Object.entries(AGENTS).map(([node, name]) => pod('kube-system', name, node, { 'k8s-app': 'cilium' })),
    ...Object.entries(ZTUNNELS).map(([node, name]) => pod('kube-system', name, node, { app: 'ztunnel-cilium' })),
  ];
  ztunnel: V1DaemonSet | null = daemonSet(3);
  labels: Record<string, string> | null = { 'app.kubernetes.io/managed-by': 'mesh-bench', 'io.cilium/mtls-enabled': 'true' };
  dumps = new Map<string, ExecResult>(Object.values(AGENTS).map((a) => [a, { stdout: statedbDump([{ name: NS, kind: 'Done' }]), stderr: '', exitCode: 0 }]));

  async listPods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    const [key, value] = labelSelector ? labelSelector.split('=') : [];
    return this.pods.filter((p) => p.metadata?.namespace === namespace && (key === undefined || p.metadata?.labels?.[key] === value));
  }
  async readDaemonSet(namespace: string, name: string): Promise<V1DaemonSet | null> {
    if (namespace !== 'kube-system' || name !== 'ztunnel-cilium') throw new Error(`fake kube: no answer for DaemonSet ${namespace}/${name}`);
    return this.ztunnel;
  }
  async namespaceLabels(name: string): Promise<Record<string, string> | null> {
    if (name !== NS) throw new Error(`fake kube: no answer for namespace ${name}`);
    return this.labels;
  }
  async exec(namespace: string, pod: string, container: string, argv: readonly string[]): Promise<ExecResult> {
    this.execCalls.push(`${namespace}/${pod}/${container}: ${argv.join(' ')}`);
    const answer = this.dumps.get(pod);
    if (!answer || argv.join(' ') !== 'cilium-dbg statedb dump') throw new Error(`fake kube: no answer for exec ${pod} ${argv.join(' ')}`);
    return answer;
  }
}
const asKube = (k: FakeKube): KubeClient => k as unknown as KubeClient;

const CONFIG_MAP_CMD = ['kubectl', 'get', 'configmap', 'cilium-config', '--namespace', 'kube-system', '--output', 'json'];
const configMap = (data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cilium-config', namespace: 'kube-system' }, data });

describe('cilium-ztunnel verify: ztunnel enabled in cilium-config', () => {
  it('passes on the chart’s enable-ztunnel "true", read with the run kubeconfig', async () => {
    const runner = new FakeRunner().on(CONFIG_MAP_CMD, configMap({ 'enable-ztunnel': 'true', 'ztunnel-ca-type': 'internal', 'enable-hubble': 'true' }));
    const r = await checkZtunnelEnabled(ctx, runner);
    expect(r).toEqual({ evidence: ['configmap cilium-config: enable-ztunnel "true", ztunnel-ca-type "internal"'], problems: [] });
    expect(runner.transcript).toContain(`$ ${[...CONFIG_MAP_CMD, '--kubeconfig', ctx.kubeconfig].join(' ')}`);
  });

  it('fails when the key is absent or false, and when kubectl prints no JSON', () => {
    expect(ztunnelEnabledIn(configMap({ 'enable-wireguard': 'true' })).problems).toEqual(['configmap cilium-config: enable-ztunnel is absent, expected "true"']);
    expect(ztunnelEnabledIn(configMap({ 'enable-ztunnel': 'false' })).problems).toEqual(['configmap cilium-config: enable-ztunnel is "false", expected "true"']);
    expect(ztunnelEnabledIn('Error from server (NotFound)').problems).toEqual(['configmap cilium-config: kubectl printed no JSON']);
  });
});

describe('cilium-ztunnel verify: ztunnel on the workload nodes', () => {
  it('passes with the DaemonSet ready and a ready ztunnel pod on every node that runs a workload pod', async () => {
    const r = await checkZtunnelReady(asKube(new FakeKube()), WORKLOAD);
    expect(r.problems).toEqual([]);
    expect(r.evidence).toEqual([
      'ztunnel-cilium: 3/3 ready',
      `node ${NODE.load}: ztunnel ztunnel-cilium-9wz6t ready`,
      `node ${NODE.server}: ztunnel ztunnel-cilium-b7m2r ready`,
    ]);
  });

  it('fails without the DaemonSet, with an unready one, or with the server node’s ztunnel not ready', async () => {
    const none = new FakeKube();
    none.ztunnel = null;
    expect((await checkZtunnelReady(asKube(none), WORKLOAD)).problems).toEqual(['DaemonSet kube-system/ztunnel-cilium does not exist']);
    const notReady = new FakeKube();
    notReady.ztunnel = daemonSet(2);
    notReady.pods = notReady.pods.map((p) => (p.metadata?.name === ZTUNNELS[NODE.server] ? pod('kube-system', p.metadata!.name!, NODE.server, { app: 'ztunnel-cilium' }, false) : p));
    expect((await checkZtunnelReady(asKube(notReady), WORKLOAD)).problems).toEqual([
      'ztunnel-cilium: 2/3 ready (every pod must be ready)',
      `node ${NODE.server} runs workload pods but no ready ztunnel pod`,
    ]);
  });
});

describe('cilium-ztunnel verify: the namespace is enrolled', () => {
  it('passes with the label and the namespace Done in every workload node agent’s StateDB table', async () => {
    const kube = new FakeKube();
    const r = await checkNamespaceEnrolled(ctx, asKube(kube), WORKLOAD);
    expect(r.problems).toEqual([]);
    expect(r.evidence).toEqual([
      `namespace ${NS}: io.cilium/mtls-enabled=true`,
      `agent cilium-7xk2p (node ${NODE.load}): mtls-enrolled-namespaces has ${NS}, Done`,
      `agent cilium-q8v4n (node ${NODE.server}): mtls-enrolled-namespaces has ${NS}, Done`,
    ]);
    expect(kube.execCalls).toEqual(['kube-system/cilium-7xk2p/cilium-agent: cilium-dbg statedb dump', 'kube-system/cilium-q8v4n/cilium-agent: cilium-dbg statedb dump']);
  });

  it('fails without the label, and when an agent has not enrolled the namespace, is still pending, failed, or has no table', async () => {
    const kube = new FakeKube();
    kube.labels = { 'app.kubernetes.io/managed-by': 'mesh-bench' };
    kube.dumps.set('cilium-7xk2p', { stdout: statedbDump([{ name: 'other', kind: 'Done' }, { name: NS, kind: 'Error', error: 'iptables_failed: exit status 4' }]), stderr: '', exitCode: 0 });
    kube.dumps.set('cilium-q8v4n', { stdout: statedbDump(null), stderr: '', exitCode: 0 });
    expect((await checkNamespaceEnrolled(ctx, asKube(kube), WORKLOAD)).problems).toEqual([
      `namespace ${NS} is not labelled io.cilium/mtls-enabled=true`,
      `agent cilium-7xk2p (node ${NODE.load}): ${NS} in mtls-enrolled-namespaces has status Error: iptables_failed: exit status 4, not Done`,
      `agent cilium-q8v4n (node ${NODE.server}): StateDB has no mtls-enrolled-namespaces table (is ztunnel enabled in this agent?)`,
    ]);
    expect(enrolmentStatus(statedbDump([{ name: NS, kind: 'Pending' }]), NS)).toEqual({ found: true, status: 'Pending' });
    expect(enrolmentStatus(statedbDump([{ name: 'other', kind: 'Done' }]), NS)).toEqual({ found: false, why: 'absent' });
    expect(enrolmentStatus('Error: Get "http://localhost/statedb/dump": dial unix /var/run/cilium/cilium.sock: connect: no such file', NS)).toEqual({ found: false, why: 'not-json' });
  });

  it('fails when the dump cannot be run in the agent', async () => {
    const kube = new FakeKube();
    kube.dumps.set('cilium-q8v4n', { stdout: '', stderr: 'error: unable to upgrade connection: container not found ("cilium-agent")\n', exitCode: 1 });
    expect((await checkNamespaceEnrolled(ctx, asKube(kube), WORKLOAD)).problems).toEqual([
      'cilium-dbg statedb dump on cilium-q8v4n exited 1: error: unable to upgrade connection: container not found ("cilium-agent")',
    ]);
  });
});

describe('cilium-ztunnel verify as a whole', () => {
  it('fails, naming the failure, when cilium status cannot be read (nothing is proven)', async () => {
    const v = await new CiliumZtunnelMesh().verify(ctx, asKube(new FakeKube()), new FakeRunner());
    expect(v.ok).toBe(false);
    expect(v.problem).toMatch(/^cilium status failed: /);
  });
});

describe('cilium-ztunnel installed versions', () => {
  it('adds the image tag the ztunnel DaemonSet runs to the Cilium versions', async () => {
    const image = (name: string, tag: string) => ({
      metadata: { name, namespace: 'kube-system' },
      spec: { selector: {}, template: { spec: { containers: [{ name: name === 'ztunnel-cilium' ? 'istio-proxy' : name === 'cilium' ? 'cilium-agent' : 'cilium-envoy', image: tag }] } } },
    });
    const daemonSets: Record<string, unknown> = {
      cilium: image('cilium', 'quay.io/cilium/cilium:v1.20.0@sha256:383968cd5e8873f7976fa76aa6196045643558f4cc9518a207b9335cb24a0e93'),
      'cilium-envoy': image('cilium-envoy', 'quay.io/cilium/cilium-envoy:v1.37.5-1782911245-7cffc778c923f68a77954a53b1a98d6b5353f004@sha256:583057dd4f7d54cd41efff3c413aa0b148ac201f522e2c3336851fa89c78b039'),
      // Chart 1.20.0 values.yaml: quay.io/cilium/ztunnel, tag v1.0.0, useDigest true.
      'ztunnel-cilium': image('ztunnel-cilium', 'quay.io/cilium/ztunnel:v1.0.0@sha256:884de5adde400e39f58e36c7a729f7690466ca4a8eb4c2a8daa9c1c025115b24'),
    };
    const kube = {
      async readDaemonSet(namespace: string, name: string) {
        if (namespace !== 'kube-system' || !(name in daemonSets)) throw new Error(`fake kube: no answer for DaemonSet ${namespace}/${name}`);
        return daemonSets[name];
      },
    } as unknown as KubeClient;
    const runner = new FakeRunner().on(
      ['cilium', 'version'],
      'cilium-cli: v0.19.7 compiled with go1.26.5 on linux/amd64\ncilium image (default): v1.19.5\ncilium image (stable): unknown\ncilium image (running): 1.20.0\n',
    );
    expect(await new CiliumZtunnelMesh().installedVersions(ctx, kube, runner)).toEqual({
      'cilium-cli': 'v0.19.7',
      'cilium-chart': '1.20.0',
      'cilium-agent': 'v1.20.0',
      'cilium-envoy': 'v1.37.5-1782911245-7cffc778c923f68a77954a53b1a98d6b5353f004',
      'cilium-ztunnel': 'v1.0.0',
    });
  });
});
