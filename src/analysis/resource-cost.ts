import {
  containerRoles,
  dataPlaneRoles,
  type ContainerRole,
  type DataPlanePerThousandRps,
  type OutsideContainers,
  type PerThousandRps,
  type RoleCostPerThousand,
} from '../core/resource-schema.js';
import type { Estimate, RepetitionResult } from '../core/result-schema.js';
import { median } from 'simple-statistics';
import { bootstrapMedianInterval } from './bootstrap.js';
import { deriveSeed } from './random.js';

/**
 * Resource cost over a step's repetitions: per role per 1000 req/s, and what the nodes spend outside every container.
 * Each figure is computed per repetition first (a repetition's resources and its own throughput belong together), then
 * summarised as the median over repetitions with a seeded bootstrap interval, like the latency medians. Pass the
 * valid repetitions only (aggregateStep does). What the figures mean is in src/metrics/README.md.
 */
export interface ResourceCostOptions {
  /** Run seed; each figure's bootstrap uses a seed derived from it and the figure's name. */
  seed: number;
  resamples?: number;
}

/** value ÷ (throughput ÷ 1000): the cost of 1000 req/s at the load measured. */
export function perThousandRps(value: number, throughputRps: number): number {
  if (!(throughputRps > 0)) throw new RangeError(`throughput must be positive, got ${throughputRps}`);
  return (value * 1000) / throughputRps;
}

/**
 * Per role present in the step: CPU and memory per 1000 req/s with intervals, and the raw figures. A repetition counts
 * for a role when it has resource data, a positive throughput, and among the role's containers at least one with a CPU
 * rate and one with a memory sample (a role whose only container has a single CPU sample shows 0 cores in its sums,
 * which would read as "costs nothing"). Null when no repetition has resource data.
 */
export function aggregatePerThousandRps(repetitions: readonly RepetitionResult[], options: ResourceCostOptions): PerThousandRps | null {
  const measured = repetitions.filter((r) => r.resources !== null && r.throughput > 0);
  if (measured.length === 0) return null;
  const out: PerThousandRps = {};
  for (const role of containerRoles) {
    const rows = measured.flatMap((r) => {
      const x = r.resources?.roles[role];
      return x && x.containers > 0 && roleMeasured(r, role) ? [{ stats: x, throughput: r.throughput }] : [];
    });
    if (rows.length === 0) continue;
    const estimate = (label: string, values: number[]): Estimate =>
      bootstrapMedianInterval(values, { seed: deriveSeed(options.seed, `perThousandRps:${role}:${label}`), resamples: options.resamples });
    const cost: RoleCostPerThousand = {
      cpuCores: estimate('cpuCores', rows.map((x) => perThousandRps(x.stats.cpuMeanCores, x.throughput))),
      memoryBytes: estimate('memoryBytes', rows.map((x) => perThousandRps(x.stats.memoryMeanBytes, x.throughput))),
      raw: {
        cpuCores: estimate('raw:cpuCores', rows.map((x) => x.stats.cpuMeanCores)),
        memoryBytes: estimate('raw:memoryBytes', rows.map((x) => x.stats.memoryMeanBytes)),
      },
      repetitions: rows.length,
    };
    out[role] = cost;
  }
  return out;
}

/**
 * The data plane's cost per 1000 req/s: the `dataPlaneRoles` present in the step (some container had them in some
 * repetition) added up within each repetition in which every one of them was measured, then like one role. Null when
 * the step has no data-plane role or no repetition measured them all.
 */
export function aggregateDataPlanePerThousandRps(
  repetitions: readonly RepetitionResult[],
  options: ResourceCostOptions,
): DataPlanePerThousandRps | null {
  const measured = repetitions.filter((r) => r.resources !== null && r.throughput > 0);
  const roles = dataPlaneRoles.filter((role) => measured.some((r) => (r.resources?.roles[role].containers ?? 0) > 0));
  if (roles.length === 0) return null;
  const rows = measured.flatMap((r) => {
    if (!roles.every((role) => roleMeasured(r, role))) return [];
    const cpu = roles.reduce((sum, role) => sum + (r.resources?.roles[role].cpuMeanCores ?? 0), 0);
    const memory = roles.reduce((sum, role) => sum + (r.resources?.roles[role].memoryMeanBytes ?? 0), 0);
    return [{ cpu, memory, throughput: r.throughput }];
  });
  if (rows.length === 0) return null;
  const estimate = (label: string, values: number[]): Estimate =>
    bootstrapMedianInterval(values, { seed: deriveSeed(options.seed, `perThousandRps:data-plane:${label}`), resamples: options.resamples });
  return {
    cpuCores: estimate('cpuCores', rows.map((x) => perThousandRps(x.cpu, x.throughput))),
    memoryBytes: estimate('memoryBytes', rows.map((x) => perThousandRps(x.memory, x.throughput))),
    raw: { cpuCores: estimate('raw:cpuCores', rows.map((x) => x.cpu)), memoryBytes: estimate('raw:memoryBytes', rows.map((x) => x.memory)) },
    repetitions: rows.length,
    roles: [...roles],
  };
}

