import { join } from 'node:path';
import type { Deps } from '../core/deps.js';
import type { KubeClient, KubeClientFactory } from '../core/kube.js';
import { BenchError, ExitCode, PreflightError } from '../core/errors.js';
import type { ResolvedScale, ResolvedScenario } from '../core/scenario-types.js';
import type { MeshAdapter } from '../mesh/mesh-adapter.js';
import { composeClassifiers, type ContainerClassifier } from '../metrics/roles.js';
import { meshComponents, meshPodPlacements } from '../mesh/mesh-components.js';
import { startKubeletSampler } from '../metrics/kubelet-sampler.js';
import { summarizeResources } from '../metrics/summarize-resources.js';
import { nodeScopesOf } from '../metrics/node-scope.js';
import type { NodeScope } from '../core/resource-schema.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, SERVER_CONTAINER, LOAD_CLIENT_CONTAINER } from './manifests.js';
import { executeOperations, execInDeployment, type OperationDeps } from './execute-operations.js';
import { parseInPodResult } from './in-cluster-load.js';
import type { KindConfig } from './kind-config.js';
import type { Versions } from './versions.js';
import type { MeasuredScale, Measurement, Platform, PreparedSystem, SystemRecorder, TeardownOptions } from './platform.js';
import { timed } from './phase-timing.js';
import { proofFailure, proveVariant } from './traffic-proof.js';
import { collectDiagnostics } from './diagnostics.js';
import { plannedWorkers, scaleUnsupportedReason, scaleWindowOps } from './scale-plan.js';
import { measureScaleWindows } from './scale-windows.js';
import {
  BENCH_NAMESPACE,
  ROLLOUT_TIMEOUT_MS,
  scaleSectionOf,
  measureOperation,
  meshContext,
  preparationSections,
  teardownSection,
  variantsOf,
  type ClusterPlanInput,
  type Variant,
} from './cluster-plan.js';
import { parseToolVersions } from './tool-versions.js';
import { measureWithIntegrity } from './target-integrity.js';
import type { Estimates } from './estimates.js';
import { estimatePlan, setupSecondsBySystem } from './plan-estimate.js';
import type { SetupEstimate } from '../scenario/expected-duration.js';
import { assertPreflight, DEFAULT_NEEDS, KIND_TARGET_TOOLS, runPreflight } from './preflight.js';
import type { ToolName } from '../mesh/mesh-adapter.js';

/**
 * `--target kind` (one kind cluster per system, created and deleted by the run) and `--target existing` (a cluster
 * the user gives by kubeconfig context: never created, deleted or given a CNI; only the harness's own namespaces are
 * created and removed). Both execute the operations of cluster-plan.ts, the same list `bench plan` prints.
 */
export interface ClusterPlatformOptions {
  target: 'kind' | 'existing';
  deps: Deps;
  kubeFactory: KubeClientFactory;
  versions: Versions;
  adapters: ReadonlyMap<string, MeshAdapter>;
  repoDir: string;
  /** Run-private directory; each system gets a subdirectory (kubeconfig, kind config, image archive). */
  workRoot: string;
  clusterPrefix: string;
  keepCluster: boolean;
  image: string;
  kindConfigs: Record<MeshAdapter['kindConfig'], KindConfig>;
  /** `linux/<arch>` for `docker save --platform` (kind targets; see image-build.ts). */
  imagePlatform?: string;
  /** Cores of this machine (preflight). */
  cores: number;
  /** Existing target: the user's kubeconfig file (read, never written) and context. */
  existing?: { kubeconfig: string; context: string };
  /** clusters/estimates.yaml (the CLI loads it): the set-up figures of the expected-duration line. */
  estimates?: Estimates & { source: string };
}

export class ClusterPlatform implements Platform {
  constructor(private readonly o: ClusterPlatformOptions) {}
  /** What the nodes of the cluster being measured are (machines or kind containers): see src/metrics/node-scope.ts. */
  private nodeScopes: Record<string, NodeScope> = {};

  get target(): 'kind' | 'existing' {
    return this.o.target;
  }

  supports(systemId: string): boolean {
    return this.o.adapters.has(systemId);
  }

