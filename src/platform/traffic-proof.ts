import type { V1Pod } from '@kubernetes/client-node';
import type { Clock, ProcessRunner } from '../core/deps.js';
import { BenchError, ExitCode } from '../core/errors.js';
import type { KubeClient } from '../core/kube.js';
import type { ResolvedLoadStep, ResolvedScenario } from '../core/scenario-types.js';
import type { TrafficProof } from '../core/result-schema.js';
import type { MeshAdapter, MeshContext } from '../mesh/mesh-adapter.js';
import {
  delta,
  judgeNoMeshHeaders,
  L5D_CLIENT_ID,
  SERVER_REQUESTS,
  serverHeaderKey,
  XFCC,
  type Burst,
  type Counters,
  type EvidenceContext,
  type EvidenceVerdict,
  type PodRef,
} from '../mesh/traffic-evidence.js';
import type { MeshHeaderSnapshot } from '../workload/mesh-headers.js';
import { execTimeoutMs, loadArgv, parseInPodResult } from './in-cluster-load.js';
import { LOAD_CLIENT_CONTAINER, LOAD_CLIENT_NAME, SERVER_CONTAINER, serverName, serverUrl } from './manifests.js';
import { podReady } from './execute-operations.js';

/**
 * Proof by traffic (issue 8, build 1), run before the first measured step for every variant of a system: read the
 * counters, send a short burst from the load-client pod to the server URL exactly as a measured step does
 * (`bench load … --json` exec'd in the pod), read the counters again, and let the adapter judge the growth
 * (src/mesh/traffic-evidence.ts). A meshed variant without evidence fails the system — "not meshed: <expected>,
 * <seen>" — before anything is measured; an unmeshed variant (the baseline, `<id>/unmeshed`) must show none.
 */
export const BURST_STEP: ResolvedLoadStep = {
  name: 'traffic-proof',
  mode: 'rate',
  rate: 50,
  connections: 2,
  maxConnections: 8,
  durationS: 2,
  warmupS: 0,
  arrival: 'uniform',
  workers: 1,
  timeoutMs: 5000,
};

/** Run in the server container: prints the server's mesh header counters (src/workload/read-evidence.ts). */
export const READ_EVIDENCE_ARGV = ['node', 'dist/src/workload/read-evidence.js'] as const;
const READ_TIMEOUT_MS = 30_000;

export interface ProofVariant {
  id: string;
  namespace: string;
  meshed: boolean;
}

export interface TrafficProofDeps {
  kube: KubeClient;
  runner: ProcessRunner;
  clock: Clock;
}

async function podRef(kube: KubeClient, namespace: string, name: string): Promise<PodRef> {
  const pod: V1Pod | undefined = (await kube.listPods(namespace, `app.kubernetes.io/name=${name}`)).find(podReady);
  if (!pod?.metadata?.name) throw new BenchError(`traffic proof: no ready pod of ${namespace}/${name}`, ExitCode.runFailed);
  return { name: pod.metadata.name, node: pod.spec?.nodeName ?? '', ip: pod.status?.podIP ?? '' };
}

async function serverCounters(kube: KubeClient, namespace: string, server: PodRef): Promise<{ counters: Counters; sample: string | null }> {
  const out = await kube.exec(namespace, server.name, SERVER_CONTAINER, READ_EVIDENCE_ARGV, READ_TIMEOUT_MS);
  if (out.exitCode !== 0) {
    throw new BenchError(`traffic proof: reading the server's evidence in ${namespace}/${server.name} exited ${out.exitCode}: ${out.stderr.trim()}`, ExitCode.runFailed);
  }
  const snap = JSON.parse(out.stdout) as MeshHeaderSnapshot;
  return {
    counters: {
      [SERVER_REQUESTS]: snap.requests,
      [serverHeaderKey(XFCC)]: snap.headers[XFCC]?.count ?? 0,
      [serverHeaderKey(L5D_CLIENT_ID)]: snap.headers[L5D_CLIENT_ID]?.count ?? 0,
    },
    sample: snap.headers[XFCC]?.last ?? snap.headers[L5D_CLIENT_ID]?.last ?? null,
  };
}

