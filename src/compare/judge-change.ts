import type { Gate, NoiseFloor, Verdict } from './compare-report.js';
import type { MetricDef } from './metric-series.js';
import { formatChange, formatFraction } from './format-change.js';

/**
 * The gate for one metric (issue 9 build 4, issue 12 build 4). A change is a regression only when all hold:
 * 1. both runs were measured on the same runner class, or --allow-different-machines;
 * 2. it is significant: p < alpha;
 * 3. it exceeds the threshold in the worse direction (latency: the fraction AND the absolute minimum);
 * 4. it exceeds the noise floor from history, when one is known.
 * The same rules in the better direction make an improvement, which is reported but never fails the gate.
 */
export interface ChangeFacts {
  metric: Pick<MetricDef, 'kind' | 'unit' | 'worse'>;
  oldN: number;
  newN: number;
  /** new − old (point estimate); null when a side has no values. */
  change: number | null;
  /** change ÷ old median; null when a side has no values or the old median is 0. */
  fraction: number | null;
  pValue: number | null;
  minimumDetectable: number | null;
  minimumPValue: number | null;
  noiseFloor: NoiseFloor;
  sameMachine: boolean;
}

export function judgeChange(f: ChangeFacts, gate: Gate): { verdict: Verdict; reason: string } {
  if (f.oldN === 0 || f.newN === 0 || f.change === null || f.pValue === null) {
    const side = f.oldN === 0 && f.newN === 0 ? 'either run' : f.oldN === 0 ? 'the old run' : 'the new run';
    return { verdict: 'not-judged', reason: `no valid repetition with this metric in ${side}` };
  }
  if (!f.sameMachine && !gate.allowDifferentMachines) {
    return { verdict: 'not-judged', reason: 'measured on different machines (--allow-different-machines to judge anyway)' };
  }
  const unit = f.metric.unit;
  if (!(f.pValue < gate.alpha)) {
    const cannot =
      f.minimumPValue !== null && f.minimumPValue >= gate.alpha
        ? `; ${f.oldN} v ${f.newN} repetitions cannot reach p < ${gate.alpha} (smallest possible p ${round(f.minimumPValue)})`
        : '';
    const mdd = f.minimumDetectable !== null ? `; no change larger than ${formatChange(f.minimumDetectable, unit, false)} could be seen` : '';
    return { verdict: 'not-significant', reason: `p=${round(f.pValue)} ≥ ${gate.alpha}${cannot}${mdd}` };
  }
  const beyond = beyondThreshold(f.metric.kind, f.change, f.fraction, gate);
  if (!beyond.ok) return { verdict: 'below-threshold', reason: beyond.reason };
  const floor = f.noiseFloor.floor;
  if (floor !== null && Math.abs(f.change) <= floor) {
    return {
      verdict: 'within-noise-floor',
      reason: `within install-to-install variation (±${formatChange(floor, unit, false)}, from history)`,
    };
  }
  // From installs in the runs (src/analysis/install-spread.ts): the difference of the sides' mean install medians must
  // exceed the spread, in the direction of the change, as the run's own comparisons judge it (two-sample.ts).
  const installs = f.noiseFloor.fromInstalls;
  if (installs && !(Math.abs(installs.shift) > installs.spread && Math.sign(installs.shift) === Math.sign(f.change))) {
    return {
      verdict: 'within-noise-floor',
      reason: `within install-to-install variation (±${formatChange(installs.spread, unit, false)}, from ${installs.source} in the runs)`,
    };
  }
  const worse = f.metric.worse === 'higher' ? f.change > 0 : f.change < 0;
  return { verdict: worse ? 'regression' : 'improvement', reason: `${beyond.reason}, p=${round(f.pValue)} < ${gate.alpha}` };
}

function beyondThreshold(
  kind: MetricDef['kind'],
  change: number,
  fraction: number | null,
  gate: Gate,
): { ok: boolean; reason: string } {
  const limit =
    kind === 'latency' ? gate.latencyFraction : kind === 'memory' ? gate.memoryFraction : kind === 'cpu' ? gate.cpuFraction : gate.throughputFraction;
  // A change from 0 has no fraction: only its absolute size can be judged, and it is beyond any fraction.
  const pct = fraction === null ? 'from 0' : formatFraction(fraction);
  if (fraction !== null && !(Math.abs(fraction) > limit)) {
    return { ok: false, reason: `${pct} is within the ${formatFraction(limit, false)} threshold` };
  }
  if (kind === 'latency' && !(Math.abs(change) > gate.latencyMinUs)) {
    return { ok: false, reason: `${formatChange(change, 'us')} is within the ${formatChange(gate.latencyMinUs, 'us', false)} minimum` };
  }
  const thresholds =
    kind === 'latency'
      ? `the ${formatFraction(limit, false)} and ${formatChange(gate.latencyMinUs, 'us', false)} thresholds`
      : `the ${formatFraction(limit, false)} threshold`;
  return { ok: true, reason: `${pct} (${formatChange(change, unitOf(kind))}) is beyond ${thresholds}` };
}

function unitOf(kind: MetricDef['kind']): 'us' | 'req/s' | 'bytes' | 'cores' {
  return kind === 'throughput' ? 'req/s' : kind === 'memory' ? 'bytes' : kind === 'cpu' ? 'cores' : 'us';
}

function round(p: number): string {
  return p < 0.001 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
