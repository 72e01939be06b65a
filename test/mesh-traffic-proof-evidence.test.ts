import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import type { ProcessRunner, RunOutput } from '../src/core/deps.js';
import type { ExecResult, KubeClient } from '../src/core/kube.js';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { countHubbleFlows, HUBBLE_FORWARDED, HUBBLE_L7_REQUESTS, WIREGUARD_BYTES, wireguardTransferBytes } from '../src/mesh/cilium-evidence.js';
import { HUBBLE_HBONE_FLOWS, HUBBLE_PLAINTEXT_FLOWS } from '../src/mesh/cilium-ztunnel-evidence.js';
import { WAYPOINT_REQUESTS, waypointRequests, ZTUNNEL_MTLS_CONNECTIONS, ztunnelMtlsConnections } from '../src/mesh/istio-evidence.js';
import { L5D_CLIENT_ID, SERVER_REQUESTS, serverHeaderKey, XFCC, type Burst, type Counters } from '../src/mesh/traffic-evidence.js';
import { judgeVariant, proofFailure, proveVariant } from '../src/platform/traffic-proof.js';
import { meshTestContext } from './helpers/mesh-context.js';
import { renderTrafficProof } from '../src/report/render-cluster-run.js';
import type { RunResult } from '../src/core/result-schema.js';
import { FakeClock } from './helpers/fake-clock.js';

/**
 * Issue 8, build 1: per adapter, the proof by traffic passes on realistic evidence and fails when it is absent; an
 * unmeshed variant must show none. Samples are written in each upstream's own format (label sets of istio/ztunnel
 * src/proxy/metrics.rs, Istio's standard metrics, Hubble's GetFlowsResponse JSON, Cilium's models.WireguardPeer).
 */

const burst: Burst = { sent: 100, ok: 100, responseBytes: 1024 };

const ZTUNNEL_METRICS = (namespace: string, opened: number, policy = 'mutual_tls') => `# HELP istio_tcp_connections_opened The total number of TCP connections opened.
# TYPE istio_tcp_connections_opened counter
istio_tcp_connections_opened_total{reporter="destination",source_workload="load-client",source_canonical_service="load-client",source_canonical_revision="latest",source_workload_namespace="${namespace}",source_principal="spiffe://cluster.local/ns/${namespace}/sa/default",source_app="load-client",source_version="latest",source_cluster="Kubernetes",destination_service="server-1.${namespace}.svc.cluster.local",destination_service_namespace="${namespace}",destination_service_name="server-1",destination_workload="server-1",destination_canonical_service="server-1",destination_canonical_revision="latest",destination_workload_namespace="${namespace}",destination_principal="spiffe://cluster.local/ns/${namespace}/sa/default",destination_app="server-1",destination_version="latest",destination_cluster="Kubernetes",request_protocol="tcp",response_flags="-",connection_security_policy="${policy}"} ${opened}
istio_tcp_connections_opened_total{reporter="source",source_workload="load-client",source_canonical_service="load-client",source_canonical_revision="latest",source_workload_namespace="${namespace}",source_principal="spiffe://cluster.local/ns/${namespace}/sa/default",source_app="load-client",source_version="latest",source_cluster="Kubernetes",destination_service="server-1.${namespace}.svc.cluster.local",destination_service_namespace="${namespace}",destination_service_name="server-1",destination_workload="server-1",destination_canonical_service="server-1",destination_canonical_revision="latest",destination_workload_namespace="${namespace}",destination_principal="spiffe://cluster.local/ns/${namespace}/sa/default",destination_app="server-1",destination_version="latest",destination_cluster="Kubernetes",request_protocol="tcp",response_flags="-",connection_security_policy="${policy}"} ${opened * 3}
# HELP istio_tcp_sent_bytes The size of total bytes sent during response in case of a TCP connection.
# TYPE istio_tcp_sent_bytes counter
istio_tcp_sent_bytes_total{reporter="destination",destination_workload_namespace="${namespace}",connection_security_policy="${policy}"} 104857
# EOF
`;

