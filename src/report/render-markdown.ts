import { renderRunners } from './render-runners.js';
import { diagnosticsLines, renderMeshPlacement, renderPhases, renderTrafficProof } from './render-cluster-run.js';
import { stringify } from 'yaml';
import { renderMeshComponents, renderResources } from './render-resources.js';
import { renderScale } from './render-scale.js';
import { objectiveText, renderSlo } from './render-slo.js';
import type { Comparison, Failure } from '../core/result-schema.js';
import type { ReportRun as RunResult, ReportStep as StepResult, ReportSystem as SystemResult } from './report-input.js';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import { renderChartSection } from './charts/render-chart-section.js';
import { noComparisons, renderVerdicts } from './render-verdicts.js';
import { renderAddedLatency, robustVerdict, shiftCells } from './render-added-latency.js';
import { isCrowded } from './crowded-run.js';
import { isSignificant, SIGNIFICANCE } from './significance.js';
import {
  codeBlock,
  formatBytes,
  formatMicros,
  formatMicrosEstimate,
  formatPercent,
  formatRateEstimate,
  formatSeconds,
  inlineCode,
  oneLine,
  shellQuote,
  stripAnsi,
  table,
  trimNumber,
} from './format.js';

/**
 * The markdown report: a pure function of one RunResult (no clock, no environment, no randomness, no locale), so
 * `bench report results.json` reproduces report.md byte for byte. Every number is read from the result; only
 * formatting and the charts' data are computed here (the chart files themselves are drawn by
 * src/report/charts/renderChartFiles, beside the report).
 */
export function renderMarkdown(result: RunResult): string {
  const sections = [
    title(result),
    // The answer first (issue 9, build 7): the verdict table and a sentence per system; the method follows.
    renderVerdicts(result),
    whatWasMeasured(result),
    status(result),
    stepResults(result),
    comparisons(result),
    renderRunners(result),
    renderResources(result),
    renderScale(result),
    renderSlo(result),
    renderMeshComponents(result),
    renderTrafficProof(result),
    renderMeshPlacement(result),
    renderPhases(result),
    chart(result),
    environment(result),
    scenario(result),
  ];
  return `${sections.filter((x): x is string => x !== null).join('\n\n')}\n`;
}

/** Failure output beyond this many lines stays in results.json. */
const OUTPUT_TAIL_LINES = 60;

function title(r: RunResult): string {
  return `# mesh-bench: ${oneLine(r.scenario.name)} — run ${oneLine(r.runId)}`;
}

// ---- what was measured ------------------------------------------------------------------------------------------

const targetWords: Record<SystemResult['target'], string> = {
  local: 'as local processes on one machine',
  kind: 'on a kind cluster',
  existing: 'on an existing Kubernetes cluster',
};

