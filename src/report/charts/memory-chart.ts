import { containerRoles, type ContainerRole } from '../../core/result-schema.js';
import type { ReportRun as RunResult } from '../report-input.js';
import { CHART_CONFIG, CHART_WIDTH, DATA_MARK } from './chart-style.js';
import { findStep, type ChartStep } from './chart-steps.js';
import type { ChartSpec } from './render-svg.js';

export interface MemoryRow {
  system: string;
  role: ContainerRole;
  /** Median over valid repetitions of each repetition's mean working set, summed over the role's containers. */
  mib: number;
}

const MIB = 1024 * 1024;

/**
 * The step whose memory is charted: the highest-rate rate step with resource data, else the last step with any.
 * Memory per role moves little with load (the tables give every step); the busiest step is the one a reader sizes
 * nodes for.
 */
export function memoryStep(r: RunResult, steps: readonly ChartStep[]): ChartStep | null {
  const withData = steps.filter((s) => r.systems.some((sys) => findStep(sys, s.name)?.aggregate.resources));
  const rates = withData.filter((s) => s.config?.mode === 'rate');
  const busiest = [...rates].sort((a, b) => (b.config?.rate ?? 0) - (a.config?.rate ?? 0))[0];
  return busiest ?? withData[withData.length - 1] ?? null;
}

/** Memory per role and system at one step; roles nobody had (0 bytes everywhere) are left out. */
export function memoryRows(r: RunResult, step: ChartStep): MemoryRow[] {
  const rows = r.systems.flatMap((sys) => {
    const res = findStep(sys, step.name)?.aggregate.resources;
    if (!res) return [];
    return containerRoles.flatMap((role) => {
      const bytes = res[role]?.memoryMeanBytes ?? 0;
      return [{ system: sys.id, role, mib: Math.round((bytes / MIB) * 10) / 10 }];
    });
  });
  const used = new Set(rows.filter((row) => row.mib > 0).map((row) => row.role));
  return rows.filter((row) => used.has(row.role));
}

/**
 * Colours per role, fixed so a role looks the same in every report; the mesh's own roles get the strong colours,
 * what every cluster has (workload, load client, other) the pale ones.
 */
const ROLE_COLOURS: Record<ContainerRole, string> = {
  'sidecar-proxy': '#e45756',
  'node-agent': '#f58518',
  waypoint: '#b279a2',
  'control-plane': '#4c78a8',
  workload: '#9ecae9',
  'load-client': '#d8d8d8',
  other: '#bab0ac',
};

/**
 * Memory per role stacked per system (one horizontal bar each, so long system names stay readable). A role a system
 * does not have (0 MiB: no node agent without a mesh) would be a bar of no width: it is not drawn, and every system
 * keeps its row (the y domain is the systems, not the bars drawn).
 */
export function memoryChartSpec(step: ChartStep, rows: readonly MemoryRow[]): ChartSpec {
  const roles = containerRoles.filter((role) => rows.some((row) => row.role === role));
  const systems = [...new Set(rows.map((row) => row.system))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `Memory per role at ${step.label} (${step.name})`,
    width: CHART_WIDTH,
    height: { step: 22 },
    config: CHART_CONFIG,
    data: { values: rows.filter((row) => row.mib > 0).map((row) => ({ ...row, order: roles.indexOf(row.role) })) },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5, ...DATA_MARK },
    encoding: {
      y: { field: 'system', type: 'nominal', title: null, scale: { domain: systems }, axis: { labelLimit: 220 } },
      x: { field: 'mib', type: 'quantitative', title: 'working-set memory (MiB), median of per-repetition means', stack: 'zero' },
      color: {
        field: 'role',
        type: 'nominal',
        title: 'role',
        scale: { domain: roles, range: roles.map((role) => ROLE_COLOURS[role]) },
      },
      order: { field: 'order', type: 'quantitative' },
    },
  };
}
