import type { Comparison, Estimate } from '../core/result-schema.js';
import type { ReportRun as RunResult } from './report-input.js';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import { chooseTimeUnit, formatBytes, formatDeltaEstimate, formatMicros, formatMicrosIn, formatPValue, table, trimNumber } from './format.js';
import { outcomeOf, SIGNIFICANCE, type Outcome } from './significance.js';
import type { CpuPerThousand } from './data-plane-cost.js';
import { sloStepLabel } from './render-slo.js';
import { stepConfig, stoppedAt, verdicts, type Headline, type VerdictRow, type Verdicts } from './verdict-rows.js';

/**
 * The report's answer, before its method: a verdict table (per system and load, the added p50 and p99 against the
 * headline comparison with intervals, relative change and significance; the data plane's memory per meshed pod and per
 * node; its CPU per 1000 req/s) and one sentence per system in plain words. Pure: a function of the result.
 */
export function renderVerdicts(result: RunResult, options: VerdictOptions = {}): string {
  const v = verdicts(result);
  const heading = options.heading ?? '##';
  const out = [`${heading} Verdict`, ''];
  const intro = introduction(result, v);
  out.push(intro);
  if (v.case !== 'compared') return out.join('\n');
  out.push('', verdictTable(v), '', ...verdictSentences(v).map((s) => `- ${s}`), ...waypointNotes(v));
  const notes = caveats(result, v);
  if (notes.length > 0) out.push('', 'What the comparisons can and cannot say:', '', ...notes.map((n) => `- ${n}`));
  if (v.between.length > 0) out.push('', ...betweenSystems(result, v, `${heading}#`));
  // Nothing was compared: the table says why per row, and a legend of its columns would explain nothing.
  if (v.rows.some((r) => r.headline !== null)) out.push('', options.shortLegend ? SHORT_LEGEND : legend(v));
  return out.join('\n');
}

export interface VerdictOptions {
  /** Markdown heading level of the section (`##` in report.md, `###` inside the job summary). */
  heading?: string;
  /** One line of legend instead of the full one (the job summary links to the report for the rest). */
  shortLegend?: boolean;
}

const SHORT_LEGEND =
  `*added*: median over valid repetitions minus that of what the system is compared with, with a 95% interval; ` +
  `*significant*: the interval excludes 0 and p < ${SIGNIFICANCE}. The full report gives the method and every detail.`;

/** What is compared with what, in one paragraph: the wording a single-system or baseline-less run needs. */
export function introduction(result: RunResult, v: Verdicts): string {
  switch (v.case) {
    case 'nothing-measured':
      return 'No system was measured, so there is nothing to report.';
    case 'reference-only': {
      const only = result.systems.map((s) => s.id).join(', ');
      const how = result.systems.every((s) => s.status === 'completed') ? '' : ` (${result.systems.map((s) => `${s.id} ${s.status}`).join(', ')})`;
      return (
        `Only ${only} was measured${how}: a run of the reference alone has nothing to compare it with, so this report ` +
        'gives its latency and throughput (Results by step), not an overhead. Add systems with `--mesh` to measure one.'
      );
    }
    case 'compared':
      break;
  }
  const within = v.rows.some((r) => r.headline?.scope === 'within-cluster');
  const cross = v.rows.some((r) => r.headline?.scope === 'cross-cluster');
  const parts: string[] = [];
  // A merged run holds one baseline per runner: each mesh was compared with its own (`baseline@<mesh>`).
  const reference = result.mergedFrom ? 'the baseline cluster measured on its own runner' : v.reference;
  if (v.reference === null) {
    parts.push(
      'No baseline cluster was measured in this run, so each mesh is compared with its own unmeshed namespace in the ' +
        'same cluster (same nodes and CNI; only enrolment differs)' +
        (v.between.length > 0 ? ', and the meshes with each other across clusters (below the table).' : '.'),
    );
  } else if (within && cross) {
    parts.push(
      'Each mesh is compared with its own unmeshed namespace in the same cluster where it has one that isolates the ' +
        `mesh (within cluster: same nodes and CNI, only enrolment differs), otherwise with ${reference} (across ` +
        'clusters); the table says which.',
    );
  } else if (within) {
    parts.push(
      'Each mesh is compared with its own unmeshed namespace in the same cluster (within cluster: same nodes and CNI, ' +
        `only enrolment differs); the comparisons with ${reference} (across clusters) are under Added latency.`,
    );
  } else {
    parts.push(`Each system is compared with ${reference}${result.mergedFrom ? '' : ', measured in its own cluster'} (across clusters).`);
  }
  if (!within && !cross) parts.push('No comparison could be made: the table says why for each system and load.');
  return parts.join(' ');
}

