import type { ResolvedLoadStep, ResolvedScale } from '../core/scenario-types.js';
import type { KubeObject } from '../core/kube.js';
import type { ClusterPlanInput, Variant } from './cluster-plan.js';
import type { KindConfig } from './kind-config.js';
import type { Operation } from './operations.js';
import type { PlanSection } from './render-plan.js';
import { DEFAULT_SERVER_RESOURCES, LOAD_CLIENT_CONTAINER, LOAD_CLIENT_NAME, NODE_ROLE_LABEL, serverChain, serverName, serverUrl } from './manifests.js';
import { defaultMaxConnections, defaultRateConnections } from '../scenario/schema.js';
import { execTimeoutMs, loadArgv } from './in-cluster-load.js';
import { KUBELET_RESOURCE_PATH, SCRAPE_INTERVAL_MS } from '../metrics/kubelet-sampler.js';

/**
 * The scale windows of scenario `scale:` (issue 10, build 3) as plan operations, a pure function of the plan input:
 * `bench plan` prints them and the cluster platform executes exactly these (scale-windows.ts), after the last
 * install's steps and before its teardown. Per count of replicas per worker, ascending: apply the meshed server
 * Deployment at count × workers replicas spread over the workers, wait for its rollout, then one check (the pods'
 * nodes read, settle, the idle window sampled) and one exec (the light fixed load, sampled). The Deployment is left
 * at the last count: the scale windows run last and the teardown follows, so nothing is restored.
 */

/**
 * The server's CPU request in the scale windows. The step Deployment requests 500m (manifests.ts); 16 replicas per
 * worker would ask 8 CPUs of a kind worker that advertises the runner's 4 and stay Pending. The request decides
 * placement only (the limit, 1 CPU, and the memory request and limit are unchanged, and memory is what the windows
 * measure; at 100 req/s the servers need a few millicores). 5m: the fullest node is the load worker of a 4-vCPU runner
 * with Istio sidecars (100m CPU request each, upstream `global.proxy.resources`): the two load clients (2 × 1 CPU),
 * the meshed client's sidecar (100m), kindnet (100m, its DaemonSet's request), a CoreDNS pod if one landed there
 * (100m, kubeadm's add-on), and 16 × (5m + 100m) = 3.98 CPUs of 4; 10m would not fit beside CoreDNS. Recorded in the
 * result (scale.serverCpuRequest).
 * Upstream requests: kindnet `cpu: "100m"` (kubernetes-sigs/kind pkg/build/nodeimage/const_cni.go, the kindnet-cni
 * container); CoreDNS `cpu: 100m` (kubernetes/kubernetes cmd/kubeadm/app/phases/addons/dns/manifests.go).
 */
export const SCALE_SERVER_CPU_REQUEST = '5m';

/** The check that reads the pods' nodes, waits `settle` and samples the idle window (scale-windows.ts implements it). */
export const SCALE_IDLE_CHECK = 'scale-idle-window';

/** Workers of a kind config: the nodes the harness labels with `mesh-bench/role` (clusters/kind/*.yaml). */
export function labelledWorkers(config: KindConfig): number {
  return (config.nodes ?? []).filter((n) => n.role === 'worker' && n.labels?.[NODE_ROLE_LABEL] !== undefined).length;
}

/** Why a target cannot measure scale windows, or null when it can (kind: the workers are known from its config). */
export function scaleUnsupportedReason(target: ClusterPlanInput['target']): string | null {
  return target === 'kind'
    ? null
    : 'is measured on --target kind only: the replica counts are planned from the kind config’s labelled workers, and an existing cluster’s workers are not known before the run';
}

/** The load of a scale window: an open-loop rate step at the scenario's light fixed rate, no warm-up. */
export function scaleLoadStep(scale: ResolvedScale): ResolvedLoadStep {
  const connections = defaultRateConnections(scale.load.rate);
  return {
    name: `scale-${scale.load.rate}`,
    mode: 'rate',
    rate: scale.load.rate,
    connections,
    maxConnections: defaultMaxConnections(scale.load.rate, connections),
    durationS: scale.load.durationS,
    warmupS: 0,
    arrival: 'uniform',
    workers: 1,
    timeoutMs: 10_000,
  };
}