const WAYPOINT_METRICS = (namespace: string, requests: number) => `# TYPE istio_requests_total counter
istio_requests_total{reporter="waypoint",source_workload="load-client",source_canonical_service="load-client",source_canonical_revision="latest",source_workload_namespace="${namespace}",source_principal="spiffe://cluster.local/ns/${namespace}/sa/default",source_app="load-client",source_version="unknown",source_cluster="Kubernetes",destination_workload="server-1",destination_workload_namespace="${namespace}",destination_principal="spiffe://cluster.local/ns/${namespace}/sa/default",destination_app="server-1",destination_version="unknown",destination_service="server-1.${namespace}.svc.cluster.local",destination_canonical_service="server-1",destination_canonical_revision="latest",destination_service_name="server-1",destination_service_namespace="${namespace}",destination_cluster="Kubernetes",request_protocol="http",response_code="200",grpc_response_status="",response_flags="-",connection_security_policy="mutual_tls"} ${requests}
# TYPE envoy_cluster_upstream_cx_total counter
envoy_cluster_upstream_cx_total{cluster_name="inbound-vip|8080|http|server-1.${namespace}.svc.cluster.local"} 4
`;

/** One `hubble observe -o json` line (GetFlowsResponse), in the protobuf JSON field spelling. */
function hubbleFlow(o: { client: string; server: string; type?: 'L3_L4' | 'L7'; verdict?: string; reply?: boolean; l7?: 'REQUEST' | 'RESPONSE'; namespace?: string }): string {
  const ns = o.namespace ?? 'mesh-bench';
  const flow: Record<string, unknown> = {
    time: '2026-12-01T15:40:01.123456789Z',
    verdict: o.verdict ?? 'FORWARDED',
    IP: { source: '10.244.1.17', destination: '10.244.2.9', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 41234, destination_port: 8080, flags: { PSH: true, ACK: true } } },
    source: { ID: 1711, identity: 24077, namespace: ns, labels: ['k8s:app.kubernetes.io/name=load-client'], pod_name: o.client },
    destination: { ID: 318, identity: 5123, namespace: ns, labels: ['k8s:app.kubernetes.io/name=server-1'], pod_name: o.server },
    Type: o.type ?? 'L3_L4',
    node_name: 'bench-cilium-worker2',
    is_reply: o.reply ?? false,
    traffic_direction: 'INGRESS',
    trace_observation_point: 'TO_ENDPOINT',
  };
  if (o.type === 'L7') {
    flow.l7 = { type: o.l7 ?? 'REQUEST', latency_ns: '0', http: { method: 'GET', url: 'http://server-1.mesh-bench.svc.cluster.local:8080/', protocol: 'HTTP/1.1' } };
    delete flow.l4;
  }
  return JSON.stringify({ flow, node_name: 'bench-cilium-worker2', time: flow.time });
}

/** `cilium-dbg debuginfo --output json`, cut to what the proof reads (the real one also holds endpoints, policy…). */
function ciliumStatus(peers: Array<{ tx: number; rx: number }>): string {
  return JSON.stringify({
    cilium: { state: 'Ok', msg: 'OK' },
    encryption: {
      mode: 'Wireguard',
      wireguard: {
        interfaces: [
          {
            name: 'cilium_wg0',
            'listen-port': 51871,
            'public-key': 'jikeOvVATORm/1GD0kZLxKhw1lofdsfdgiXWVyVIR3T0=',
            'peer-count': peers.length,
            peers: peers.map((p, i) => ({
              'public-key': `3qwZEQLdK5IcFcdXxtr1m8RkDqznPVWEEirJ88+zDy${i}=`,
              endpoint: `172.18.0.${3 + i}:51871`,
              'last-handshake-time': '2026-12-01T15:39:49.102Z',
              'allowed-ips': [`10.244.${2 + i}.0/24`],
              'transfer-tx': p.tx,
              'transfer-rx': p.rx,
            })),
          },
        ],
      },
    },
  });
}

const headerCounters = (requests: number, xfcc: number, l5d: number): Counters => ({
  [SERVER_REQUESTS]: requests,
  [serverHeaderKey(XFCC)]: xfcc,
  [serverHeaderKey(L5D_CLIENT_ID)]: l5d,
});