  unsupportedReason(systemId: string): string {
    return `unknown system ${systemId}; known: ${[...this.o.adapters.keys()].join(', ')}`;
  }

  /** The set-up rows of `bench plan --estimate` for these systems, summed per system (one source for both). */
  setupEstimate(systemIds: readonly string[], scenario: ResolvedScenario): SetupEstimate | null {
    const e = this.o.estimates;
    if (!e) return null;
    const plan = estimatePlan(systemIds.map((id) => this.planInput(id, scenario)), e, e.source);
    return { perSystemS: setupSecondsBySystem(plan), lowFraction: e.expectedLowFraction };
  }

  planInput(systemId: string, scenario: ResolvedScenario): ClusterPlanInput {
    const adapter = this.o.adapters.get(systemId);
    if (!adapter) throw new Error(this.unsupportedReason(systemId));
    const workDir = join(this.o.workRoot, systemId);
    const existing = this.o.existing;
    return {
      target: this.o.target,
      adapter,
      scenario,
      versions: this.o.versions,
      workDir,
      repoDir: this.o.repoDir,
      clusterName: existing ? existing.context : `${this.o.clusterPrefix}-${systemId}`,
      kubeconfig: existing ? existing.kubeconfig : join(workDir, 'kubeconfig'),
      ...(existing ? { context: existing.context } : {}),
      image: this.o.image,
      kindConfigs: this.o.kindConfigs,
      ...(this.o.imagePlatform ? { imagePlatform: this.o.imagePlatform } : {}),
    };
  }

  /** `bench doctor`'s checks for the selected systems: tools at their pins, inotify limits, memory and cores. */
  async preflight(systemIds: readonly string[]): Promise<void> {
    const tools = new Set<ToolName>(this.o.target === 'kind' ? KIND_TARGET_TOOLS : ['kubectl']);
    for (const id of systemIds) for (const t of this.o.adapters.get(id)?.tools ?? []) tools.add(t);
    const d = this.o.deps;
    const report = await runPreflight(
      { tools: [...tools], versions: this.o.versions, needs: DEFAULT_NEEDS, host: this.o.target === 'kind' },
      { runner: d.runner, fs: d.fs, env: d.env, cores: this.o.cores },
    );
    for (const w of report.warnings) d.logger.warn(w);
    assertPreflight(report);
  }