/** The meshed server Deployment (hop 1) at `replicas`, spread over the workers, with the scale windows' CPU request. */
export function scaledServerDeployment(p: ClusterPlanInput, variant: Variant, replicas: number): KubeObject {
  const w = p.scenario.workload;
  const [deployment] = serverChain({
    namespace: variant.namespace,
    image: p.image,
    hops: w.hops,
    replicas,
    responseBytes: w.responseBytes,
    serviceDelayUs: w.serviceDelayUs,
    resources: { ...DEFAULT_SERVER_RESOURCES, requests: { ...DEFAULT_SERVER_RESOURCES.requests, cpu: SCALE_SERVER_CPU_REQUEST } },
    placement: 'spread-over-workers',
  });
  return deployment as unknown as KubeObject;
}

export interface ScaleWindowOps {
  replicasPerNode: number;
  replicas: number;
  apply: Extract<Operation, { op: 'apply' }>;
  rollout: Extract<Operation, { op: 'wait-rollout' }>;
  idle: Extract<Operation, { op: 'check' }>;
  load: Extract<Operation, { op: 'exec' }>;
}

/** The operations of each count, in order; `workers` as planned from the kind config. */
export function scaleWindowOps(
  p: ClusterPlanInput,
  variant: Variant,
  scale: ResolvedScale,
  o: { workers: number; rolloutTimeoutMs: number },
): ScaleWindowOps[] {
  const s = p.scenario;
  const step = scaleLoadStep(scale);
  const server = serverName(1);
  return scale.replicasPerNode.map((perNode) => {
    const replicas = perNode * o.workers;
    const at = `${perNode} per worker`;
    return {
      replicasPerNode: perNode,
      replicas,
      apply: {
        op: 'apply',
        title: `Scale ${variant.namespace}/${server} to ${replicas} replicas (${at} over ${o.workers} workers, CPU request ${SCALE_SERVER_CPU_REQUEST})`,
        objects: [scaledServerDeployment(p, variant, replicas)],
      },
      rollout: { op: 'wait-rollout', title: `Wait for ${variant.namespace}/${server} at ${at}`, kind: 'Deployment', namespace: variant.namespace, name: server, timeoutMs: o.rolloutTimeoutMs },
      idle: {
        op: 'check',
        title: `Idle window at ${at}`,
        check: SCALE_IDLE_CHECK,
        description:
          `wait until exactly the ${replicas} new server pods are Ready and no old one is terminating; read each pod's node ` +
          `(pods per node as placed, never assumed); wait ${scale.settleS} s to settle; sample every node's kubelet ` +
          `(GET /api/v1/nodes/<node>/proxy/${KUBELET_RESOURCE_PATH}, every ${SCRAPE_INTERVAL_MS / 1000} s) for ${scale.idleS} s idle; ` +
          `a server pod restarted or replaced meanwhile makes the scale section invalid`,
      },
      load: {
        op: 'exec',
        title: `Loaded window at ${at}: ${scale.load.rate} req/s for ${scale.load.durationS} s, kubelets sampled`,
        namespace: variant.namespace,
        deployment: LOAD_CLIENT_NAME,
        container: LOAD_CLIENT_CONTAINER,
        argv: loadArgv(serverUrl(variant.namespace), step, { errorBudget: s.errorBudget, thresholds: s.thresholds, seed: s.seed }),
        timeoutMs: execTimeoutMs(step),
      },
    };
  });
}

/** The plan section of the scale windows; null when the scenario has none. */
export function scaleSection(
  p: ClusterPlanInput,
  variant: Variant,
  o: { workers: number; rolloutTimeoutMs: number },
): PlanSection | null {
  const scale = p.scenario.scale;
  if (!scale) return null;
  const ops: Operation[] = [
    {
      op: 'note',
      title: 'Scale windows: memory at several server replicas per worker',
      text:
        `${variant.id} only (${variant.namespace}), after every step; the server Deployment is left at the last count (the teardown follows). ` +
        `A window whose server pods restarted or changed, or whose load run was invalid, makes the whole scale section invalid with the reason`,
    },
  ];
  for (const w of scaleWindowOps(p, variant, scale, o)) ops.push(w.apply, w.rollout, w.idle, w.load);
  return { title: 'Scale windows', phase: 'scale windows', operations: ops };
}

/** The workers a plan input's kind config labels (0 on an existing cluster, which cannot be planned: see above). */
export function plannedWorkers(p: Pick<ClusterPlanInput, 'kindConfigs' | 'adapter'>): number {
  return labelledWorkers(p.kindConfigs[p.adapter.kindConfig]);
}