const adapter = (id: string) => MESH_ADAPTERS_BY_ID.get(id)!;
const meshed = (id: string) => ({ id, namespace: 'mesh-bench', meshed: true });
const unmeshed = (id: string) => ({ id: `${id}/unmeshed`, namespace: 'mesh-bench-plain', meshed: false });

describe('reading the meshes’ own counters', () => {
  it('sums ztunnel mTLS connections reported as destination for one namespace', () => {
    const text = ZTUNNEL_METRICS('mesh-bench', 7) + ZTUNNEL_METRICS('mesh-bench-plain', 0).replace(/^# .*\n/gm, '');
    expect(ztunnelMtlsConnections(text, 'mesh-bench')).toBe(7);
    expect(ztunnelMtlsConnections(text, 'mesh-bench-plain')).toBe(0);
    expect(ztunnelMtlsConnections(ZTUNNEL_METRICS('mesh-bench', 7, 'unknown'), 'mesh-bench')).toBe(0);
  });

  it("counts the waypoint's requests for one namespace", () => {
    expect(waypointRequests(WAYPOINT_METRICS('mesh-bench', 250), 'mesh-bench')).toBe(250);
    expect(waypointRequests(WAYPOINT_METRICS('mesh-bench', 250), 'mesh-bench-plain')).toBe(0);
  });

  it('counts Hubble flows from the load client to the server, L3/L4 forwarded and L7 requests, ignoring replies and others', () => {
    const c = 'load-client-5f6c-xk2p9';
    const s = 'server-1-7d9f-abcde';
    const lines = [
      hubbleFlow({ client: c, server: s }),
      hubbleFlow({ client: c, server: s }),
      hubbleFlow({ client: c, server: s, reply: true }),
      hubbleFlow({ client: c, server: s, verdict: 'DROPPED' }),
      hubbleFlow({ client: 'other-pod', server: s }),
      hubbleFlow({ client: c, server: s, type: 'L7', l7: 'REQUEST' }),
      hubbleFlow({ client: c, server: s, type: 'L7', l7: 'RESPONSE' }),
      '',
    ].join('\n');
    expect(countHubbleFlows(lines, c, s)).toEqual({ forwarded: 2, l7Requests: 1 });
    // The lowerCamelCase spelling of the same fields counts the same.
    const camel = hubbleFlow({ client: c, server: s }).replaceAll('pod_name', 'podName').replaceAll('destination_port', 'destinationPort');
    expect(countHubbleFlows(camel, c, s).forwarded).toBe(1);
  });

  it('sums WireGuard peer transfer counters, and says when the status has no peers', () => {
    expect(wireguardTransferBytes(ciliumStatus([{ tx: 15746568, rx: 2457024 }, { tx: 100, rx: 50 }]))).toBe(15746568 + 2457024 + 150);
    expect(wireguardTransferBytes(JSON.stringify({ encryption: { mode: 'Wireguard', wireguard: { interfaces: [{ name: 'cilium_wg0', 'peer-count': 2 }] } } }))).toBeNull();
  });
});

/** Realistic growth of every counter for each system, meshed and unmeshed, and the same with the evidence missing. */
const CASES: Array<{ id: string; meshed: Counters; absent: Counters; unmeshedOk: Counters; unmeshedBad?: Counters }> = [
  { id: 'istio', meshed: headerCounters(100, 100, 0), absent: headerCounters(100, 0, 0), unmeshedOk: headerCounters(100, 0, 0), unmeshedBad: headerCounters(100, 100, 0) },
  { id: 'linkerd', meshed: headerCounters(100, 0, 100), absent: headerCounters(100, 0, 0), unmeshedOk: headerCounters(100, 0, 0), unmeshedBad: headerCounters(100, 0, 100) },
  {
    id: 'istio-ambient',
    meshed: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 2 },
    absent: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 0 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 0 },
    unmeshedBad: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 2 },
  },
  {
    id: 'istio-ambient-cilium',
    meshed: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 2 },
    absent: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 0 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 0 },
  },
  {
    id: 'istio-ambient-waypoint',
    meshed: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 2, [WAYPOINT_REQUESTS]: 100 },
    absent: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 2, [WAYPOINT_REQUESTS]: 0 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 0, [WAYPOINT_REQUESTS]: 0 },
    unmeshedBad: { ...headerCounters(100, 0, 0), [ZTUNNEL_MTLS_CONNECTIONS]: 0, [WAYPOINT_REQUESTS]: 100 },
  },
  {
    id: 'cilium',
    meshed: { ...headerCounters(100, 0, 0), [HUBBLE_FORWARDED]: 14 },
    absent: { ...headerCounters(100, 0, 0), [HUBBLE_FORWARDED]: 0 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [HUBBLE_FORWARDED]: 14 },
    unmeshedBad: headerCounters(100, 100, 0),
  },
  {
    id: 'cilium-wireguard',
    meshed: { ...headerCounters(100, 0, 0), [WIREGUARD_BYTES]: 100 * 1200 },
    absent: { ...headerCounters(100, 0, 0), [WIREGUARD_BYTES]: 3000 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [WIREGUARD_BYTES]: 100 * 1200 },
  },
  {
    id: 'cilium-l7',
    meshed: { ...headerCounters(100, 0, 0), [HUBBLE_L7_REQUESTS]: 100, [HUBBLE_FORWARDED]: 4 },
    absent: { ...headerCounters(100, 0, 0), [HUBBLE_L7_REQUESTS]: 0, [HUBBLE_FORWARDED]: 4 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [HUBBLE_L7_REQUESTS]: 0, [HUBBLE_FORWARDED]: 4 },
    unmeshedBad: { ...headerCounters(100, 0, 0), [HUBBLE_L7_REQUESTS]: 100 },
  },
  {
    id: 'cilium-ztunnel',
    meshed: { ...headerCounters(100, 0, 0), [HUBBLE_HBONE_FLOWS]: 6, [HUBBLE_PLAINTEXT_FLOWS]: 0 },
    absent: { ...headerCounters(100, 0, 0), [HUBBLE_HBONE_FLOWS]: 0, [HUBBLE_PLAINTEXT_FLOWS]: 14 },
    unmeshedOk: { ...headerCounters(100, 0, 0), [HUBBLE_HBONE_FLOWS]: 0, [HUBBLE_PLAINTEXT_FLOWS]: 14 },
    unmeshedBad: { ...headerCounters(100, 0, 0), [HUBBLE_HBONE_FLOWS]: 6, [HUBBLE_PLAINTEXT_FLOWS]: 0 },
  },
];