  async prepare(systemId: string, scenario: ResolvedScenario, signal: AbortSignal, recorder?: SystemRecorder): Promise<PreparedSystem> {
    const p = this.planInput(systemId, scenario);
    const d = this.o.deps;
    let kube: KubeClient | null = null;
    const kubeOf = (): KubeClient => (kube ??= this.o.kubeFactory({ kubeconfig: p.kubeconfig, ...(p.context ? { context: p.context } : {}) }));
    const captured = new Map<string, string>();
    const ctx = meshContext(p);
    const opDeps: OperationDeps = {
      runner: d.runner,
      fs: d.fs,
      clock: d.clock,
      logger: d.logger,
      signal,
      kube: kubeOf,
      captured,
      checks: {
        'verify-meshed': async () => {
          const v = await p.adapter.verify(ctx, kubeOf(), d.runner);
          for (const line of v.evidence) d.logger.debug(`verify ${systemId}: ${line}`);
          if (!v.ok) throw new BenchError(`${systemId}: the workload is not meshed: ${v.problem ?? 'verification failed'}`, ExitCode.runFailed);
        },
        // Proof by traffic (traffic-proof.ts): every variant, before anything is measured.
        'traffic-proof': async () => {
          for (const v of variantsOf(p.adapter)) {
            const proof = await proveVariant(p.adapter, ctx, v, scenario, { kube: kubeOf(), runner: d.runner, clock: d.clock });
            recorder?.trafficProof(v.id, proof);
            d.logger.debug(`traffic proof ${v.id}: ${proof.seen}`);
            if (!proof.ok) throw proofFailure(v, proof);
          }
        },
      },
    };
    let created = false;
    const teardown = async (options: TeardownOptions = {}): Promise<void> => {
      if (!created) return;
      created = false;
      // --keep-cluster keeps the last install only: a next install creates a cluster of the same name.
      if (this.o.target === 'kind' && this.o.keepCluster && !options.replaced) {
        d.logger.info(`keeping cluster ${p.clusterName} (--keep-cluster); kubeconfig: ${p.kubeconfig}; delete with: bench down`);
        return;
      }
      // Teardown must run even after SIGINT: it gets its own, never-aborted signal.
      await timed(recorder, d.clock, 'teardown', () => executeOperations(teardownSection(p).operations, { ...opDeps, signal: new AbortController().signal }));
    };
    // A failed system's diagnostics bundle, collected before its teardown (diagnostics.ts); never replaces the failure.
    const diagnose = async (failure: string): Promise<void> => {
      if (!recorder?.diagnosticsDir || !created) return;
      const where = recorder.diagnosticsDir;
      const bundle = await collectDiagnostics(p, ctx, where.path, failure, d).catch((e: unknown) => {
        d.logger.warn(`diagnostics of ${systemId}: ${e instanceof Error ? e.message : String(e)}`);
        return null;
      });
      if (bundle) recorder.diagnostics({ ...bundle, dir: where.inResult });
    };
    try {
      if (this.o.target === 'existing') await this.claimNamespaces(kubeOf(), p);
      // From here on something may exist that the teardown must remove (a half-created kind cluster included).
      created = true;
      for (const section of preparationSections(p)) {
        await timed(recorder, d.clock, section.phase ?? section.title, () => executeOperations(section.operations, opDeps));
      }
      // Still preparing: a failure reading versions, nodes or components must tear the cluster down too.
      const versions: Record<string, string> = {
        ...parseToolVersions(captured),
        kubernetes: await kubeOf().serverVersion(),
        ...(await p.adapter.installedVersions(ctx, kubeOf(), d.runner)),
      };
      const nodeList = await kubeOf().listNodes();
      const nodes = nodeList.map((n) => n.metadata?.name ?? '').filter(Boolean);
      this.nodeScopes = nodeScopesOf(nodeList, this.o.target);
      const components = p.adapter.id === 'baseline' ? [] : meshComponents(await kubeOf().listAllPods(), classifierFor(p.adapter, variantsOf(p.adapter)[0]!));
      if (p.adapter.id !== 'baseline') {
        recorder?.meshPods(meshPodPlacements(await kubeOf().listAllPods(), await kubeOf().listNodes(), classifierFor(p.adapter, variantsOf(p.adapter)[0]!)));
      }
      return { ...this.prepared(kubeOf(), p, versions, nodes, components, teardown), diagnose, measureScale: (scale, o) => this.measureScale(kubeOf(), p, nodes, scale, { ...opDeps, signal: o.signal }) };
    } catch (error) {
      if (!signal.aborted) await diagnose(error instanceof Error ? error.message : String(error));
      await teardown().catch((e: unknown) => d.logger.warn(`teardown after failure: ${e instanceof Error ? e.message : String(e)}`));
      throw error;
    }
  }

  private prepared(
    kube: KubeClient,
    p: ClusterPlanInput,
    versions: Record<string, string>,
    nodes: string[],
    components: ReturnType<typeof meshComponents>,
    teardown: (options?: TeardownOptions) => Promise<void>,
  ): PreparedSystem {
    return {
      variants: variantsOf(p.adapter).map((v) => v.id),
      versions: () => versions,
      meshComponents: () => components,
      // Measured pods and their nodes snapshotted around each repetition: a changed target makes it invalid.
      measure: (variantId, step, o) =>
        measureWithIntegrity(
          kube,
          variantsOf(p.adapter).find((v) => v.id === variantId)?.namespace ?? variantId,
          () => this.measure(kube, p, variantId, nodes, step, o),
          p.adapter.id === 'baseline' ? undefined : p.adapter.classify,
        ),
      teardown,
    };
  }

