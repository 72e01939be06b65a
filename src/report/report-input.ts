import type { DataPlanePerThousandRps, RoleCostPerThousand } from '../core/resource-schema.js';
import type { ContainerRole, PhaseTiming, RepetitionResult, RunResult, StepAggregate, StepResult, SystemResult } from '../core/result-schema.js';

/**
 * What the report reads of a run (report.md, its charts and the job summary): a full RunResult is one, and so is the
 * view of a compact record (src/history/record-view.ts), so `bench report` renders the same report.md from either.
 * It is a RunResult without what the report never reads: of a repetition only its number, install, status, reasons
 * and warnings, and its node and data-plane pod counts (repetitionCounts); of a phase not its start time; of the cost
 * per 1000 req/s not its undivided `raw` figures.
 */
export type ReportRepetition = Pick<RepetitionResult, 'repetition' | 'status' | 'invalidReasons' | 'warnings'> & {
  install?: number | undefined;
  /** An slo step's search (render-slo.ts); a compact record keeps none. */
  slo?: RepetitionResult['slo'];
  /** A full result's resource summary, of which the report reads the node and pod lists (repetitionCounts). */
  resources?: { nodes: readonly unknown[]; pods: ReadonlyArray<{ node: string; roles: readonly ContainerRole[] }> } | null;
};

/** A record's counts per repetition, index i for repetition i (null: no resource data), where it has no pod lists. */
export interface RepetitionCountColumns {
  nodes: ReadonlyArray<number | null>;
  sidecarPods: ReadonlyArray<number | null>;
  agentNodes: ReadonlyArray<number | null>;
}

/** A step's aggregate without the cost per 1000 req/s's undivided `raw` figures, which the report does not print. */
export type ReportAggregate = Omit<StepAggregate, 'perThousandRps' | 'dataPlanePerThousandRps'> & {
  perThousandRps?: Partial<Record<ContainerRole, Omit<RoleCostPerThousand, 'raw'>>> | null | undefined;
  dataPlanePerThousandRps?: Omit<DataPlanePerThousandRps, 'raw'> | null | undefined;
};
export type ReportStep = Omit<StepResult, 'repetitions' | 'aggregate'> & {
  aggregate: ReportAggregate;
  repetitions: readonly ReportRepetition[];
  counts?: RepetitionCountColumns | undefined;
};
export type ReportPhase = Omit<PhaseTiming, 'startedAt'>;
export type ReportSystem = Omit<SystemResult, 'steps' | 'phases'> & { steps: ReportStep[]; phases?: ReportPhase[] | undefined };
export type ReportRun = Omit<RunResult, 'systems'> & { systems: ReportSystem[] };

export interface RepetitionCounts {
  /** Nodes the kubelets were scraped on. */
  nodes: number;
  /** Pods with a sidecar-proxy container. */
  sidecarPods: number;
  /** Nodes running a node-agent container. */
  agentNodes: number;
}

/** Repetition i's counts, from its pod list (full result) or the record's columns; null without resource data. */
export function repetitionCounts(step: ReportStep, i: number): RepetitionCounts | null {
  const rep = step.repetitions[i];
  if (rep?.resources) return { nodes: rep.resources.nodes.length, ...dataPlanePods(rep.resources.pods) };
  const c = step.counts;
  const nodes = c?.nodes[i];
  if (!c || nodes === null || nodes === undefined) return null;
  return { nodes, sidecarPods: c.sidecarPods[i] ?? 0, agentNodes: c.agentNodes[i] ?? 0 };
}

/**
 * Pods with a sidecar-proxy container (a pod with two sidecar-role containers, Linkerd's proxy and its init container,
 * counts once) and nodes running a node agent, from one repetition's pod list.
 */
export function dataPlanePods(pods: ReadonlyArray<{ node: string; roles: readonly ContainerRole[] }>): { sidecarPods: number; agentNodes: number } {
  return {
    sidecarPods: pods.filter((p) => p.roles.includes('sidecar-proxy')).length,
    agentNodes: new Set(pods.filter((p) => p.roles.includes('node-agent')).map((p) => p.node)).size,
  };
}