/** Some container of the role had a CPU rate and some a memory sample in the repetition. */
function roleMeasured(r: RepetitionResult, role: ContainerRole): boolean {
  const members = r.resources?.containers.filter((c) => c.role === role) ?? [];
  return members.some((c) => c.cpuMeanCores !== null) && members.some((c) => c.memoryMeanBytes !== null);
}

/**
 * Why nothing outside containers is computed on kind. The reasoning, with sources, is in src/metrics/README.md.
 */
export const KIND_OUTSIDE_CONTAINERS_REASON =
  'not measured on kind: each kind node is a container sharing one host kernel, and its kubelet reads the node series ' +
  "from the node container's own cgroup, which holds the kubelet, containerd and the pods but neither the host " +
  "kernel's threads (ksoftirqd, WireGuard's crypto workers) nor, with IRQ time accounting, the softirq time in which " +
  'eBPF programs, iptables and conntrack run; node − containers there would be the kubelet and containerd, not the datapath';

const UNKNOWN_SCOPE_REASON = 'not measured: the result does not record whether the nodes are machines or kind containers';

interface NodeRow {
  cpu: number;
  memory: number;
  nodeCpu: number;
  nodeMemory: number;
}

/**
 * Node series − Σ containers per node and summed over the nodes, per repetition, then medians with intervals; and the
 * sum per 1000 req/s. Only nodes that are machines of their own qualify (`measured: false` with the reason
 * otherwise). The sum over nodes uses the repetitions in which every node of the step had both sides of both figures.
 * Null when no repetition has resource data with nodes.
 */
export function aggregateOutsideContainers(repetitions: readonly RepetitionResult[], options: ResourceCostOptions): OutsideContainers | null {
  const withNodes = repetitions.filter((r) => r.resources !== null && r.resources.nodes.length > 0);
  if (withNodes.length === 0) return null;
  const scopes = new Set(withNodes.flatMap((r) => r.resources?.nodes.map((n) => n.scope ?? 'unknown') ?? []));
  if (scopes.has('kind-node')) return { measured: false, reason: KIND_OUTSIDE_CONTAINERS_REASON };
  if (scopes.has('unknown')) return { measured: false, reason: UNKNOWN_SCOPE_REASON };

  const { nodeNames, perRepetition, complete } = outsideRows(withNodes);
  if (complete.length === 0) {
    return { measured: false, reason: 'not measured: no repetition had node and container samples from every node' };
  }

  const estimate = (label: string, values: number[]): Estimate =>
    bootstrapMedianInterval(values, { seed: deriveSeed(options.seed, `outsideContainers:${label}`), resamples: options.resamples });
  const figures = (label: string, rows: readonly NodeRow[]) => ({
    cpuCores: estimate(`${label}:cpuCores`, rows.map((x) => x.cpu)),
    memoryBytes: estimate(`${label}:memoryBytes`, rows.map((x) => x.memory)),
    nodeCpuCores: estimate(`${label}:nodeCpuCores`, rows.map((x) => x.nodeCpu)),
    nodeMemoryBytes: estimate(`${label}:nodeMemoryBytes`, rows.map((x) => x.nodeMemory)),
  });

  const rowsOf = (node: string): NodeRow[] =>
    perRepetition.flatMap((p) => {
      const row = p.rows.get(node);
      return row ? [row] : [];
    });
  for (const node of nodeNames) {
    const uncovered = uncoveredContainers(node, rowsOf(node));
    if (uncovered !== null) return { measured: false, reason: uncovered };
  }

  const notes: string[] = [];
  const nodes = nodeNames.map((node) => {
    const rows = rowsOf(node);
    const below = rows.filter((x) => x.cpu < 0 || x.memory < 0).length;
    if (below > 0) {
      notes.push(
        `${node}: its containers add up to more than the node's own series in ${below} of ${rows.length} repetition(s) ` +
          '(means over different sample instants); kept as measured',
      );
    }
    return { node, ...figures(`node:${node}`, rows) };
  });
  if (complete.length < perRepetition.length) {
    notes.push(`the sum over nodes uses ${complete.length} of ${perRepetition.length} repetitions (the others missed a node's samples)`);
  }
  const totals = complete.map((p) => ({ sum: sumOfRows(p.rows), throughput: p.repetition.throughput }));
  const cpuPerThousand = totals.map((t) => perThousandRps(t.sum.cpu, t.throughput));
  return {
    measured: true,
    scope: 'machine',
    nodes,
    total: figures('total', totals.map((t) => t.sum)),
    perThousandRps: {
      cpuCores: estimate('perThousandRps:cpuCores', cpuPerThousand),
      memoryBytes: estimate('perThousandRps:memoryBytes', totals.map((t) => perThousandRps(t.sum.memory, t.throughput))),
    },
    cpuPerThousandRpsByRepetition: cpuPerThousand,
    repetitions: complete.length,
    notes,
  };
}