  private async measure(
    kube: KubeClient,
    p: ClusterPlanInput,
    variantId: string,
    nodes: string[],
    step: ResolvedScenario['steps'][number],
    o: Parameters<PreparedSystem['measure']>[2],
  ): Promise<Measurement> {
    const variant = variantsOf(p.adapter).find((v) => v.id === variantId);
    if (!variant) throw new Error(`no variant ${variantId} of ${p.adapter.id}`);
    const op = measureOperation(variant, step, { errorBudget: o.errorBudget, thresholds: o.thresholds, seed: o.seed }, 0);
    const sampler = startKubeletSampler(kube, nodes);
    const startedMs = this.o.deps.clock.now();
    const exec = await execInDeployment(kube, op, o.signal).then(
      (out) => ({ out, error: null }),
      (error: unknown) => ({ out: null, error }),
    );
    const sampled = await sampler.stop();
    if (!exec.out) throw exec.error;
    const out = exec.out;
    if (out.exitCode !== 0 && out.exitCode !== 1) {
      throw new BenchError(`load client in ${op.namespace}/${out.pod} exited ${out.exitCode}: ${out.stderr.trim().slice(-2000)}`, ExitCode.runFailed);
    }
    const run = parseInPodResult(out.stdout, step);
    const resources = summarizeResources(sampled.scrapes, classifierFor(p.adapter, variant), {
      window: { startMs: startedMs, endMs: this.o.deps.clock.now() },
      nodeScopes: this.nodeScopes,
    });
    for (const f of sampled.failures) resources.notes.push(`scrape failed: ${f}`);
    return { run, resources };
  }

  /** kind only: the replica counts are planned from the kind config's workers (scale-plan.ts says why). */
  scaleUnsupportedReason(): string | null {
    return scaleUnsupportedReason(this.o.target);
  }

  /**
   * The scale windows (scale-windows.ts) of the system's own variant: the meshed namespace, or the baseline's only one,
   * whose workload memory per pod is what a mesh's is set beside. The unmeshed twin is not scaled.
   */
  private async measureScale(kube: KubeClient, p: ClusterPlanInput, nodes: string[], scale: ResolvedScale, operations: OperationDeps): Promise<MeasuredScale> {
    const variant = variantsOf(p.adapter)[0]!;
    const section = scaleSectionOf(p);
    if (!section) throw new Error(`${p.adapter.id}: the scenario has no scale section to measure`);
    const w = p.scenario.workload;
    return measureScaleWindows({
      kube,
      clock: this.o.deps.clock,
      logger: this.o.deps.logger,
      signal: operations.signal,
      scale,
      variant,
      section,
      windows: scaleWindowOps(p, variant, scale, { workers: plannedWorkers(p), rolloutTimeoutMs: ROLLOUT_TIMEOUT_MS }),
      otherHopPods: (w.hops - 1) * w.replicas,
      nodes,
      nodeScopes: this.nodeScopes,
      classify: classifierFor(p.adapter, variant),
      ...(p.adapter.id === 'baseline' ? {} : { meshClassify: p.adapter.classify }),
      operations,
    });
  }

  /** Existing clusters: refuse namespaces that exist and are not ours; remove leftovers of an earlier run of ours. */
  private async claimNamespaces(kube: KubeClient, p: ClusterPlanInput): Promise<void> {
    const foreign: string[] = [];
    for (const v of variantsOf(p.adapter)) {
      const labels = await kube.namespaceLabels(v.namespace);
      if (labels === null) continue;
      if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) foreign.push(v.namespace);
      else await kube.deleteNamespace(v.namespace, 180_000);
    }
    if (foreign.length) {
      throw new PreflightError(
        foreign.map((ns) => `namespace ${ns} already exists in context ${p.context} and is not mesh-bench's (no ${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE} label): refusing to touch it`),
      );
    }
  }
}

/** The mesh's containers first (sidecars in workload pods), then the variant's workload; the other variant is `other`. */
export function classifierFor(adapter: MeshAdapter, variant: Variant): ContainerClassifier {
  const workload: ContainerClassifier = (c) => {
    if (c.namespace !== variant.namespace) return undefined;
    if (c.container === SERVER_CONTAINER) return 'workload';
    if (c.container === LOAD_CLIENT_CONTAINER) return 'load-client';
    return undefined;
  };
  const otherVariant: ContainerClassifier = (c) =>
    c.namespace !== variant.namespace && (c.namespace === BENCH_NAMESPACE || c.namespace.startsWith(`${BENCH_NAMESPACE}-`)) ? 'other' : undefined;
  return composeClassifiers(otherVariant, adapter.classify, workload);
}
