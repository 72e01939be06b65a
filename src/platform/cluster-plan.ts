import { join } from 'node:path';
import type { ResolvedScenario } from '../core/scenario-types.js';
import type { KubeObject } from '../core/kube.js';
import type { MeshAdapter, MeshContext } from '../mesh/mesh-adapter.js';
import type { Operation } from './operations.js';
import type { PlanSection } from './render-plan.js';
import type { KindConfig } from './kind-config.js';
import { renderKindConfig } from './kind-config.js';
import type { Versions } from './versions.js';
import { benchNamespace, loadClient, LOAD_CLIENT_CONTAINER, LOAD_CLIENT_NAME, serverChain, serverName, serverUrl } from './manifests.js';
import { execTimeoutMs, loadArgv } from './in-cluster-load.js';
import type { MeasureOptions } from './platform.js';
import { KUBELET_RESOURCE_PATH, SCRAPE_INTERVAL_MS } from '../metrics/kubelet-sampler.js';
import { imageOperations } from './image-build.js';
import { UNMESHED_SUFFIX } from './variants.js';
import { BURST_STEP } from './traffic-proof.js';
import { installCount, repetitionsOfInstall } from '../scenario/installs.js';
import { plannedWorkers, scaleSection } from './scale-plan.js';

/**
 * The whole life of one system on a cluster as operations, in order: a pure function of its inputs, shared by
 * `bench run` (which executes it) and `bench plan` (which prints it).
 */
export const BENCH_NAMESPACE = 'mesh-bench';
/** The same workload without enrolment, in the same cluster: each mesh's second reference. */
export const PLAIN_NAMESPACE = 'mesh-bench-plain';

export const CREATE_TIMEOUT_MS = 10 * 60_000;
export const ROLLOUT_TIMEOUT_MS = 5 * 60_000;
export const NAMESPACE_DELETE_TIMEOUT_MS = 3 * 60_000;

export interface ClusterPlanInput {
  target: 'kind' | 'existing';
  adapter: MeshAdapter;
  scenario: ResolvedScenario;
  versions: Versions;
  /** Run-private directory of this system (kind config, kubeconfig, image archive). */
  workDir: string;
  repoDir: string;
  /** kind: `<prefix>-<system>`; existing: the context name. */
  clusterName: string;
  kubeconfig: string;
  context?: string;
  image: string;
  kindConfigs: Record<MeshAdapter['kindConfig'], KindConfig>;
  /** `linux/<arch>` of the Docker engine the kind nodes run on: `docker save --platform` (see image-build.ts). */
  imagePlatform?: string;
}

/** Where one variant of a system is measured. */
export interface Variant {
  /** Result id: the system id, or `<id>/unmeshed`. */
  id: string;
  namespace: string;
  meshed: boolean;
}

export function variantsOf(adapter: MeshAdapter): Variant[] {
  const meshed: Variant = { id: adapter.id, namespace: BENCH_NAMESPACE, meshed: adapter.id !== 'baseline' };
  if (adapter.id === 'baseline') return [meshed];
  return [meshed, { id: `${adapter.id}${UNMESHED_SUFFIX}`, namespace: PLAIN_NAMESPACE, meshed: false }];
}

export function meshContext(p: ClusterPlanInput): MeshContext {
  return {
    clusterName: p.clusterName,
    kubeconfig: p.kubeconfig,
    ...(p.context ? { context: p.context } : {}),
    workDir: p.workDir,
    versions: p.versions,
    namespace: BENCH_NAMESPACE,
  };
}

export function kubectlBase(p: Pick<ClusterPlanInput, 'kubeconfig' | 'context'>): string[] {
  return ['kubectl', '--kubeconfig', p.kubeconfig, ...(p.context ? ['--context', p.context] : [])];
}

/** How long every node may take to become Ready once its CNI is there (kind's own `--wait` default is 5m too). */
export const NODES_READY_TIMEOUT_MS = 5 * 60_000;
/** kubeadm's CoreDNS add-on, which kind keeps: Deployment kube-system/coredns, pods labelled k8s-app=kube-dns. */
export const COREDNS = { namespace: 'kube-system', name: 'coredns', selector: 'k8s-app=kube-dns' } as const;

