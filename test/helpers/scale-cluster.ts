import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { KubeObject } from '../../src/core/kube.js';
import { kubeletText, type FakeKube } from './fake-cluster.js';

/**
 * The fake cluster's nodes as clusters/kind/default.yaml labels them, and a stand-in scheduler for the scale
 * windows: a Deployment whose pod template carries topologySpreadConstraints gets its pods placed over the labelled
 * workers by `place` (round robin unless a test says otherwise: a test can place them unevenly to prove the harness
 * reads placement rather than assume it); every other pod stays where the fake puts it (servers on `worker`, the
 * load client on `worker2`). Pods can be given restarts from a given moment on (`restarts`).
 */
export const CONTROL_PLANE = 'bench-node-control-plane';
export const SERVER_WORKER = 'bench-node-worker';
export const LOAD_WORKER = 'bench-node-worker2';
export const LABELLED_WORKERS = [SERVER_WORKER, LOAD_WORKER] as const;

export interface SpreadScheduler {
  /** Node of replica `index` of `replicas` spread pods (default: round robin over the labelled workers). */
  place: (index: number, replicas: number) => string;
  /** Restart counts by pod name (what containerStatuses report), set by a test while the run goes on. */
  restarts: Map<string, number>;
}

export function withSpreadScheduler(kube: FakeKube): SpreadScheduler {
  const scheduler: SpreadScheduler = { place: (i) => LABELLED_WORKERS[i % LABELLED_WORKERS.length]!, restarts: new Map() };
  kube.nodes = [
    node(CONTROL_PLANE, {}),
    node(SERVER_WORKER, { 'mesh-bench/role': 'server' }),
    node(LOAD_WORKER, { 'mesh-bench/role': 'load' }),
  ];
  const base = kube.podsFor;
  kube.podsFor = (namespace, selector) =>
    base(namespace, selector).map((pod) => {
      const name = pod.metadata?.labels?.['app.kubernetes.io/name'];
      const deployment = name ? kube.objects.get(`Deployment/${namespace}/${name}`) : undefined;
      const spread = deployment ? isSpread(deployment) : false;
      const replicas = deployment ? (((deployment as { spec?: { replicas?: number } }).spec?.replicas) ?? 1) : 1;
      const index = replicaIndex(pod);
      const nodeName = spread ? scheduler.place(index, replicas) : name === 'load-client' ? LOAD_WORKER : SERVER_WORKER;
      const restarts = scheduler.restarts.get(pod.metadata?.name ?? '') ?? 0;
      return withRestarts({ ...pod, spec: { ...pod.spec!, nodeName } }, restarts);
    });
  return scheduler;
}

function node(name: string, labels: Record<string, string>): V1Node {
  return { metadata: { name, labels }, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] } };
}

function isSpread(o: KubeObject): boolean {
  const template = (o as { spec?: { template?: { spec?: { topologySpreadConstraints?: unknown[] } } } }).spec?.template;
  return (template?.spec?.topologySpreadConstraints?.length ?? 0) > 0;
}

/** The fake names replica 0 `<deployment>-7d9f-abcde` and replica r `<deployment>-7d9f-r<r>`. */
function replicaIndex(pod: V1Pod): number {
  const m = /-r(\d+)$/.exec(pod.metadata?.name ?? '');
  return m ? Number(m[1]) : 0;
}

function withRestarts(pod: V1Pod, restarts: number): V1Pod {
  if (restarts === 0 || !pod.status?.containerStatuses) return pod;
  return { ...pod, status: { ...pod.status, containerStatuses: pod.status.containerStatuses.map((c) => ({ ...c, restartCount: restarts })) } };
}

/**
 * Kubelets that report every container of the harness's pods where the fake placed them (20 MB and 0.01 cores each):
 * for tests that need every pod to have a reading (the scale windows refuse a pod without one) but assert nothing on
 * the figures.
 */
export function kubeletsReportingEveryPod(kube: FakeKube, now: () => number): void {
  kube.kubeletFor = (node) =>
    kubeletText(
      now(),
      ['mesh-bench', 'mesh-bench-plain'].flatMap((namespace) =>
        kube
          .podsFor(namespace, undefined)
          .filter((p) => p.spec?.nodeName === node)
          .flatMap((p) => (p.spec?.containers ?? []).map((c) => ({ namespace, pod: p.metadata?.name ?? '', container: c.name, memoryBytes: 20e6, cores: 0.01 }))),
      ),
    );
}