/**
 * Why a run has no comparison at all, in one sentence: one system alone, no system, or what stopped each one. A run
 * of the reference alone lacks nothing, so it is never told it "lacks valid repetitions".
 */
export function noComparisons(result: RunResult): string {
  const v = verdicts(result);
  switch (v.case) {
    case 'nothing-measured':
      return 'No system was measured, so nothing is compared.';
    case 'reference-only':
      return `Only ${result.systems.map((s) => s.id).join(', ')} was measured, so there is nothing to compare it with.`;
    case 'compared': {
      const reasons = v.systems.map((sys) => {
        const why = [...new Set(v.rows.filter((r) => r.system === sys).map((r) => r.missing ?? ''))].filter((x) => x !== '');
        return `${sys.id}: ${why.join('; ')}`;
      });
      return `Nothing could be compared — ${reasons.join('; ')}.`;
    }
  }
}

// ---- the table ---------------------------------------------------------------------------------------------------

const LATENCY_HEADER = ['system', 'load', 'compared with', 'added p50', 'p (p50)', 'added p99', 'p (p99)'];
const COST_HEADER = ['data plane per meshed pod', 'data plane per node', 'data-plane CPU per 1000 req/s'];

/** One row per system and load. The cost columns appear only when some step has resource data (clusters). */
export function verdictTable(v: Verdicts): string {
  const withCost = v.rows.some((r) => r.cost !== null);
  const rows = v.rows.map((r) => [...latencyCells(r), ...(withCost ? costCells(r) : [])]);
  const header = [...LATENCY_HEADER, ...(withCost ? COST_HEADER : [])];
  const align = header.map((_, i) => (i < 3 ? 'l' : 'r') as 'l' | 'r');
  return table(header, rows, align);
}

function latencyCells(r: VerdictRow): string[] {
  const load = rowLoad(r);
  const h = r.headline;
  if (!h) return [r.system.id, load, r.missing ?? '–', '–', '–', '–', '–'];
  const c = h.comparison;
  return [
    r.system.id,
    load,
    comparedWith(h),
    added(c.deltaP50Us, h.referenceMedian?.p50Us),
    pCell(c, 'p50'),
    added(c.deltaP99Us, h.referenceMedian?.p99Us),
    pCell(c, 'p99'),
  ];
}

function costCells(r: VerdictRow): string[] {
  const c = r.cost;
  if (!c) return ['n/a', 'n/a', 'n/a'];
  return [
    c.memoryPerPodBytes === null ? 'n/a' : `${formatBytes(c.memoryPerPodBytes)} (${c.sidecarPods} ${plural(c.sidecarPods, 'pod')})`,
    c.memoryPerNodeBytes === null ? 'n/a' : `${formatBytes(c.memoryPerNodeBytes)} (${c.agentNodes} ${plural(c.agentNodes, 'node')})`,
    c.cpuPer1000Rps === null ? 'n/a' : formatCpu(c.cpuPer1000Rps),
  ];
}

function comparedWith(h: Headline): string {
  return h.scope === 'within-cluster'
    ? `${h.comparison.reference} (within cluster)`
    : `${h.comparison.reference} (across clusters)`;
}

/** `+87 µs [+81, +95] (+28.1%)`: the difference, its interval and its share of what it was compared with. */
function added(delta: Estimate, referenceUs: number | undefined): string {
  const share = relative(delta.value, referenceUs);
  return share === null ? formatDeltaEstimate(delta) : `${formatDeltaEstimate(delta)} (${share})`;
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  significant: 'significant',
  'not-significant': 'not significant',
  'within-install-variation': 'within install-to-install variation',
};