/** Nodes of a kind config: one control plane when it lists none (kind's default). */
export function kindNodeCount(config: KindConfig): number {
  return config.nodes?.length ?? 1;
}

/**
 * A cluster without a CNI (the Cilium systems) is created without `--wait`: its nodes cannot be Ready before the
 * CNI is installed, and kind's `--wait` then only warns after the whole timeout and still exits 0 (kind v0.32.0
 * pkg/cluster/internal/create/actions/waitforready/waitforready.go: on timeout it prints "WARNING: Timed out
 * waiting for the nodes to be ready." and returns nil). Nodes are waited for after the CNI instead (readinessSection,
 * and cilium-common's install operations before anything else is scheduled).
 */
export function createClusterSection(p: ClusterPlanInput): PlanSection {
  const configPath = join(p.workDir, 'kind-config.yaml');
  const wait = p.adapter.kindConfig === 'no-cni' ? [] : ['--wait', '5m'];
  return {
    title: `Create kind cluster ${p.clusterName}`,
    phase: 'cluster create',
    operations: [
      {
        op: 'write-file',
        title: `Write kind config (${p.adapter.kindConfig})`,
        path: configPath,
        content: renderKindConfig(p.kindConfigs[p.adapter.kindConfig], { nodeImage: p.versions.kind.nodeImage }),
      },
      {
        op: 'run',
        title: `Create cluster ${p.clusterName}`,
        // --kubeconfig: kind writes the cluster's credentials to this run-private file, never ~/.kube/config.
        argv: ['kind', 'create', 'cluster', '--name', p.clusterName, '--config', configPath, '--kubeconfig', p.kubeconfig, ...wait],
        timeoutMs: CREATE_TIMEOUT_MS,
      },
    ],
  };
}

function workloadObjects(p: ClusterPlanInput, v: Variant, ctx: MeshContext): KubeObject[] {
  const a = p.adapter;
  const w = p.scenario.workload;
  const ns = benchNamespace(
    v.namespace,
    v.meshed ? a.namespaceLabels(ctx) : {},
    v.meshed ? (a.namespaceAnnotations?.(ctx) ?? {}) : {},
  );
  return [
    ns,
    ...(v.meshed ? a.workloadObjects({ ...ctx, namespace: v.namespace }) : []),
    ...serverChain({
      namespace: v.namespace,
      image: p.image,
      hops: w.hops,
      replicas: w.replicas,
      responseBytes: w.responseBytes,
      serviceDelayUs: w.serviceDelayUs,
    }),
    loadClient({ namespace: v.namespace, image: p.image }),
  ] as unknown as KubeObject[];
}

export function deploySection(p: ClusterPlanInput): PlanSection {
  const ctx = meshContext(p);
  const ops: Operation[] = [];
  for (const v of variantsOf(p.adapter)) {
    ops.push({
      op: 'apply',
      title: `Apply ${v.meshed ? 'enrolled' : 'unenrolled'} namespace ${v.namespace} and its workload`,
      objects: workloadObjects(p, v, ctx),
    });
    for (let hop = 1; hop <= p.scenario.workload.hops; hop++) {
      ops.push({ op: 'wait-rollout', title: `Wait for ${v.namespace}/${serverName(hop)}`, kind: 'Deployment', namespace: v.namespace, name: serverName(hop), timeoutMs: ROLLOUT_TIMEOUT_MS });
    }
    ops.push({ op: 'wait-rollout', title: `Wait for ${v.namespace}/${LOAD_CLIENT_NAME}`, kind: 'Deployment', namespace: v.namespace, name: LOAD_CLIENT_NAME, timeoutMs: ROLLOUT_TIMEOUT_MS });
  }
  ops.push(...p.adapter.postDeployOperations(ctx));
  return { title: 'Deploy the workload', phase: 'deploy', operations: ops };
}