function whatWasMeasured(r: RunResult): string {
  const s = r.scenario;
  const w = s.workload;
  const targets = unique(r.systems.map((sys) => sys.target)).map((t) => targetWords[t]);
  const where = targets.length > 0 ? ` ${targets.join(' and ')}` : '';
  const systems = r.systems.map((sys) => (sys.id === r.reference ? `${sys.id} (reference)` : sys.id));
  const hops = w.hops === 1 ? '1 hop' : `${w.hops} hops`;
  const delay = w.serviceDelayUs === 0 ? 'no added service time' : `${formatMicros(w.serviceDelayUs)} service time`;
  const workload =
    `an HTTP workload (${hops}, ${w.replicas} ${plural(w.replicas, 'replica')} per hop, ` +
    `${w.responseBytes}-byte responses, ${delay}, path ${inlineCode(w.path)})`;
  const steps = s.steps.map((st) => `${st.name} (${describeStep(st)})`);
  // An slo step's probes are paced at a fixed rate like a rate step (slo-search.ts): latency from the intended send
  // time, and the achieved-rate rule applies to them (validity.ts).
  const hasRateStep = s.steps.some((st) => st.mode === 'rate');
  const hasSlo = s.steps.some((st) => st.mode === 'slo');
  const hasRate = hasRateStep || hasSlo;
  const hasClosed = s.steps.some((st) => st.mode === 'connections' || st.mode === 'max');
  const pacedPlural = [hasRateStep ? 'rate steps' : '', hasSlo ? 'slo probes' : ''].filter((x) => x !== '').join(' and ');
  const pacedOne = [hasRateStep ? 'a rate step' : '', hasSlo ? 'an slo probe' : ''].filter((x) => x !== '').join(' or ');
  const basis = [
    hasRate
      ? `For ${pacedPlural} latency is measured from the intended send time, so a stall in the system under test ` +
        'also delays the requests queued behind it and shows up in the numbers instead of being hidden.'
      : '',
    hasClosed ? 'For closed-loop steps latency is measured from the actual send.' : '',
  ].filter((x) => x !== '');
  const rateRule = hasRate
    ? ` or ${pacedOne} achieved less than ${formatShare(s.thresholds.minRateFraction)} of its target rate`
    : '';
  const paragraph = [
    systems.length === 0
      ? 'No system was measured.'
      : `Measured ${describeList(systems.length, 'system')}${where}: ${systems.join(', ')}.`,
    `Each ran ${workload} through ${s.steps.length} load ${plural(s.steps.length, 'step')} — ` +
      `${steps.join('; ')} — ${s.repetitions} ${plural(s.repetitions, 'repetition')} ` +
      // Scenario `installs` (src/scenario/README.md, "Installs"): repetitions are per install.
      ((s.installs ?? 1) > 1 ? `on each of ${s.installs} fresh installs per system (${(s.installs ?? 1) * s.repetitions} in all).` : 'each.'),
    ...basis,
    `Reported values are medians over the valid repetitions with a 95% bootstrap interval (seed ${s.seed}). ` +
      `A repetition is invalid when more than ${formatShare(s.errorBudget)} of requests failed${rateRule}.`,
  ].join(' ');
  return [
    '## What was measured',
    '',
    paragraph,
    ...(s.description.trim() === '' ? [] : ['', `> ${oneLine(s.description)}`]),
    '',
    `Started ${r.createdAt}, finished ${r.finishedAt}, by ${inlineCode(shellQuote(r.command))}.`,
  ].join('\n');
}

function describeStep(st: ResolvedLoadStep): string {
  const window = `${formatSeconds(st.durationS)} measured after ${formatSeconds(st.warmupS)} warm-up`;
  switch (st.mode) {
    case 'rate':
      return (
        `open loop at ${trimNumber(st.rate ?? 0)} req/s, ${st.arrival} arrivals, ` +
        `${st.connections}–${st.maxConnections} connections, ${window}`
      );
    case 'connections':
      return `closed loop, ${st.connections} ${plural(st.connections, 'connection')}, ${window}`;
    case 'max':
      return `closed loop as fast as possible, ${st.connections} ${plural(st.connections, 'connection')}, ${window}`;
    case 'slo':
      return `search for the highest fixed rate meeting ${st.slo ? objectiveText(st.slo.objective) : 'an objective'}, probes of ${window}`;
  }
}

// ---- status -----------------------------------------------------------------------------------------------------

function status(r: RunResult): string {
  const completed = r.systems.filter((s) => s.status === 'completed').length;
  const lines = [
    '## Status',
    '',
    `Run **${r.status}**: ${completed} of ${describeList(r.systems.length, 'system')} completed.`,
    '',
    table(
      ['system', 'target', 'status', 'started', 'finished'],
      r.systems.map((s) => [s.id, s.target, s.status, s.startedAt, s.finishedAt]),
    ),
  ];
  for (const s of r.systems) {
    if (s.failure) lines.push('', ...failure(s, s.failure), ...diagnosticsLines(s));
  }
  return lines.join('\n');
}

