import { ISTIO_NAMESPACE, GATEWAY_NAME_LABEL } from './istio-verify.js';
import { podProxyArgv, sumMetric, type Counters, type EvidenceContext, type MeshEvidence } from './traffic-evidence.js';

/**
 * Istio ambient's proof by traffic (traffic-evidence.ts), from the mesh's own metrics:
 * - ztunnel: `istio_tcp_connections_opened_total` on the server node's ztunnel, reporter `destination`, for the
 *   variant's namespace, with `connection_security_policy="mutual_tls"` (istio/ztunnel src/proxy/metrics.rs:
 *   CommonTrafficLabels reporter/destination_workload_namespace/connection_security_policy, SecurityPolicy
 *   `mutual_tls`; the family `tcp_connections_opened` under ztunnel's `istio_` registry prefix; a counter, so its
 *   sample carries `_total`). ztunnel serves them on its stats port 15020 at /metrics.
 * - waypoint: `istio_requests_total` with `reporter="waypoint"` (Istio's standard metrics; the waypoint reports as
 *   `waypoint`, istio/istio tests/integration telemetry testdata), scraped from the waypoint pods' merged endpoint
 *   15020 /stats/prometheus (istio.io docs ops/integrations/prometheus).
 * Read through the API server's pod proxy (`kubectl get --raw`), so nothing is added to the measured path.
 */
export const ZTUNNEL_SELECTOR = 'app=ztunnel';
export const ZTUNNEL_STATS_PORT = 15020;
export const ZTUNNEL_MTLS_CONNECTIONS = 'ztunnel:mtls-connections-opened';
export const WAYPOINT_REQUESTS = 'waypoint:requests';

const READ_TIMEOUT_MS = 30_000;

export function ztunnelMtlsConnections(metrics: string, namespace: string): number {
  return sumMetric(metrics, 'istio_tcp_connections_opened_total', {
    reporter: 'destination',
    destination_workload_namespace: namespace,
    connection_security_policy: 'mutual_tls',
  });
}

export function waypointRequests(metrics: string, namespace: string): number {
  return sumMetric(metrics, 'istio_requests_total', { reporter: 'waypoint', destination_workload_namespace: namespace });
}

async function readZtunnel(c: EvidenceContext): Promise<number> {
  const pods = await c.kube.listPods(ISTIO_NAMESPACE, ZTUNNEL_SELECTOR);
  const pod = pods.find((p) => p.spec?.nodeName === c.server.node)?.metadata?.name;
  if (!pod) throw new Error(`no ztunnel pod on node ${c.server.node}`);
  const out = await c.runner.run(podProxyArgv(c.mesh, ISTIO_NAMESPACE, pod, ZTUNNEL_STATS_PORT, 'metrics'), { timeoutMs: READ_TIMEOUT_MS });
  return ztunnelMtlsConnections(out.stdout, c.mesh.namespace);
}

async function readWaypoints(c: EvidenceContext, waypoint: string): Promise<number> {
  let sum = 0;
  for (const p of await c.kube.listPods(c.mesh.namespace, `${GATEWAY_NAME_LABEL}=${waypoint}`)) {
    const name = p.metadata?.name;
    if (!name) continue;
    const out = await c.runner.run(podProxyArgv(c.mesh, c.mesh.namespace, name, 15020, 'stats/prometheus'), { timeoutMs: READ_TIMEOUT_MS });
    sum += waypointRequests(out.stdout, c.mesh.namespace);
  }
  return sum;
}

export function istioAmbientEvidence(waypoint: string | null): MeshEvidence {
  return {
    expected:
      'the server node ztunnel opening mTLS connections (istio_tcp_connections_opened_total, connection_security_policy=mutual_tls) for the burst' +
      (waypoint ? `, and the waypoint (${waypoint}) reporting every request (istio_requests_total, reporter=waypoint)` : ''),
    expectedUnmeshed: `no ztunnel mTLS connection${waypoint ? ' and no waypoint request' : ''} for the unenrolled namespace`,
    async read(c): Promise<Counters> {
      const counters: Counters = { [ZTUNNEL_MTLS_CONNECTIONS]: await readZtunnel(c) };
      if (waypoint) counters[WAYPOINT_REQUESTS] = await readWaypoints(c, waypoint);
      return counters;
    },
    judge(delta, burst, meshed) {
      const connections = delta[ZTUNNEL_MTLS_CONNECTIONS] ?? 0;
      const requests = delta[WAYPOINT_REQUESTS] ?? 0;
      const seen =
        `ztunnel mTLS connections +${connections}` + (waypoint ? `, waypoint requests +${requests} (burst: ${burst.ok}/${burst.sent} answered 2xx)` : '');
      if (!meshed) return { ok: connections === 0 && requests === 0, seen };
      return { ok: connections >= 1 && (!waypoint || (burst.ok > 0 && requests >= burst.ok)), seen };
    },
  };
}
