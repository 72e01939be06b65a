import { containerRoles, type ContainerRole } from '../core/result-schema.js';
import type { ContainerClassifier } from './roles.js';
import {
  collectSeries,
  gaugeMeanMax,
  maxOfSummedGauges,
  maxOfSummedRates,
  rateMeanMax,
  type ContainerSeries,
  type StepWindow,
} from './sampler-math.js';
import type { NodeScope } from '../core/resource-schema.js';
import type {
  ContainerResourceSummary,
  GroupResourceStats,
  NodeResourceSummary,
  PodResourceSummary,
  ResourceScrape,
  ResourceSummary,
  RoleResourceSummary,
} from './types.js';

export interface SummarizeResourcesOptions {
  /** Drop samples timestamped outside this window (epoch ms, inclusive), e.g. the measured part of the step. */
  window?: StepWindow | null;
  /**
   * What each node is (`nodeScopeOf` in node-scope.ts), recorded on its entry: it decides whether what is outside its
   * containers can be read as the kernel's and the system's work (README: "Outside containers"). A node not listed
   * gets no scope, and then nothing outside containers is computed from it.
   */
  nodeScopes?: Readonly<Record<string, NodeScope>>;
}

/**
 * Resource use of one load step, from every scrape of every node during it.
 *
 * For a group of containers (a role, a pod, a node's containers):
 * - mean = Σ over the group's containers of each container's own mean. By linearity this is the time-average of the
 *   group's total, and it needs no alignment of timestamps across containers or nodes.
 * - max = the highest value over time of the group's total: memory series are summed with sample-and-hold, CPU rate
 *   intervals as piecewise-constant functions, so unaligned timestamps are combined at every instant any one changes.
 * A container without data (no sample; for CPU fewer than two distinct samples) adds nothing and is named in a note.
 * `classify` returning undefined means 'other'.
 */
export function summarizeResources(
  scrapes: readonly ResourceScrape[],
  classify: ContainerClassifier,
  options: SummarizeResourcesOptions = {},
): ResourceSummary {
  const window = options.window ?? null;
  const collected = collectSeries(scrapes, window);
  const notes = [...collected.notes];

  const roleOf = new Map<string, ContainerRole>();
  for (const c of collected.containers) roleOf.set(c.key, classify(c.ref) ?? 'other');

  const containers: ContainerResourceSummary[] = collected.containers.map((c) => {
    const memory = gaugeMeanMax(c.memory);
    const cpu = rateMeanMax(c.cpuRates.intervals);
    return {
      namespace: c.ref.namespace,
      pod: c.ref.pod,
      container: c.ref.container,
      node: c.node,
      role: roleOf.get(c.key) ?? 'other',
      memoryMeanBytes: memory?.mean ?? null,
      memoryMaxBytes: memory?.max ?? null,
      cpuMeanCores: cpu?.mean ?? null,
      cpuMaxCores: cpu?.max ?? null,
      memorySamples: c.memory.length,
      cpuSamples: c.cpu.length,
      cpuIntervals: c.cpuRates.intervals.length,
      counterResets: c.cpuRates.resets,
    };
  });

  const roles = Object.fromEntries(
    containerRoles.map((role) => {
      const members = collected.containers.filter((c) => roleOf.get(c.key) === role);
      const summary: RoleResourceSummary = { ...groupStats(members), containers: members.length };
      return [role, summary];
    }),
  ) as Record<ContainerRole, RoleResourceSummary>;

  const podGroups = [...groupBy(collected.containers, (c) => `${c.ref.namespace}/${c.ref.pod}`).values()];
  const pods: PodResourceSummary[] = podGroups.map((members) => {
    const first = members[0] as ContainerSeries;
    // Stryker disable next-line StringLiteral: roleOf holds every collected container's key (filled above), so the fallback is never read
    const present = new Set(members.map((m) => roleOf.get(m.key) ?? 'other'));
    return {
      namespace: first.ref.namespace,
      pod: first.ref.pod,
      node: first.node,
      roles: containerRoles.filter((r) => present.has(r)),
      containers: members.length,
      ...groupStats(members),
    };
  });
  pods.sort((a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.pod, b.pod));

  const byNode = groupBy(collected.containers, (c) => c.node);
  const nodes: NodeResourceSummary[] = collected.nodes.map((n) => {
    const members = byNode.get(n.node) ?? [];
    const memory = gaugeMeanMax(n.memory);
    const cpu = rateMeanMax(n.cpuRates.intervals);
    const total: GroupResourceStats | null =
      memory === null && cpu === null
        ? null
        : {
            memoryMeanBytes: memory?.mean ?? 0,
            memoryMaxBytes: memory?.max ?? 0,
            cpuMeanCores: cpu?.mean ?? 0,
            cpuMaxCores: cpu?.max ?? 0,
            samples: n.memory.length + n.cpu.length,
          };
    const sumOfContainers = groupStats(members);
    const scope = options.nodeScopes?.[n.node];
    return {
      node: n.node,
      ...(scope === undefined ? {} : { scope }),
      containers: members.length,
      sumOfContainers,
      total,
      // From the node's own mean, not `total` (which shows 0 for a side without data).
      outsideContainers:
        total === null
          ? null
          : {
              cpuMeanCores: cpu === null ? null : cpu.mean - sumOfContainers.cpuMeanCores,
              memoryMeanBytes: memory === null ? null : memory.mean - sumOfContainers.memoryMeanBytes,
            },
    };
  });

  const noMemory = containers.filter((c) => c.memoryMeanBytes === null).map(keyOf);
  const noCpu = containers.filter((c) => c.cpuMeanCores === null).map(keyOf);
  if (noMemory.length > 0) notes.push(`no memory sample, left out of the sums: ${listSome(noMemory)}`);
  if (noCpu.length > 0) notes.push(`fewer than two distinct CPU samples (no rate), left out of the CPU sums: ${listSome(noCpu)}`);

  return {
    roles,
    pods,
    nodes,
    containers,
    scrapes: collected.scrapes,
    scrapeErrors: collected.scrapeErrors,
    samples: collected.samplesRead,
    distinctTimestamps: collected.distinctSamples,
    window: window === null ? null : { startMs: window.startMs, endMs: window.endMs },
    notes,
  };
}

function groupStats(members: readonly ContainerSeries[]): GroupResourceStats {
  let memoryMeanBytes = 0;
  let cpuMeanCores = 0;
  let samples = 0;
  for (const c of members) {
    memoryMeanBytes += gaugeMeanMax(c.memory)?.mean ?? 0;
    cpuMeanCores += rateMeanMax(c.cpuRates.intervals)?.mean ?? 0;
    samples += c.memory.length + c.cpu.length;
  }
  return {
    memoryMeanBytes,
    memoryMaxBytes: maxOfSummedGauges(members.map((c) => c.memory)),
    cpuMeanCores,
    cpuMaxCores: maxOfSummedRates(members.map((c) => c.cpuRates.intervals)),
    samples,
  };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups in first-seen order. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list === undefined) out.set(k, [item]);
    else list.push(item);
  }
  return out;
}

function keyOf(c: ContainerResourceSummary): string {
  return `${c.namespace}/${c.pod}/${c.container}`;
}

function listSome(keys: readonly string[], shown = 10): string {
  return keys.length <= shown ? keys.join(', ') : `${keys.slice(0, shown).join(', ')} and ${keys.length - shown} more`;
}