describe('judging a burst', () => {
  it('covers every registered mesh system', () => {
    expect(CASES.map((c) => c.id).sort()).toEqual([...MESH_ADAPTERS_BY_ID.keys()].filter((id) => id !== 'baseline').sort());
  });

  for (const c of CASES) {
    it(`${c.id}: passes on realistic evidence and fails as "not meshed" without it`, () => {
      expect(judgeVariant(adapter(c.id), meshed(c.id), c.meshed, burst)).toMatchObject({ ok: true });
      const v = judgeVariant(adapter(c.id), meshed(c.id), c.absent, burst);
      expect(v.ok).toBe(false);
      expect(v.expected).toBe(adapter(c.id).evidence!.expected);
    });

    it(`${c.id}/unmeshed: passes without mesh evidence${c.unmeshedBad ? ' and fails with it' : ''}`, () => {
      expect(judgeVariant(adapter(c.id), unmeshed(c.id), c.unmeshedOk, burst)).toMatchObject({ ok: true });
      if (c.unmeshedBad) expect(judgeVariant(adapter(c.id), unmeshed(c.id), c.unmeshedBad, burst).ok).toBe(false);
    });
  }

  it('baseline: passes on plain requests and fails when any carries a mesh header', () => {
    const base = { id: 'baseline', namespace: 'mesh-bench', meshed: false };
    expect(judgeVariant(adapter('baseline'), base, headerCounters(100, 0, 0), burst).ok).toBe(true);
    const v = judgeVariant(adapter('baseline'), base, headerCounters(100, 0, 100), burst);
    expect(v).toMatchObject({ ok: false, seen: expect.stringContaining('100 requests carried l5d-client-id') });
  });

  it('fails any variant whose burst got no answer', () => {
    expect(judgeVariant(adapter('istio'), meshed('istio'), headerCounters(0, 0, 0), { ...burst, ok: 0 })).toMatchObject({ ok: false, seen: 'no 2xx response to 100 burst requests' });
  });
});