function failure(s: SystemResult, f: Failure): string[] {
  const what = s.status === 'interrupted' ? 'was interrupted' : 'failed';
  const lines = [`### ${s.id} ${what} at ${inlineCode(f.step)}`, '', oneLine(f.message)];
  if (f.command) lines.push('', 'Failing command:', '', codeBlock(shellQuote(f.command), 'sh'));
  if (f.output !== undefined && f.output.trim() !== '') {
    const all = stripAnsi(f.output).trimEnd().split(/\r?\n/);
    const tail = all.slice(-OUTPUT_TAIL_LINES);
    const cut = all.length - tail.length;
    lines.push('', cut > 0 ? `Its output (last ${tail.length} lines; ${cut} more in results.json):` : 'Its output:');
    lines.push('', codeBlock(tail.join('\n'), 'text'));
  }
  return lines;
}

// ---- per-step results ----------------------------------------------------------------------------------------------

function stepNames(r: RunResult): string[] {
  return unique([...r.scenario.steps.map((s) => s.name), ...r.systems.flatMap((sys) => sys.steps.map((s) => s.name))]);
}

function findStep(sys: SystemResult, name: string): StepResult | undefined {
  return sys.steps.find((s) => s.name === name);
}

function stepConfig(r: RunResult, name: string): ResolvedLoadStep | undefined {
  return (
    r.scenario.steps.find((s) => s.name === name) ??
    r.systems.flatMap((s) => s.steps).find((s) => s.name === name)?.config
  );
}

function stepResults(r: RunResult): string {
  const out = ['## Results by step'];
  for (const name of stepNames(r)) {
    const config = stepConfig(r, name);
    const measured = r.systems.map((sys) => findStep(sys, name)).filter((s): s is StepResult => s !== undefined);
    const basis = measured[0]?.aggregate.latencyBasis ?? (config?.mode === 'rate' ? 'intended' : 'sent');
    out.push('', `### ${name}`, '');
    const from = basis === 'intended' ? 'intended send time' : 'actual send';
    // A crowded run (crowded-run.ts) keeps the columns a reader compares; p90, max and the CV are in record.json.gz.
    const crowded = isCrowded(r);
    out.push(
      `${config ? `${capitalise(describeStep(config))}. ` : ''}Latency from the ${from}; ` +
        (crowded
          ? 'medians over valid repetitions with 95% intervals (p90, max and the CV of p50 are in record.json.gz: `aggregate.median`, `merged`, `cv`).'
          : 'medians over valid repetitions with 95% intervals; max over all valid repetitions.'),
    );
    const keep = (cells: readonly string[]): string[] => (crowded ? cells.filter((_, i) => !STEP_COLUMNS_LEFT_OUT_WHEN_CROWDED.includes(i)) : [...cells]);
    const rows = r.systems.map((sys) => keep(stepRow(sys, findStep(sys, name))));
    out.push(
      '',
      table(
        keep(['system', 'valid reps', 'p50', 'p90', 'p99', 'p99.9', 'max', 'throughput', 'CV p50', 'flags']),
        rows,
        keep(['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']) as Array<'l' | 'r'>,
      ),
    );
    const notes = r.systems.flatMap((sys) => stepNotes(sys, findStep(sys, name)));
    if (notes.length > 0) out.push('', ...notes);
    if (measured.some((s) => s.aggregate.noisy)) {
      out.push(
        '',
        `*noisy*: the p50 varies across repetitions by more than the ${formatShare(r.scenario.thresholds.maxCv)} ` +
          'coefficient of variation the scenario allows, so differences at this step deserve less trust.',
      );
    }
  }
  return out.join('\n');
}

/** The p90, max and CV p50 columns of a step's table, which a crowded run's report leaves to record.json.gz. */
const STEP_COLUMNS_LEFT_OUT_WHEN_CROWDED: readonly number[] = [3, 6, 8];

