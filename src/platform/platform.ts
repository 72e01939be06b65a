import type { Diagnostics, LoadRun, MeshComponent, MeshPod, PhaseTiming, TrafficProof } from '../core/result-schema.js';
import type { ResourceSummary } from '../core/resource-schema.js';
import type { ResolvedLoadStep, ResolvedScale, ResolvedScenario, Thresholds } from '../core/scenario-types.js';
import type { ScaleWindow } from '../scale/build-scale.js';
import type { SetupEstimate } from '../scenario/expected-duration.js';

/** What a measurement of one step needs besides the step itself. */
export interface MeasureOptions {
  errorBudget: number;
  thresholds: Thresholds;
  seed: number;
  signal: AbortSignal;
}

/** One measured repetition of a step: the engine's result and, on clusters, what the kubelets saw meanwhile. */
export interface Measurement {
  run: LoadRun;
  resources: ResourceSummary | null;
  /**
   * The target died during the measurement (a local workload process exited): `run` is already invalid with the
   * reason; the pipeline keeps it, then fails the system with this error.
   */
  targetFailure?: Error;
}

/** One system, ready to be measured (servers running, cluster created and meshed, …). */
export interface PreparedSystem {
  /**
   * What is measured, each a result of its own: the system id, and for meshes `<id>/unmeshed` (the same workload in
   * an unenrolled namespace of the same cluster).
   */
  variants: string[];
  /** Runs one load step against one variant's workload. */
  measure(variant: string, step: ResolvedLoadStep, options: MeasureOptions): Promise<Measurement>;
  /** Versions as the tools and the cluster report them (not the pins). */
  versions(): Record<string, string>;
  /** The mesh's containers with their requests and limits, as the cluster runs them. */
  meshComponents(): MeshComponent[];
  /**
   * Collects the diagnostics bundle of a system that failed after prepare (a measurement), before teardown; platforms
   * without one leave it out.
   */
  diagnose?(failure: string): Promise<void>;
  /**
   * Scenario `scale:` (issue 10, build 3): the system's own variant at each count of server replicas per worker, each
   * window's containers summarised like a step's. Called once, after the last install's steps; platforms that cannot
   * measure it leave it out and say why in `scaleUnsupportedReason` (the run is refused before anything starts).
   * Throws on a failure of the machinery (a rollout that never completes) and when `signal` aborts; a window that
   * cannot be trusted is not an error: it is in `invalidReasons`.
   */
  measureScale?(scale: ResolvedScale, options: { signal: AbortSignal }): Promise<MeasuredScale>;
  /** Removes what prepare created. Idempotent; must not throw for a half-prepared system. */
  teardown(options?: TeardownOptions): Promise<void>;
}

/** What the scale windows measured (src/platform/scale-windows.ts), for src/scale/ to fit. */
export interface MeasuredScale {
  /** Worker nodes the server was spread over (labelled `mesh-bench/role`, as the API listed them). */
  workers: number;
  /** Windows measured, in order (idle then load per count); only up to the first invalid one. */
  windows: ScaleWindow[];
  serverCpuRequest: string;
  placements: Array<{ replicasPerNode: number; podsByNode: Record<string, number> }>;
  /** Empty when every window can be trusted. */
  invalidReasons: string[];
}

export interface TeardownOptions {
  /**
   * Another install of the same system follows (scenario `installs`) and needs its name and resources: remove
   * everything even with --keep-cluster, which keeps only the last install.
   */
  replaced?: boolean;
}

/**
 * What a platform reports about a system besides its measurements, as it happens (so a system that fails half-way
 * still has them): phase durations, the proof by traffic per variant, where the mesh's pods ran, and the diagnostics
 * bundle of a failure. The pipeline keeps them in the system's result.
 */
export interface SystemRecorder {
  /**
   * Where a failed system's diagnostics bundle goes: `path` on disk (`<run dir>/diagnostics/<system>`) and as the
   * result names it (relative to the result file); null to collect none.
   */
  readonly diagnosticsDir: { path: string; inResult: string } | null;
  phase(timing: PhaseTiming): void;
  trafficProof(variant: string, proof: TrafficProof): void;
  meshPods(pods: MeshPod[]): void;
  diagnostics(bundle: Diagnostics): void;
}

/** Where workloads run: local processes, a kind cluster per system, or an existing cluster. */
export interface Platform {
  readonly target: 'local' | 'kind' | 'existing';
  /** Systems this platform can run; anything else is refused before anything is created. */
  supports(systemId: string): boolean;
  /** Describes why a system is not supported (for the one-line error). */
  unsupportedReason(systemId: string): string;
  /** Checks tools and the machine for these systems; throws PreflightError (exit 3) before anything is created. */
  preflight?(systemIds: readonly string[]): Promise<void>;
  /**
   * Cluster targets: the set-up per system from clusters/estimates.yaml (the figures `bench plan --estimate` prints),
   * for the expected-duration line; null when no estimates file was given. The local target has none.
   */
  setupEstimate?(systemIds: readonly string[], scenario: ResolvedScenario): SetupEstimate | null;
  prepare(systemId: string, scenario: ResolvedScenario, signal: AbortSignal, recorder?: SystemRecorder): Promise<PreparedSystem>;
  /**
   * Why this platform cannot measure scenario `scale:` (the one-line refusal, exit 2, before anything starts), or null
   * when its prepared systems implement measureScale. Absent: it cannot (the local target runs no cluster).
   */
  scaleUnsupportedReason?(): string | null;
}