/** A cluster answering exactly what the Istio ambient proof asks: pods, exec of the burst and the server read, metrics. */
function ambientCluster(connectionsPerBurst: number): { kube: KubeClient; runner: ProcessRunner; calls: string[] } {
  const calls: string[] = [];
  let requests = 0;
  let opened = 0;
  const pod = (name: string, namespace: string, node: string): V1Pod => ({
    metadata: { name, namespace },
    spec: { nodeName: node, containers: [] },
    status: { phase: 'Running', podIP: '10.244.1.5', conditions: [{ type: 'Ready', status: 'True' }] },
  });
  const refuse = (what: string) => () => Promise.reject(new Error(`fake: ${what} not set up`));
  const kube: KubeClient = {
    apply: refuse('apply'),
    delete: refuse('delete'),
    namespaceLabels: refuse('namespaceLabels'),
    deleteNamespace: refuse('deleteNamespace'),
    readDeployment: refuse('readDeployment'),
    readDaemonSet: refuse('readDaemonSet'),
    listAllPods: refuse('listAllPods'),
    listNodes: refuse('listNodes'),
    events: refuse('events'),
    nodeProxyGet: refuse('nodeProxyGet'),
    serverVersion: refuse('serverVersion'),
    async listPods(namespace, selector) {
      calls.push(`list ${namespace} ${selector}`);
      if (selector === 'app.kubernetes.io/name=server-1') return [pod('server-1-abc', namespace, 'worker2')];
      if (selector === 'app.kubernetes.io/name=load-client') return [pod('load-client-def', namespace, 'worker')];
      if (namespace === 'istio-system' && selector === 'app=ztunnel') return [pod('ztunnel-w1', namespace, 'worker'), pod('ztunnel-w2', namespace, 'worker2')];
      throw new Error(`fake: no pods for ${namespace} ${selector}`);
    },
    async exec(namespace, podName, container, argv): Promise<ExecResult> {
      calls.push(`exec ${namespace}/${podName} ${container} ${argv.slice(0, 3).join(' ')}`);
      if (argv[1] === 'dist/src/workload/read-evidence.js') {
        return { stdout: JSON.stringify({ requests, headers: { [XFCC]: { count: 0, last: null }, [L5D_CLIENT_ID]: { count: 0, last: null } } }), stderr: '', exitCode: 0 };
      }
      if (argv[2] === 'load') {
        requests += 100;
        opened += connectionsPerBurst;
        return { stdout: JSON.stringify(burstRun()), stderr: '', exitCode: 0 };
      }
      throw new Error(`fake: exec ${argv.join(' ')} not set up`);
    },
  } as KubeClient;
  const runner: ProcessRunner = {
    async run(argv): Promise<RunOutput> {
      calls.push(`$ ${argv.join(' ')}`);
      const path = argv.at(-1) ?? '';
      if (argv.includes('--raw') && path === '/api/v1/namespaces/istio-system/pods/ztunnel-w2:15020/proxy/metrics') {
        return { stdout: ZTUNNEL_METRICS('mesh-bench', opened), stderr: '', exitCode: 0 };
      }
      throw new Error(`fake: ${argv.join(' ')} not set up`);
    },
    pipe: () => Promise.reject(new Error('fake: pipe not set up')),
  };
  return { kube, runner, calls };
}

