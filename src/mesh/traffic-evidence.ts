import type { ProcessRunner } from '../core/deps.js';
import type { KubeClient } from '../core/kube.js';
import { parsePrometheusText } from '../metrics/prometheus-text.js';
import type { MeshContext } from './mesh-adapter.js';

/**
 * Proof by traffic (issue 8, build 1): static checks (a ready sidecar, a labelled namespace) do not prove a request
 * crosses the mesh. Before the first measured step the platform sends a short burst through exactly the path the load
 * takes (src/platform/traffic-proof.ts), reads counters before and after, and each adapter judges the growth:
 * - what the mesh adds to requests, counted by the workload server (src/workload/mesh-headers.ts), read for every
 *   system under the SERVER_* keys;
 * - counters in the mesh's own metrics or flow logs (ztunnel, waypoint, Hubble, WireGuard peers), read by the
 *   adapter's `read`.
 * An unmeshed variant (the baseline, `<id>/unmeshed`) must show none of the mesh's evidence.
 */
export interface EvidenceContext {
  /** The variant's context: `namespace` is the variant's namespace. */
  mesh: MeshContext;
  kube: KubeClient;
  runner: ProcessRunner;
  /** The pod the burst hits (the first server) and the load-client pod it leaves from. */
  server: PodRef;
  client: PodRef;
  /** Seconds since the burst started, when read after it (flow logs are queried over that window). */
  sinceS: number;
}

export interface PodRef {
  name: string;
  node: string;
  ip: string;
}

export type Counters = Record<string, number>;

export interface Burst {
  /** Requests the burst sent and the 2xx responses it got. */
  sent: number;
  ok: number;
  /** Response body size of the workload, bytes. */
  responseBytes: number;
}

export interface EvidenceVerdict {
  ok: boolean;
  /** What was seen, one line: "0 of 100 requests at server-1 carried x-forwarded-client-cert". */
  seen: string;
}

export interface MeshEvidence {
  /** What a meshed variant must show, one line (the first half of "not meshed: <expected>, <seen>"). */
  expected: string;
  /** What an unmeshed variant must not show (or why the rule does not apply), one line. */
  expectedUnmeshed: string;
  /** The mesh's own counters; `phase` tells reads of event logs (Hubble) that only `after` has a window. */
  read?(c: EvidenceContext, phase: 'before' | 'after'): Promise<Counters>;
  /** Pure: does the growth (after − before of every key) show the mesh handled the burst, or stayed out of it? */
  judge(delta: Counters, burst: Burst, meshed: boolean): EvidenceVerdict;
}

/** Keys of the server-side counters (src/workload/mesh-headers.ts). */
export const SERVER_REQUESTS = 'server:requests';
export const serverHeaderKey = (header: string): string => `server:${header}`;
export const XFCC = 'x-forwarded-client-cert';
export const L5D_CLIENT_ID = 'l5d-client-id';

/** Every mesh header the server counts: none may appear on an unmeshed variant's requests. */
export function judgeNoMeshHeaders(delta: Counters): EvidenceVerdict {
  const seen = [XFCC, L5D_CLIENT_ID].filter((h) => (delta[serverHeaderKey(h)] ?? 0) > 0);
  const requests = delta[SERVER_REQUESTS] ?? 0;
  if (seen.length) return { ok: false, seen: `${seen.map((h) => `${delta[serverHeaderKey(h)]} requests carried ${h}`).join(', ')} of ${requests} at the server` };
  return { ok: true, seen: `${requests} requests at the server, none carrying ${XFCC} or ${L5D_CLIENT_ID}` };
}

/** Evidence that the mesh's proxy handed every request to the server with `header` (Istio sidecar, Linkerd). */
export function headerEvidence(header: string, who: string): MeshEvidence {
  return {
    expected: `every burst request at the server carrying ${header} (set by ${who} on mTLS requests)`,
    expectedUnmeshed: `no request carrying ${header}`,
    judge(delta, burst, meshed) {
      const requests = delta[SERVER_REQUESTS] ?? 0;
      const carried = delta[serverHeaderKey(header)] ?? 0;
      const seen = `${carried} of ${requests} requests at the server carried ${header} (burst: ${burst.ok}/${burst.sent} answered 2xx)`;
      if (!meshed) return { ok: carried === 0, seen };
      return { ok: requests > 0 && requests >= burst.ok && carried === requests, seen };
    },
  };
}

export function delta(before: Counters, after: Counters): Counters {
  const out: Counters = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) out[key] = (after[key] ?? 0) - (before[key] ?? 0);
  return out;
}

/** Sum of a metric's samples whose labels include every `match` pair (Prometheus text or OpenMetrics). */
export function sumMetric(text: string, name: string, match: Record<string, string>): number {
  let sum = 0;
  for (const s of parsePrometheusText(text)) {
    if (s.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => s.labels[k] === v)) sum += s.value;
  }
  return sum;
}

/** `kubectl get --raw` of a pod port through the API server's pod proxy (the kubeconfig's credentials apply). */
export function podProxyArgv(ctx: MeshContext, namespace: string, pod: string, port: number, path: string): string[] {
  return [
    'kubectl',
    '--kubeconfig',
    ctx.kubeconfig,
    ...(ctx.context ? ['--context', ctx.context] : []),
    'get',
    '--raw',
    `/api/v1/namespaces/${namespace}/pods/${pod}:${port}/proxy/${path.replace(/^\/+/, '')}`,
  ];
}