/** The verdict for one variant: the adapter's, and for an unmeshed variant also "no mesh header". */
export function judgeVariant(adapter: Pick<MeshAdapter, 'evidence'>, variant: ProofVariant, d: Counters, burst: Burst): EvidenceVerdict & { expected: string } {
  if (burst.ok === 0) {
    return { ok: false, expected: 'the burst answered', seen: `no 2xx response to ${burst.sent} burst requests` };
  }
  const ev = adapter.evidence;
  if (variant.meshed) {
    if (!ev) return { ok: false, expected: 'evidence declared by the adapter', seen: 'the adapter declares no evidence' };
    return { ...ev.judge(d, burst, true), expected: ev.expected };
  }
  const headers = judgeNoMeshHeaders(d);
  const own = ev?.judge(d, burst, false);
  return {
    ok: headers.ok && (own?.ok ?? true),
    seen: own ? `${headers.seen}; ${own.seen}` : headers.seen,
    expected: ev ? `no mesh header on any request; ${ev.expectedUnmeshed}` : 'no mesh header on any request',
  };
}

export async function proveVariant(
  adapter: MeshAdapter,
  ctx: MeshContext,
  variant: ProofVariant,
  scenario: Pick<ResolvedScenario, 'errorBudget' | 'seed' | 'thresholds' | 'workload'>,
  deps: TrafficProofDeps,
): Promise<TrafficProof> {
  const { kube, runner, clock } = deps;
  const server = await podRef(kube, variant.namespace, serverName(1));
  const client = await podRef(kube, variant.namespace, LOAD_CLIENT_NAME);
  const c = (sinceS: number): EvidenceContext => ({ mesh: { ...ctx, namespace: variant.namespace }, kube, runner, server, client, sinceS });
  const before = await serverCounters(kube, variant.namespace, server);
  const meshBefore = (await adapter.evidence?.read?.(c(0), 'before')) ?? {};
  const started = clock.monotonic();
  const argv = loadArgv(serverUrl(variant.namespace), BURST_STEP, { errorBudget: 1, seed: scenario.seed, thresholds: scenario.thresholds });
  const out = await kube.exec(variant.namespace, client.name, LOAD_CLIENT_CONTAINER, argv, execTimeoutMs(BURST_STEP));
  if (out.exitCode !== 0 && out.exitCode !== 1) {
    throw new BenchError(`traffic proof: load client in ${variant.namespace}/${client.name} exited ${out.exitCode}: ${out.stderr.trim().slice(-500)}`, ExitCode.runFailed);
  }
  const run = parseInPodResult(out.stdout, BURST_STEP);
  const burst: Burst = { sent: run.counts.sent, ok: run.counts.ok, responseBytes: scenario.workload.responseBytes };
  const after = await serverCounters(kube, variant.namespace, server);
  const meshAfter = (await adapter.evidence?.read?.(c((clock.monotonic() - started) / 1000), 'after')) ?? {};
  const b = { ...before.counters, ...meshBefore };
  const a = { ...after.counters, ...meshAfter };
  const verdict = judgeVariant(adapter, variant, delta(b, a), burst);
  const counters: TrafficProof['counters'] = {};
  for (const key of Object.keys({ ...b, ...a }).sort()) counters[key] = { before: b[key] ?? 0, after: a[key] ?? 0 };
  return {
    expected: verdict.expected,
    seen: verdict.seen,
    ok: verdict.ok,
    meshed: variant.meshed,
    burst: { sent: burst.sent, ok: burst.ok },
    counters,
    headerSample: after.sample,
  };
}

/** The one-line failure of a variant whose proof failed. */
export function proofFailure(variant: ProofVariant, proof: TrafficProof): BenchError {
  const what = variant.meshed ? 'not meshed' : 'mesh evidence on an unmeshed variant';
  return new BenchError(`${variant.id}: ${what}: expected ${proof.expected}, saw ${proof.seen}`, ExitCode.runFailed);
}