function pCell(c: Comparison, metric: 'p50' | 'p99'): string {
  return `${formatPValue(metric === 'p50' ? c.pValueP50 : c.pValueP99)}, ${OUTCOME_WORDS[outcomeOf(c, metric)]}`;
}

/** The change as a share of the reference value, signed, one decimal; null when the reference is 0 or unknown. */
export function relative(deltaUs: number, referenceUs: number | undefined): string | null {
  if (referenceUs === undefined || referenceUs <= 0) return null;
  const pct = (deltaUs / referenceUs) * 100;
  const s = pct.toFixed(1);
  // A change that rounds to nothing either way has no sign.
  if (s === '0.0' || s === '-0.0') return '0.0%';
  return s.startsWith('-') ? `${s}%` : `+${s}%`;
}

/** `41 m [38–45]`, or without an interval `41 m`. */
function formatCpu(c: CpuPerThousand): string {
  if (!c.ci95) return formatCores(c.cores);
  // The bounds in the value's unit and precision, like latency intervals.
  const milli = c.cores < 1;
  const digits = milli ? (c.cores * 1000 >= 10 ? 0 : 1) : 2;
  const n = (x: number): string => (milli ? x * 1000 : x).toFixed(digits);
  return `${n(c.cores)} ${milli ? 'm' : 'cores'} [${n(c.ci95[0])}–${n(c.ci95[1])}]`;
}

/** CPU: whole millicores from 10 m, one decimal below, cores with two decimals from 1. */
export function formatCores(cores: number): string {
  if (cores >= 1) return `${cores.toFixed(2)} cores`;
  const m = cores * 1000;
  return m >= 10 ? `${m.toFixed(0)} m` : `${m.toFixed(1)} m`;
}

/** `1000 req/s`, `4 connections`, `max on 4 connections`: the load a step put on the system. */
export function loadLabel(step: ResolvedLoadStep): string {
  switch (step.mode) {
    case 'rate':
      return `${trimNumber(step.rate ?? 0)} req/s`;
    case 'connections':
      return `${step.connections} ${plural(step.connections, 'connection')}`;
    case 'max':
      return `max on ${step.connections} ${plural(step.connections, 'connection')}`;
    case 'slo':
      return sloStepLabel(step);
  }
}

/** The load of a verdict row, by its step's config. */
function rowLoad(r: VerdictRow): string {
  // Stryker disable next-line ConditionalExpression: every row has a config (stepNames lists only steps the scenario or a system describes, and stepConfig finds each), so the name is a fallback the type asks for, never taken.
  return r.config ? loadLabel(r.config) : r.stepName;
}

/** Waypoints serve a namespace, not a pod or a node: their memory gets its own line instead of a column. */
function waypointNotes(v: Verdicts): string[] {
  return v.systems.flatMap((sys) => {
    const at = v.rows
      .filter((r) => r.system === sys && r.cost?.waypointMemoryBytes != null)
      .map((r) => `${formatBytes(r.cost?.waypointMemoryBytes ?? 0)} at ${rowLoad(r)}`);
    if (at.length === 0) return [];
    return [
      `- ${sys.id} also ran waypoints (they serve a namespace, so neither per pod nor per node): ${at.join(', ')} ` +
        'of memory in all; their CPU is in the data-plane CPU column.',
    ];
  });
}

/**
 * Per system, what its headline comparison accounts for (the statistics' `covers`), why a within-cluster comparison
 * was not the headline, or that it does not isolate the mesh, and a coverage warning under 5 repetitions. Each once.
 */
function caveats(result: RunResult, v: Verdicts): string[] {
  const out: string[] = [];
  for (const sys of v.systems) {
    const heads = v.rows.filter((r) => r.system === sys).flatMap((r) => (r.headline ? [r.headline] : []));
    const within = result.comparisons.find((c) => c.system === sys.id && c.withinCluster && (c.scope ?? 'within-cluster') === 'within-cluster');
    const meaning = within?.withinCluster;
    if (meaning && !meaning.isolatesMesh) {
      out.push(
        heads.some((h) => h.scope === 'cross-cluster')
          ? `${sys.id} is compared across clusters — ${meaning.means}.`
          : `${sys.id}'s within-cluster comparison does not isolate it (${meaning.means}), and this run has no baseline to compare it with.`,
      );
    }
    for (const text of new Set(heads.map((h) => h.comparison.covers).filter((x): x is string => x !== undefined))) {
      out.push(`${sys.id} against ${heads.find((h) => h.comparison.covers === text)?.comparison.reference}: accounts for ${text}.`);
    }
    for (const warning of new Set(heads.map((h) => h.comparison.p99?.coverageWarning).filter((x): x is string => !!x))) {
      out.push(`${sys.id}: ${warning}.`);
    }
  }
  return out;
}