/** A LoadRun as `bench load --json` prints it for the 100-request burst. */
function burstRun(): unknown {
  const summary = { count: 100, minUs: 300, meanUs: 400, stdevUs: 20, p50Us: 400, p90Us: 420, p99Us: 450, p999Us: 460, maxUs: 470 };
  const histogram = { encoding: 'hdr-compressed-base64', unit: 'us', data: 'HISTFAAAABx4nJNpmSzMwMDAxAABzFAaxmey/wCBBABMRQPX' };
  return {
    url: 'http://server-1.mesh-bench.svc.cluster.local:8080/',
    mode: 'rate',
    step: { name: 'traffic-proof', mode: 'rate', rate: 50, connections: 2, maxConnections: 8, durationS: 2, warmupS: 0, arrival: 'uniform', workers: 1, timeoutMs: 5000 },
    startedAt: '2026-12-01T15:40:00.000Z',
    durationS: 2,
    targetRate: 50,
    achievedRate: 50,
    throughput: 50,
    errorRate: 0,
    connections: { initial: 2, peak: 2 },
    counts: { sent: 100, completed: 100, ok: 100, non2xx: 0, socketErrors: 0, timeouts: 0, unanswered: 0, reconnects: 0, resent: 0, statusCodes: { '200': 100 } },
    latency: { intended: { summary, histogram }, sent: { summary, histogram } },
    sendLag: summary,
    littlesLaw: null,
    status: 'valid',
    invalidReasons: [],
    warnings: [],
  };
}

describe('proving a variant through the cluster seams', () => {
  const scenario = { errorBudget: 0.001, seed: 1, thresholds: { minRateFraction: 0.99, littlesLawTolerance: 0.1, maxCv: 0.05 }, workload: { responseBytes: 1024, serviceDelayUs: 0, hops: 1, replicas: 1, path: '/' } };
  const ctx = meshTestContext('istio-ambient', { namespace: 'mesh-bench' });

  it('reads the server node’s ztunnel before and after the burst and records every counter', async () => {
    const c = ambientCluster(2);
    const proof = await proveVariant(adapter('istio-ambient'), ctx, meshed('istio-ambient'), scenario as never, { ...c, clock: new FakeClock() });
    expect(proof).toMatchObject({ ok: true, meshed: true, burst: { sent: 100, ok: 100 } });
    expect(proof.counters[ZTUNNEL_MTLS_CONNECTIONS]).toEqual({ before: 0, after: 2 });
    expect(proof.counters[SERVER_REQUESTS]).toEqual({ before: 0, after: 100 });
    // ztunnel-w2 runs on the server's node; the burst left from the load client.
    expect(c.calls.filter((l) => l.includes('ztunnel-w2:15020'))).toHaveLength(2);
    expect(c.calls).toContain('exec mesh-bench/load-client-def load node bin/bench.js load');
  });

  it('fails "not meshed" when the burst opened no mTLS connection through ztunnel', async () => {
    const c = ambientCluster(0);
    const proof = await proveVariant(adapter('istio-ambient'), ctx, meshed('istio-ambient'), scenario as never, { ...c, clock: new FakeClock() });
    expect(proof.ok).toBe(false);
    expect(proof.seen).toBe('ztunnel mTLS connections +0');
    expect(proofFailure(meshed('istio-ambient'), proof).message).toBe(
      `istio-ambient: not meshed: expected ${adapter('istio-ambient').evidence!.expected}, saw ztunnel mTLS connections +0`,
    );
  });
});

describe('the report', () => {
  it('lists each variant’s proof, failed ones marked, and the mesh header the server received', () => {
    const xfcc = 'By=spiffe://cluster.local/ns/mesh-bench/sa/default;Hash=4c2f;Subject="";URI=spiffe://cluster.local/ns/mesh-bench/sa/default';
    const proof = (ok: boolean, meshed: boolean, seen: string, headerSample: string | null) => ({
      expected: meshed ? adapter('istio').evidence!.expected : 'no mesh header on any request; no request carrying x-forwarded-client-cert',
      seen,
      ok,
      meshed,
      burst: { sent: 100, ok: 100 },
      counters: {},
      headerSample,
    });
    const r = {
      systems: [
        { id: 'istio', trafficProof: proof(true, true, '100 of 100 requests at the server carried x-forwarded-client-cert', xfcc) },
        { id: 'istio/unmeshed', trafficProof: proof(false, false, '3 requests carried x-forwarded-client-cert of 100 at the server', null) },
      ],
    } as unknown as RunResult;
    const text = renderTrafficProof(r)!;
    expect(text).toContain('| istio | proven | 100/100 | every burst request at the server carrying x-forwarded-client-cert');
    expect(text).toContain('| istio/unmeshed | FAILED | 100/100 |');
    expect(text).toContain(`- istio: \`${xfcc}\``);
  });
});