/** Proof before measuring: the cluster's own view (verify), then a burst through the measured path (traffic-proof.ts). */
export function verifySection(p: ClusterPlanInput): PlanSection {
  const a = p.adapter;
  const variants = variantsOf(a);
  return {
    title: 'Verify the mesh is on the measured path',
    phase: 'verify',
    operations: [
      {
        op: 'check',
        title: `Verify the workload is meshed by ${a.id}`,
        check: 'verify-meshed',
        description: `${a.id}: proof that ${BENCH_NAMESPACE} pods are in the data path (${a.description}); a failure stops the run`,
      },
      {
        op: 'check',
        title: 'Prove it by traffic: a burst through the measured path',
        check: 'traffic-proof',
        description:
          `per variant (${variants.map((v) => v.id).join(', ')}): ${BURST_STEP.rate} req/s for ${BURST_STEP.durationS} s from the load client to ${serverUrl(BENCH_NAMESPACE).replace(BENCH_NAMESPACE, '<namespace>')}, ` +
          `counters read before and after. ` +
          (variants.some((v) => v.meshed) ? `Meshed: ${a.evidence?.expected ?? 'no evidence declared'}. ` : '') +
          `Unmeshed: no mesh header on any request${a.evidence ? `; ${a.evidence.expectedUnmeshed}` : ''}. ` +
          `A variant that fails this stops the run ("not meshed: expected …, saw …") before anything is measured`,
      },
    ],
  };
}

export function versionsSection(p: ClusterPlanInput): PlanSection {
  const ops: Operation[] = [
    { op: 'run', title: 'Record the kubectl version', argv: ['kubectl', 'version', '--client', '--output', 'json'], timeoutMs: 30_000, capture: 'kubectl' },
  ];
  if (p.target === 'kind') ops.unshift({ op: 'run', title: 'Record the kind version', argv: ['kind', 'version'], timeoutMs: 30_000, capture: 'kind' });
  return { title: 'Record versions (the API server is asked through the API)', phase: 'versions', operations: ops };
}

/**
 * One exec per step and repetition and variant of one install, in the order the run measures them (repetitions
 * numbered across installs, src/scenario/installs.ts: their seeds are the run's).
 */
export function measureSection(p: ClusterPlanInput, install = 1): PlanSection {
  const ops: Operation[] = [
    {
      op: 'note',
      title: 'Sample resources during every step',
      text: `every ${SCRAPE_INTERVAL_MS / 1000} s on every node: GET /api/v1/nodes/<node>/proxy/${KUBELET_RESOURCE_PATH} (container_memory_working_set_bytes, container_cpu_usage_seconds_total)`,
    },
  ];
  const s = p.scenario;
  for (const rep of repetitionsOfInstall(s, install)) {
    for (const step of s.steps) {
      for (const v of variantsOf(p.adapter)) ops.push(measureOperation(v, step, { errorBudget: s.errorBudget, thresholds: s.thresholds, seed: s.seed + rep }, rep));
    }
  }
  return { title: 'Measure', operations: ops };
}

export function measureOperation(
  v: Variant,
  step: ResolvedScenario['steps'][number],
  o: Pick<MeasureOptions, 'errorBudget' | 'seed' | 'thresholds'>,
  rep: number,
): Extract<Operation, { op: 'exec' }> {
  return {
    op: 'exec',
    title: `${v.id}: ${step.name}, repetition ${rep}`,
    namespace: v.namespace,
    deployment: LOAD_CLIENT_NAME,
    container: LOAD_CLIENT_CONTAINER,
    argv: loadArgv(serverUrl(v.namespace), step, o),
    timeoutMs: execTimeoutMs(step),
  };
}

