import { isCrowded } from './crowded-run.js';
import { headlineLoadStep } from './headline-step.js';
import type { Estimate } from '../core/result-schema.js';
import { repetitionCounts, type ReportRun as RunResult, type ReportStep as StepResult } from './report-input.js';
import type { ContainerRole } from '../core/resource-schema.js';
import { bootstrapDeltaInterval } from '../analysis/bootstrap.js';
import { deriveSeed } from '../analysis/random.js';
import { formatBytes, formatRateEstimate, table } from './format.js';

/**
 * "What does the mesh cost": memory and CPU by role from the kubelet (median over repetitions of each role's mean,
 * highest max), plus the mesh's data plane per meshed pod (sidecars) and per node (node agents). Pure; rendered
 * only when some step has resource data (cluster runs).
 */
const ROLES: ReadonlyArray<[ContainerRole, string]> = [
  ['sidecar-proxy', 'sidecar proxies'],
  ['node-agent', 'node agents'],
  ['waypoint', 'waypoints'],
  ['control-plane', 'control plane'],
  ['workload', 'workload'],
  ['load-client', 'load client'],
];

function cores(x: number): string {
  return x >= 1 ? `${x.toFixed(2)} cores` : `${Math.round(x * 1000)} m`;
}

function nodesOf(step: StepResult): number {
  // Stryker disable next-line EqualityOperator: index repetitions.length has no repetition and no count column (a record's columns are per repetition), so repetitionCounts is null there as after the loop
  for (let i = 0; i < step.repetitions.length; i++) {
    const counts = repetitionCounts(step, i);
    if (counts) return counts.nodes;
  }
  return 0;
}

export function renderResources(r: RunResult): string | null {
  const { names: stepNames, headlineOnly: oneStep } = shownSteps(r);
  const out: string[] = ['## Resources (kubelet /metrics/resource)', ''];
  // A crowded run (crowded-run.ts) gives the medians a reader compares at its headline step; each role's highest
  // maximum, and the other steps, are in record.json.gz.
  const crowded = isCrowded(r);
  out.push(
    'Memory is the working set; CPU the rate of the usage counter between kubelet refreshes (every 10–15 s). ' +
      (crowded
        ? 'Each cell: median over repetitions of the mean (with this many systems the highest maximum is left to record.json.gz, `aggregate.resources`). '
        : 'Each cell: median over repetitions of the mean, then the highest maximum. ') +
      (oneStep ? `${headlineOnly(stepNames[0]!, 'aggregate.resources')} ` : '') +
      "Mesh components run at their upstream default requests and limits (no overrides); the workload's are identical for every system.",
    '',
  );
  let any = false;
  for (const name of stepNames) {
    const rows: string[][] = [];
    for (const sys of r.systems) {
      const step = sys.steps.find((s) => s.name === name);
      const res = step?.aggregate.resources;
      if (!step || !res) continue;
      any = true;
      const cells = ROLES.map(([role]) => {
        const x = res[role];
        if (x.containers === 0) return '–';
        return crowded ? `${formatBytes(x.memoryMeanBytes)}, ${cores(x.cpuMeanCores)}` : `${formatBytes(x.memoryMeanBytes)} (max ${formatBytes(x.memoryMaxBytes)}), ${cores(x.cpuMeanCores)}`;
      });
      const sidecars = res['sidecar-proxy'];
      const agents = res['node-agent'];
      const nodes = nodesOf(step);
      const perPod = sidecars.containers > 0 ? formatBytes(sidecars.memoryMeanBytes / sidecars.containers) : '–';
      const perNode = agents.containers > 0 && nodes > 0 ? formatBytes(agents.memoryMeanBytes / nodes) : '–';
      rows.push([sys.id, ...cells, perPod, perNode]);
    }
    if (rows.length === 0) continue;
    out.push(`### ${name}`, '', table(['system', ...ROLES.map(([, label]) => label), 'data plane per meshed pod', 'node agents per node'], rows), '');
  }
  if (!any) return null;
  // The cost sections read the same resource data, so they follow it.
  const sections = [out.join('\n').trimEnd(), renderCostPerThousand(r), renderOutsideContainers(r)];
  return sections.filter((x): x is string => x !== null).join('\n\n');
}