// ---- sentences ---------------------------------------------------------------------------------------------------

/** One sentence per system, about its p99 at every load, against its headline comparison. */
export function verdictSentences(v: Verdicts): string[] {
  return v.systems.map((sys) => {
    const rows = v.rows.filter((r) => r.system === sys);
    const compared = rows.filter((r): r is VerdictRow & { headline: Headline } => r.headline !== null);
    const stopped = sys.status === 'completed' ? null : `${sys.id} ${stoppedAt(sys)} (see Status)`;
    if (compared.length === 0) {
      if (stopped) return `${stopped}: nothing it measured could be compared.`;
      const why = [...new Set(rows.map((r) => r.missing ?? ''))].filter((x) => x !== '').join('; ');
      return `${sys.id}: no comparison (${why}).`;
    }
    const scopes = new Set(compared.map((r) => scopePhrase(r.headline)));
    const single = scopes.size === 1;
    const clauses = compared.map((r) => p99Clause(r, r.headline) + (single ? '' : ` (against ${scopePhrase(r.headline)})`));
    const missing = rows.filter((r) => r.headline === null).map((r) => `${rowLoad(r)}: ${r.missing}`);
    const tail = missing.length > 0 ? ` Not compared at ${missing.join('; ')}.` : '';
    const lead = stopped ? `${stopped}; before that, ${single ? `against ${[...scopes][0]}, ` : ''}it ` : single ? `Against ${[...scopes][0]}, ${sys.id} ` : `${sys.id} `;
    return `${lead}${clauses.join('; ')}.${tail}`;
  });
}

function scopePhrase(h: Headline): string {
  return h.scope === 'within-cluster'
    ? 'its own unmeshed namespace in the same cluster'
    : `${h.comparison.reference} in another cluster`;
}

/** `added 210 µs [180–250] (+28.1%) to p99 at 1000 req/s, p=0.008`, or no significant difference, with n. */
function p99Clause(r: VerdictRow, h: Headline): string {
  const c = h.comparison;
  const at = rowLoad(r);
  const share = relative(c.deltaP99Us.value, h.referenceMedian?.p99Us);
  const pct = share === null ? '' : ` (${share})`;
  const p = formatPValue(c.pValueP99);
  const pText = p.startsWith('<') ? `p${p}` : `p=${p}`;
  const outcome = outcomeOf(c, 'p99');
  if (outcome === 'significant') {
    return c.deltaP99Us.value >= 0
      ? `added ${magnitude(c.deltaP99Us)}${pct} to p99 at ${at}, ${pText}`
      : `took ${magnitude(c.deltaP99Us)}${pct} off p99 at ${at}, ${pText}`;
  }
  const details = [formatDeltaEstimate(c.deltaP99Us), pText, sampleSizes(c), ...detectable(c)].join(', ');
  return outcome === 'within-install-variation'
    ? `changed p99 at ${at} by no more than installs vary (${details})`
    : `made no significant difference to p99 at ${at} (${details})`;
}

/** What a non-significant p99 comparison could have seen: `could detect 45 µs`, when the statistics say. */
function detectable(c: Comparison): string[] {
  const us = c.p99?.minimumDetectableUs;
  // 0 means no spread was seen at all (identical repetitions): nothing useful to say about power then.
  return us === null || us === undefined || us <= 0 ? [] : [`smallest detectable ${formatMicros(us)}`];
}