export function teardownSection(p: ClusterPlanInput): PlanSection {
  if (p.target === 'kind') {
    return {
      title: 'Tear down',
      operations: [
        {
          op: 'run',
          title: `Delete cluster ${p.clusterName}`,
          argv: ['kind', 'delete', 'cluster', '--name', p.clusterName, '--kubeconfig', p.kubeconfig],
          timeoutMs: 5 * 60_000,
        },
      ],
    };
  }
  return {
    title: 'Tear down (only the harness namespaces)',
    operations: variantsOf(p.adapter).map((v) => ({
      op: 'run' as const,
      title: `Delete namespace ${v.namespace}`,
      argv: [...kubectlBase(p), 'delete', 'namespace', v.namespace, '--ignore-not-found', '--wait=true', '--timeout=180s'],
      timeoutMs: NAMESPACE_DELETE_TIMEOUT_MS,
    })),
  };
}

/**
 * Before the first measured step: every node Ready (on a no-CNI cluster the first moment they can be) and cluster DNS
 * answering, since the load URL is a Service DNS name (serverUrl).
 */
export function readinessSection(p: ClusterPlanInput): PlanSection {
  return {
    title: 'Wait for the nodes and cluster DNS',
    phase: 'readiness',
    operations: [
      {
        op: 'wait-nodes',
        title: `Waiting for all ${kindNodeCount(p.kindConfigs[p.adapter.kindConfig])} nodes to be Ready`,
        minNodes: kindNodeCount(p.kindConfigs[p.adapter.kindConfig]),
        timeoutMs: NODES_READY_TIMEOUT_MS,
      },
      {
        op: 'wait-rollout',
        title: `Waiting for CoreDNS (Deployment ${COREDNS.namespace}/${COREDNS.name})`,
        kind: 'Deployment',
        namespace: COREDNS.namespace,
        name: COREDNS.name,
        selector: COREDNS.selector,
        timeoutMs: ROLLOUT_TIMEOUT_MS,
      },
    ],
  };
}

export function preparationSections(p: ClusterPlanInput): PlanSection[] {
  const ctx = meshContext(p);
  const sections: PlanSection[] = [];
  if (p.target === 'kind') {
    sections.push(createClusterSection(p));
    sections.push({
      title: 'Build and load the workload image',
      phase: 'image load',
      operations: imageOperations({
        repoDir: p.repoDir,
        workDir: p.workDir,
        tag: p.image,
        clusterName: p.clusterName,
        ...(p.imagePlatform ? { platform: p.imagePlatform } : {}),
      }),
    });
    const install = p.adapter.installOperations(ctx);
    if (install.length) sections.push({ title: `Install ${p.adapter.id}`, phase: 'mesh install', operations: install });
    sections.push(readinessSection(p));
  }
  sections.push(deploySection(p));
  sections.push(verifySection(p));
  sections.push(versionsSection(p));
  return sections;
}

/**
 * One install of one system, in order: prepare, measure (that install's repetitions), the scale windows (scenario
 * `scale:`, once, after the last install's steps: scale-plan.ts), tear down.
 */
export function systemPlan(p: ClusterPlanInput, install = 1): PlanSection[] {
  const scale = install === installCount(p.scenario) ? scaleSectionOf(p) : null;
  return [...preparationSections(p), measureSection(p, install), ...(scale ? [scale] : []), teardownSection(p)];
}

/** The scale windows of the system's own variant (the meshed namespace; the baseline's only one). */
export function scaleSectionOf(p: ClusterPlanInput): PlanSection | null {
  return scaleSection(p, variantsOf(p.adapter)[0]!, { workers: plannedWorkers(p), rolloutTimeoutMs: ROLLOUT_TIMEOUT_MS });
}

/**
 * The whole life of one system over every install (scenario `installs`). With several, every install is planned in
 * full, each section titled `Install k/N: …`: each install repeats every command (a fresh cluster or namespace set)
 * and measures with its own seeds, so a plan printed once with "× N" would not show what the run executes.
 */
export function installsPlan(p: ClusterPlanInput): PlanSection[] {
  const installs = installCount(p.scenario);
  if (installs === 1) return systemPlan(p);
  return Array.from({ length: installs }, (_, i) => i + 1).flatMap((install) =>
    systemPlan(p, install).map((section) => ({ ...section, title: `Install ${install}/${installs}: ${section.title}` })),
  );
}