/** vCPU as Istio's performance page writes it: `0.20`, with a third decimal below 0.1 (`0.063`; digitsOf). */
function vcpu(x: number, digits: number): string {
  return noNegativeZero(x.toFixed(digits));
}

/** Decimals of an estimate: the value's, so the interval reads in the same precision (`0.60 [0.00, +1.20]`). */
function digitsOf(e: Estimate): number {
  return Math.abs(e.value) >= 0.1 ? 2 : 3;
}

/** toFixed of a tiny negative number gives `-0.00`: a sign the value does not have at that precision. */
function noNegativeZero(s: string): string {
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

function vcpuEstimate(e: Estimate): string {
  const d = digitsOf(e);
  return `${vcpu(e.value, d)} [${vcpu(e.ci95[0], d)}–${vcpu(e.ci95[1], d)}]`;
}

function mib(bytes: number): string {
  return noNegativeZero((bytes / MIB).toFixed(1));
}

function mibEstimate(e: Estimate): string {
  return `${mib(e.value)} [${mib(e.ci95[0])}–${mib(e.ci95[1])}]`;
}

const MIB = 1024 * 1024;

/**
 * The steps the resource and cost tables cover: every step, or in a crowded run (crowded-run.ts) its headline step
 * alone (headline-step.ts: the rate step nearest 1000 req/s, the one the verdict and the history sum a night up at),
 * when some system measured it. Per step these tables repeat every system and role: a nightly's four steps made
 * them 28 KB of its report; the other steps' figures are in record.json.gz and results.json.
 */
function shownSteps(r: RunResult): { names: string[]; headlineOnly: boolean } {
  const all = [...new Set(r.systems.flatMap((s) => s.steps.map((st) => st.name)))];
  const headline = headlineLoadStep(r.scenario.steps)?.name;
  return isCrowded(r) && headline !== undefined && all.includes(headline) && all.length > 1 ? { names: [headline], headlineOnly: true } : { names: all, headlineOnly: false };
}

/** What a crowded run's table says of the steps it leaves out, and where they are. */
function headlineOnly(step: string, field: string): string {
  return (
    `With this many systems the table is the headline step's (${step}) alone: every step's figures are in record.json.gz ` +
    `(\`${field}\`) and in the run's results.json (the workflow's artefact).`
  );
}

/**
 * "Cost per 1000 req/s": per step, system and role, vCPU and MiB per 1000 req/s of the step's achieved throughput,
 * medians over repetitions with 95% intervals (aggregate.perThousandRps). Null when no step has it.
 */
export function renderCostPerThousand(r: RunResult): string | null {
  const { names: stepNames, headlineOnly: oneStep } = shownSteps(r);
  const out: string[] = [
    '## Cost per 1000 req/s',
    '',
    "Each role's mean CPU and working set over the step, summed over its containers, divided by the step's achieved " +
      'throughput ÷ 1000, per repetition; the median over repetitions with its 95% interval. Units as on Istio\'s ' +
      'performance page (vCPU and memory per 1000 req/s; it writes MB, shown here as MiB). A request crosses both the ' +
      "client's and the server's sidecar (and, in ambient, the ztunnel of both nodes), so a role's figure covers every " +
      "proxy on the path: Istio's figures are per proxy. The data plane is sidecars, node agents and waypoints added " +
      'up within each repetition (`= node agents`: it is that one role, whose column has the figures). Memory is not spent per request: it is the working set at the ' +
      'measured load ÷ (load ÷ 1000), comparable with a published figure only at the same load. Raw figures: the table above.',
    '',
  ];
  // A crowded run (crowded-run.ts) gives vCPU only: its memory per 1000 req/s is the Resources table's working set ÷
  // (throughput ÷ 1000), the throughput is under Results by step, and both are in record.json.gz.
  const crowded = isCrowded(r);
  if (crowded) {
    out.splice(
      -1,
      0,
      '',
      'With this many systems the tables give vCPU per 1000 req/s only: memory per 1000 req/s is the Resources table\'s ' +
        'working set ÷ (throughput ÷ 1000), the throughput is under Results by step, and both are in record.json.gz ' +
        '(`aggregate.perThousandRps`).' +
        (oneStep ? ` ${headlineOnly(stepNames[0]!, 'aggregate.perThousandRps')}` : ''),
    );
  }
  let any = false;
  for (const name of stepNames) {
    const entries = r.systems.flatMap((sys) => {
      const step = sys.steps.find((s) => s.name === name);
      const cost = step?.aggregate.perThousandRps;
      return step && cost ? [{ sys, step, cost }] : [];
    });
    const roles = ROLES.filter(([role]) => entries.some((e) => e.cost[role] !== undefined));
    if (entries.length === 0 || roles.length === 0) continue;
    any = true;
    const dataPlane = entries.some((e) => e.step.aggregate.dataPlanePerThousandRps);
    const cell = (c: { cpuCores: Estimate; memoryBytes: Estimate } | null | undefined): string =>
      !c ? '–' : crowded ? vcpuEstimate(c.cpuCores) : `${vcpuEstimate(c.cpuCores)} vCPU, ${mibEstimate(c.memoryBytes)} MiB`;
    // A data plane of one role costs what that role costs: said by name, not with the same figures twice.
    const sumCell = (step: StepResult, cost: NonNullable<StepResult['aggregate']['perThousandRps']>): string => {
      const sum = cell(step.aggregate.dataPlanePerThousandRps);
      const only = step.aggregate.dataPlanePerThousandRps?.roles;
      const role = only?.length === 1 ? ROLES.find(([r]) => r === only[0]) : undefined;
      return role && cell(cost[role[0]]) === sum ? `= ${role[1]}` : sum;
    };
    const rows = entries.map(({ sys, step, cost }) => [
      sys.id,
      ...(crowded ? [] : [step.aggregate.median ? formatRateEstimate(step.aggregate.median.throughput) : '–']),
      ...(dataPlane ? [sumCell(step, cost)] : []),
      ...roles.map(([role]) => cell(cost[role])),
    ]);
    const unit = crowded ? ' (vCPU)' : '';
    const header = ['system', ...(crowded ? [] : ['at (throughput)']), ...(dataPlane ? [`data plane (sum)${unit}`] : []), ...roles.map(([, label]) => `${label}${unit}`)];
    out.push(`### ${name}`, '', table(header, rows), '');
  }
  return any ? out.join('\n').trimEnd() : null;
}

/**
 * "Outside containers": per step and system, the kubelets' node series minus the sum of their containers, summed over
 * the nodes and per node, per 1000 req/s, and its difference from the reference system's (bootstrap interval over
 * repetitions, seeded from the run's seed). Systems on kind get the reason it is not measured there instead.
 */
export function renderOutsideContainers(r: RunResult): string | null {
  const stepNames = [...new Set(r.systems.flatMap((s) => s.steps.map((st) => st.name)))];
  const out: string[] = [
    '## Outside containers',
    '',
    "On nodes that are machines of their own: the kubelet's node series (`node_cpu_usage_seconds_total`, " +
      "`node_memory_working_set_bytes`) minus the sum of the node's containers, that is the kernel (interrupt and " +
      'softirq time, where eBPF programs, iptables, conntrack and WireGuard run, its threads and its own memory), the ' +
      'kubelet, the container runtime, pod sandboxes and any other daemon. It cannot tell these apart: the difference ' +
      'from the reference system measured on the same machines is the part that moved with the mesh. Medians over ' +
      'repetitions, 95% intervals.',
    '',
  ];
  const reasons = new Map<string, Set<string>>();
  let any = false;
  for (const name of stepNames) {
    const rows: string[][] = [];
    const nodeRows: string[][] = [];
    const notes: string[] = [];
    const reference = referenceValues(r, name);
    for (const sys of r.systems) {
      const step = sys.steps.find((s) => s.name === name);
      const o = step?.aggregate.outsideContainers;
      if (!step || !o) continue;
      any = true;
      if (!o.measured) {
        reasons.set(o.reason, (reasons.get(o.reason) ?? new Set()).add(sys.id));
        continue;
      }
      let delta = '–';
      const values = o.cpuPerThousandRpsByRepetition;
      if (reference && sys.id !== r.reference && values.length > 0) {
        const d = bootstrapDeltaInterval(reference, values, { seed: deriveSeed(r.scenario.seed, `outsideContainers:delta:${name}:${sys.id}`) });
        const digits = digitsOf(d);
        delta = `${signedVcpu(d.value, digits)} [${signedVcpu(d.ci95[0], digits)}, ${signedVcpu(d.ci95[1], digits)}]`;
      }
      rows.push([
        sys.id,
        String(o.nodes.length),
        `${vcpuEstimate(o.total.cpuCores)} vCPU, ${mibEstimate(o.total.memoryBytes)} MiB`,
        `${vcpuEstimate(o.total.nodeCpuCores)} vCPU, ${mibEstimate(o.total.nodeMemoryBytes)} MiB`,
        `${vcpuEstimate(o.perThousandRps.cpuCores)} vCPU, ${mibEstimate(o.perThousandRps.memoryBytes)} MiB`,
        delta,
      ]);
      for (const n of o.nodes) {
        nodeRows.push([sys.id, n.node, `${vcpuEstimate(n.cpuCores)} vCPU, ${mibEstimate(n.memoryBytes)} MiB`, `${vcpuEstimate(n.nodeCpuCores)} vCPU, ${mibEstimate(n.nodeMemoryBytes)} MiB`]);
      }
      notes.push(...o.notes.map((note) => `${sys.id}: ${note}.`));
    }
    if (rows.length === 0) continue;
    out.push(
      `### ${name}`,
      '',
      table(
        ['system', 'nodes', 'outside containers (all nodes)', 'node series (all nodes)', 'outside containers per 1000 req/s', `vCPU per 1000 req/s vs ${r.reference ?? 'reference'}`],
        rows,
      ),
      '',
      table(['system', 'node', 'outside containers', 'node series'], nodeRows),
      '',
      ...notes.flatMap((note) => [note, '']),
    );
  }
  for (const [reason, systems] of reasons) out.push(`${[...systems].join(', ')}: ${reason}.`, '');
  return any ? out.join('\n').trimEnd() : null;
}

function signedVcpu(x: number, digits: number): string {
  const s = vcpu(x, digits);
  return s.startsWith('-') || /^0\.0*$/.test(s) ? s : `+${s}`;
}

/** The reference system's per-repetition values for a step, or null when it has none (or there is no reference). */
function referenceValues(r: RunResult, stepName: string): readonly number[] | null {
  const o = r.systems.find((s) => s.id === r.reference)?.steps.find((s) => s.name === stepName)?.aggregate.outsideContainers;
  return o?.measured && o.cpuPerThousandRpsByRepetition.length > 0 ? o.cpuPerThousandRpsByRepetition : null;
}

/** What each mesh was given, read from the cluster: upstream defaults unless the scenario overrides them (none do). */
export function renderMeshComponents(r: RunResult): string | null {
  const seen = new Set<string>();
  const rows: string[][] = [];
  for (const sys of r.systems) {
    // Both variants of a mesh share the cluster and so its components: list them once, under the mesh's id.
    const id = sys.id.split('/')[0]!;
    if (seen.has(id) || sys.meshComponents.length === 0) continue;
    seen.add(id);
    for (const c of sys.meshComponents) {
      const q = (x: { cpu: string | null; memory: string | null }): string => `${x.cpu ?? '–'} / ${x.memory ?? '–'}`;
      rows.push([id, c.namespace, c.container, c.role, String(c.pods), q(c.requests), q(c.limits)]);
    }
  }
  if (rows.length === 0) return null;
  return [
    '## Mesh components as installed',
    '',
    'Read from the cluster after installation: every mesh runs at its upstream default requests and limits ' +
      '(no overrides). Requests count against the runner: a 16 GB runner must fit them all.',
    '',
    table(['system', 'namespace', 'container', 'role', 'pods', 'requests (cpu / memory)', 'limits (cpu / memory)'], rows),
  ].join('\n');
}
