import type { LoadRun, MeshComponent } from '../core/result-schema.js';
import type { ResourceSummary } from '../core/resource-schema.js';
import type { ResolvedLoadStep, ResolvedScenario, Thresholds } from '../core/scenario-types.js';

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
  /** Removes what prepare created. Idempotent; must not throw for a half-prepared system. */
  teardown(): Promise<void>;
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
  prepare(systemId: string, scenario: ResolvedScenario, signal: AbortSignal): Promise<PreparedSystem>;
}