/** The size of a significant difference without its sign: `210 µs [180–250]`, bounds in the value's unit. */
function magnitude(e: Estimate): string {
  const unit = chooseTimeUnit(e.value);
  const [a, b] = e.ci95.map(Math.abs) as [number, number];
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return `${formatMicrosIn(Math.abs(e.value), unit)} ${unit} [${formatMicrosIn(lo, unit)}–${formatMicrosIn(hi, unit)}]`;
}

/** As the Added latency verdicts write it: the reference's count first. */
function sampleSizes(c: Comparison): string {
  const { reference, system } = c.repetitions;
  return reference === system ? `n=${reference}` : `n=${reference} vs ${system}`;
}

// ---- between systems ----------------------------------------------------------------------------------------------

/** A run without a reference: the meshes against each other, across clusters, per step. */
function betweenSystems(result: RunResult, v: Verdicts, heading: string): string[] {
  const rows = v.between.map((c) => {
    const config = stepConfig(result, c.step);
    return [
      `${c.system} − ${c.reference}`,
      config ? loadLabel(config) : c.step,
      formatDeltaEstimate(c.deltaP50Us),
      pCell(c, 'p50'),
      formatDeltaEstimate(c.deltaP99Us),
      pCell(c, 'p99'),
    ];
  });
  const sentences = v.between.map((c) => {
    const config = stepConfig(result, c.step);
    const at = config ? loadLabel(config) : c.step;
    const p = formatPValue(c.pValueP99);
    const pText = p.startsWith('<') ? `p${p}` : `p=${p}`;
    if (outcomeOf(c, 'p99') === 'significant') {
      const dir = c.deltaP99Us.value >= 0 ? 'higher' : 'lower';
      return `- At ${at}, ${c.system}'s p99 was ${magnitude(c.deltaP99Us)} ${dir} than ${c.reference}'s, ${pText}.`;
    }
    return (
      `- At ${at}, no significant difference between ${c.system}'s and ${c.reference}'s p99 ` +
      `(${[formatDeltaEstimate(c.deltaP99Us), pText, sampleSizes(c), ...detectable(c)].join(', ')}).`
    );
  });
  return [
    `${heading} Between systems (across clusters)`,
    '',
    'Without a baseline cluster the meshes are compared with each other: each in its own cluster, so the difference ' +
      'includes everything that differs between the clusters (CNI, node agents), not only the mesh.',
    '',
    table(['systems', 'load', 'Δp50', 'p (p50)', 'Δp99', 'p (p99)'], rows, ['l', 'l', 'r', 'r', 'r', 'r']),
    '',
    ...sentences,
  ];
}

// ---- legend ------------------------------------------------------------------------------------------------------

function legend(v: Verdicts): string {
  const withCost = v.rows.some((r) => r.cost !== null);
  const computed = v.rows.some((r) => r.cost?.cpuPer1000Rps?.source === 'computed');
  const parts = [
    '*added*: the system minus what it is compared with, same load, over valid repetitions, with its 95% interval ' +
      "and the change relative to the other's median; p from the comparison's two-sided test (the method is under " +
      `*Added latency*); *significant* when the interval excludes 0 and p < ${SIGNIFICANCE} (and, across clusters, ` +
      'the shift exceeds install-to-install variation where that was measured). *within cluster*: the same ' +
      "cluster's unmeshed namespace; *across clusters*: another cluster on the same machine, so the difference " +
      'includes the cluster set-up.',
    withCost
      ? '*data plane per meshed pod*: sidecar proxies\' working-set memory ÷ pods with a sidecar; *per node*: node ' +
        "agents' (ztunnel, istio-cni, cilium-agent, cilium-envoy) ÷ nodes running one; n/a where the system has none. " +
        '*data-plane CPU per 1000 req/s*: the mean CPU of sidecars, node agents and waypoints on every node per 1000 ' +
        'req/s of throughput, per repetition, then the median (with its interval where one role is the whole data ' +
        'plane; summed over the roles otherwise)' +
        (computed
          ? '; for results recorded before that figure existed, the median CPU ÷ the median throughput × 1000.'
          : '.') +
        ' Memory: medians over repetitions; per role under Resources.'
      : 'No step has resource data (only cluster runs scrape the kubelets), so memory and CPU are not shown.',
    'The method and the details follow; every comparison made is listed under *Added latency*.',
  ];
  return parts.join(' ');
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}