/** How far below its containers a node series may come out before it is taken not to cover them. */
const SLACK = { cpuCores: 0.02, memoryBytes: 16 * 1024 * 1024, fraction: 0.1 } as const;

/**
 * The reason nothing is published when a node's own series is clearly below the sum of its containers (median over
 * repetitions, beyond the slack that sampling at different instants explains): then the node series does not cover
 * the machine (a cgroup v1 root counting only task time, a kernel without the root's `cpu.stat`, a container-based
 * node not recognised as one) and the difference would be a wrong number, not a small one. Null when it covers them.
 */
function uncoveredContainers(node: string, rows: readonly NodeRow[]): string | null {
  if (rows.length === 0) return null;
  const check = (side: 'CPU' | 'memory', outside: number[], nodeSeries: number[], slack: number, show: (x: number) => string): string | null => {
    const containers = median(nodeSeries.map((n, i) => n - (outside[i] ?? 0)));
    const gap = median(outside);
    if (gap >= -Math.max(slack, SLACK.fraction * containers)) return null;
    return (
      `not measured: on ${node} the node's ${side} series (${show(median(nodeSeries))}) is below the sum of its ` +
      `containers' (${show(containers)}), so it does not cover the whole machine (a cgroup v1 root, a kernel without ` +
      "the root cgroup's cpu.stat, or a container-based node)"
    );
  };
  return (
    check('CPU', rows.map((x) => x.cpu), rows.map((x) => x.nodeCpu), SLACK.cpuCores, (x) => `${x.toFixed(3)} cores`) ??
    check('memory', rows.map((x) => x.memory), rows.map((x) => x.nodeMemory), SLACK.memoryBytes, (x) => `${(x / 1024 / 1024).toFixed(1)} MiB`)
  );
}

interface RepetitionRows {
  repetition: RepetitionResult;
  rows: Map<string, NodeRow>;
}

/** Each repetition's nodes that had both figures, and the repetitions in which every node of the step had them. */
function outsideRows(repetitions: readonly RepetitionResult[]): { nodeNames: string[]; perRepetition: RepetitionRows[]; complete: RepetitionRows[] } {
  const nodeNames = [...new Set(repetitions.flatMap((r) => r.resources?.nodes.map((n) => n.node) ?? []))].sort();
  const perRepetition = repetitions.map((r) => {
    const rows = new Map<string, NodeRow>();
    for (const n of r.resources?.nodes ?? []) {
      const o = n.outsideContainers;
      if (!n.total || !o || o.cpuMeanCores === null || o.memoryMeanBytes === null) continue;
      rows.set(n.node, { cpu: o.cpuMeanCores, memory: o.memoryMeanBytes, nodeCpu: n.total.cpuMeanCores, nodeMemory: n.total.memoryMeanBytes });
    }
    return { repetition: r, rows };
  });
  const complete = perRepetition.filter((p) => p.rows.size > 0 && nodeNames.every((n) => p.rows.has(n)) && p.repetition.throughput > 0);
  return { nodeNames, perRepetition, complete };
}

function sumOfRows(rows: ReadonlyMap<string, NodeRow>): NodeRow {
  const sum: NodeRow = { cpu: 0, memory: 0, nodeCpu: 0, nodeMemory: 0 };
  for (const row of rows.values()) {
    sum.cpu += row.cpu;
    sum.memory += row.memory;
    sum.nodeCpu += row.nodeCpu;
    sum.nodeMemory += row.nodeMemory;
  }
  return sum;
}