function stepRow(sys: SystemResult, step: StepResult | undefined): string[] {
  // A system that failed (or was interrupted) before this step ran measured nothing here: "0/0, no valid
  // repetitions" would read as a measurement. Say what happened instead; its Status entry says why.
  if (!step || step.repetitions.length === 0) {
    const why =
      sys.status === 'completed'
        ? 'not measured'
        : `not measured: ${sys.status === 'failed' ? 'failed' : 'interrupted'}${sys.failure ? ` at ${inlineCode(sys.failure.step)}` : ''} (see Status)`;
    return [sys.id, '–', '–', '–', '–', '–', '–', '–', '–', why];
  }
  const a = step.aggregate;
  const m = a.median;
  const flags = [
    ...(a.noisy ? ['noisy'] : []),
    ...(a.validRepetitions === 0 ? ['no valid repetitions'] : []),
    ...(invalidCount(step) > 0 && a.validRepetitions > 0 ? [`${invalidCount(step)} invalid`] : []),
  ];
  return [
    sys.id,
    `${a.validRepetitions}/${step.repetitions.length}`,
    m ? formatMicrosEstimate(m.p50Us) : '–',
    m ? formatMicrosEstimate(m.p90Us) : '–',
    m ? formatMicrosEstimate(m.p99Us) : '–',
    m ? formatMicrosEstimate(m.p999Us) : '–',
    a.merged ? formatMicros(a.merged.maxUs) : '–',
    m ? formatRateEstimate(m.throughput) : '–',
    a.cv.p50 === null ? '–' : formatPercent(a.cv.p50),
    flags.join(', '),
  ];
}

function invalidCount(step: StepResult): number {
  return step.repetitions.filter((rep) => rep.status === 'invalid').length;
}

function stepNotes(sys: SystemResult, step: StepResult | undefined): string[] {
  // Nothing ran for a system that stopped before this step: its row says so, notes would only repeat it.
  if (!step || (step.repetitions.length === 0 && sys.status !== 'completed')) return [];
  const notes: string[] = [];
  for (const rep of step.repetitions) {
    if (rep.status === 'invalid') {
      const reasons = rep.invalidReasons.length > 0 ? rep.invalidReasons.map(oneLine).join('; ') : 'no reason recorded';
      notes.push(`- ${sys.id}, repetition ${rep.repetition}: **invalid** — ${reasons}`);
    }
    for (const warning of rep.warnings) {
      notes.push(`- ${sys.id}, repetition ${rep.repetition}: warning — ${oneLine(warning)}`);
    }
  }
  for (const note of step.aggregate.notes) notes.push(`- ${sys.id}: ${oneLine(note)}`);
  return notes;
}

// ---- comparisons ------------------------------------------------------------------------------------------------

function comparisons(r: RunResult): string {
  const out = ['## Added latency', ''];
  if (r.comparisons.length === 0) {
    out.push(noComparisons(r));
    return out.join('\n');
  }
  // Results written with the robust test (issue 12) say what each verdict covers; older ones keep their own wording.
  if (r.comparisons.some((c) => c.statistic !== undefined)) return [...out, ...renderAddedLatency(r)].join('\n');
  out.push(
    // A run without a reference still compares each mesh with its unmeshed namespace and the meshes with each other.
    'Each system minus what it is compared with (the reference, a mesh\'s own unmeshed namespace, or without a ' +
      'reference another mesh), per step: the difference of the per-repetition medians with a 95% bootstrap ' +
      'interval, and a two-sided permutation test (p). A difference counts as significant when its interval ' +
      `excludes 0 and p < ${SIGNIFICANCE}.`,
    '',
    table(
      ['step', 'system − reference', 'Δp50', 'p (p50)', 'Δp99', 'p (p99)', 'verdict'],
      r.comparisons.map((c) => [
        ...shiftCells(c),
        verdict(c),
      ]),
      ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
    ),
  );
  const underpowered = unique(
    r.comparisons
      .filter((c) => smallestPValue(c.repetitions.reference, c.repetitions.system) >= SIGNIFICANCE)
      .map((c) => `${c.repetitions.reference} vs ${c.repetitions.system}`),
  );
  if (underpowered.length > 0) {
    out.push(
      '',
      `With this few valid repetitions (${underpowered.join(', ')}) a permutation test cannot reach ` +
        `p < ${SIGNIFICANCE} whatever the data, so no difference here can be called significant: run 5 or more ` +
        'repetitions per system.',
    );
  }
  return out.join('\n');
}

