import type { Estimate } from '../core/result-schema.js';
import type { ContainerRole } from '../core/resource-schema.js';
import { headlineLoadStep } from '../report/headline-step.js';
import type { RecordStep, RunRecord } from './record-schema.js';


/** The roles that carry requests: what "data-plane memory" adds up (as in src/report/data-plane-cost.ts). */
const DATA_PLANE_ROLES: readonly ContainerRole[] = ['sidecar-proxy', 'node-agent', 'waypoint'];

const UNMESHED_SUFFIX = '/unmeshed';

export interface SystemHeadline {
  system: string;
  /** The system's versions as reported by its tools (kind and kubernetes left out: the same for every system). */
  versions: Record<string, string>;
  /** Added p99 at the headline step, and what it was measured against; null when no comparison exists. */
  addedP99: { estimate: Estimate; against: string; pValue: number } | null;
  /**
   * Sidecar proxies + node agents + waypoints: the summed mean working set, median over valid repetitions, at the
   * headline step; null without resource data or without a data plane.
   */
  dataPlaneMemoryBytes: number | null;
}

export interface RunHeadline {
  /** Name and load of the headline step; null when the run has no step at all. */
  step: { name: string; label: string } | null;
  systems: SystemHeadline[];
}

/** The step the history follows: the rate step nearest 1000 req/s (the lower on a tie), else the first (headline-step.ts). */
export function headlineStep(record: Pick<RunRecord, 'scenario'>): { name: string; label: string } | null {
  const chosen = headlineLoadStep(record.scenario.steps);
  if (!chosen) return null;
  const label = chosen.mode === 'rate' ? `${chosen.rate} req/s` : `${chosen.connections} connections`;
  return { name: chosen.name, label };
}

/**
 * The numbers a history row shows for each measured system of a run: the added p99 at the headline step (against the
 * system's own unmeshed namespace on the same cluster where measured, else against the baseline on its own runner:
 * the comparisons the run itself made), and its data-plane memory. References and unmeshed variants have no
 * overhead of their own and get no row.
 */
export function runHeadline(record: RunRecord): RunHeadline {
  const step = headlineStep(record);
  const references = new Set(record.comparisons.map((c) => c.reference));
  const measured = record.systems.filter((s) => !references.has(s.id) && !s.id.endsWith(UNMESHED_SUFFIX) && s.id !== record.reference);
  return {
    step,
    systems: measured.map((s) => {
      const atStep = step ? s.steps.find((st) => st.name === step.name) : undefined;
      const candidates = record.comparisons.filter((c) => c.system === s.id && c.step === step?.name);
      const cmp = candidates.find((c) => c.reference === `${s.id}${UNMESHED_SUFFIX}`) ?? candidates[0];
      const versions = Object.fromEntries(Object.entries(s.versions).filter(([k]) => k !== 'kind' && k !== 'kubernetes'));
      return {
        system: s.id,
        versions,
        addedP99: cmp ? { estimate: cmp.deltaP99Us, against: cmp.reference, pValue: cmp.pValueP99 } : null,
        dataPlaneMemoryBytes: atStep ? dataPlaneMemory(atStep) : null,
      };
    }),
  };
}

function dataPlaneMemory(step: RecordStep): number | null {
  const roles = step.aggregate.resources;
  if (!roles) return null;
  const present = DATA_PLANE_ROLES.filter((r) => roles[r].containers > 0);
  if (present.length === 0) return null;
  return present.reduce((sum, r) => sum + roles[r].memoryMeanBytes, 0);
}