/**
 * The smallest two-sided p an exact permutation test can give for these sample sizes: the observed split is the
 * most extreme of C(n1 + n2, n1), and with equal sizes so is its mirror. A property of the test, not of the data.
 */
export function smallestPValue(n1: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 1;
  let splits = 1;
  for (let i = 1; i <= Math.min(n1, n2); i++) splits = (splits * (n1 + n2 - Math.min(n1, n2) + i)) / i;
  return (n1 === n2 ? 2 : 1) / splits;
}

/** Plain words for one comparison: what is significant, and at how many repetitions nothing was found. */
export function verdict(c: Comparison): string {
  if (c.statistic !== undefined) return robustVerdict(c);
  const { reference, system } = c.repetitions;
  const n = reference === system ? `n=${reference}` : `n=${reference} vs ${system}`;
  const p50 = isSignificant(c.deltaP50Us, c.pValueP50);
  const p99 = isSignificant(c.deltaP99Us, c.pValueP99);
  if (!p50 && !p99) return `no significant difference at ${n}`;
  const parts = [
    p50 ? `${change(c.deltaP50Us.value)} at p50 (significant)` : `p50: no significant difference at ${n}`,
    p99 ? `${change(c.deltaP99Us.value)} at p99 (significant)` : `p99: no significant difference at ${n}`,
  ];
  return parts.join('; ');
}

function change(deltaUs: number): string {
  return deltaUs >= 0 ? `adds ${formatMicros(deltaUs)}` : `saves ${formatMicros(-deltaUs)}`;
}

// ---- charts -----------------------------------------------------------------------------------------------------

/** The SVG charts beside report.md (src/report/charts/): links, or a sentence where a chart has no data. */
function chart(r: RunResult): string {
  return renderChartSection(r);
}

// ---- environment and scenario -----------------------------------------------------------------------------------

function environment(r: RunResult): string {
  const e = r.environment;
  const dirty = e.harnessDirty ? ' (with uncommitted changes)' : '';
  const commit = e.harnessCommit === null ? 'not a git checkout' : `${e.harnessCommit}${dirty}`;
  const out = [
    '## Environment',
    '',
    `- CPU: ${e.cpuModel}, ${e.cores} ${plural(e.cores, 'core')}`,
    `- memory: ${formatBytes(e.memoryBytes)}`,
    `- OS: ${e.platform} ${e.arch}, kernel ${e.kernel}`,
    `- host: ${e.hostname}`,
    `- Node.js: ${e.node}`,
    `- harness: mesh-bench ${e.harnessVersion}, commit ${commit}`,
  ];
  const tools = sortedKeys(e.tools);
  if (tools.length > 0) {
    out.push('', 'Measuring tools:', '', table(['tool', 'version'], tools.map((k) => [k, e.tools[k] ?? ''])));
  }
  const components = unique(r.systems.flatMap((s) => sortedKeys(s.versions))).sort(byCodeUnits);
  if (components.length > 0) {
    out.push(
      '',
      'Versions reported by each system (tools and cluster, not the pins):',
      '',
      table(
        ['component', ...r.systems.map((s) => s.id)],
        components.map((k) => [k, ...r.systems.map((s) => s.versions[k] ?? '–')]),
      ),
    );
  }
  return out.join('\n');
}

function scenario(r: RunResult): string {
  return [
    '## Scenario',
    '',
    `The resolved scenario (every default applied; durations in seconds), from ${inlineCode(r.scenario.source)}:`,
    '',
    codeBlock(stringify(r.scenario), 'yaml'),
  ].join('\n');
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Sorting by UTF-16 code units: localeCompare would make the output depend on the machine's locale. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedKeys(record: Record<string, string>): string[] {
  return Object.keys(record).sort(byCodeUnits);
}

function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

function describeList(n: number, word: string): string {
  return `${n} ${plural(n, word)}`;
}

/** A threshold from the scenario as a percentage, without needless decimals: 0.95 → `95%`, 0.005 → `0.5%`. */
function formatShare(fraction: number): string {
  return `${trimNumber(Number((fraction * 100).toFixed(6)))}%`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
