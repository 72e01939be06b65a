import type { StepMode } from '../core/scenario-types.js';
import { containerRoles, type Estimate, type RepetitionResult, type StepAggregate } from '../core/result-schema.js';
import { median } from 'simple-statistics';
import { bootstrapMedianInterval } from './bootstrap.js';
import { decodeHistogram, encodeHistogram, mergeHistograms, summarize } from './histogram.js';
import { deriveSeed } from './random.js';
import { aggregateDataPlanePerThousandRps, aggregateOutsideContainers, aggregatePerThousandRps } from './resource-cost.js';
import { latencyBasisOf, usableRepetitions, type LatencyBasis } from './repetitions.js';
import { coefficientOfVariation } from './variation.js';

export interface AggregateStepOptions {
  /** Run seed; each metric's bootstrap uses a seed derived from it and the metric's name. */
  seed: number;
  /** thresholds.maxCv: the step is noisy when the CV of p50 over valid repetitions exceeds this. */
  maxCv: number;
  /** Bootstrap resamples per interval (default 10 000). */
  resamples?: number;
  /** The step's mode; required only when there are no repetitions to read it from. */
  mode?: StepMode;
}

/** Below this many valid repetitions an interval is reported but flagged as not meaningful. */
export const MIN_MEANINGFUL_REPETITIONS = 3;

const medianMetrics = ['p50Us', 'p90Us', 'p99Us', 'p999Us', 'throughput'] as const;
type MedianMetric = (typeof medianMetrics)[number];

/** A step's aggregate when no repetition can give statistics: the basis and the notes saying why, nothing else. */
export function aggregateWithoutStatistics(latencyBasis: LatencyBasis, notes: string[]): StepAggregate {
  return {
    latencyBasis,
    validRepetitions: 0,
    merged: null,
    mergedHistogram: null,
    median: null,
    cv: { p50: null, p99: null, throughput: null },
    noisy: false,
    resources: null,
    notes,
  };
}

/**
 * One load step's statistics over its repetitions.
 *
 * - Only valid repetitions count (an invalid one measured something other than the step asked for: a missed rate, an
 *   error budget blown), and in rate mode only latency from the intended instant is used.
 * - `merged`: percentiles of all valid repetitions' histograms added together: every request weighs the same.
 * - `median`: the median over repetitions of each repetition's percentile, with a bootstrap interval: each repetition
 *   weighs the same, and one disturbed repetition cannot drag the value the way it drags a mean.
 * - `noisy`: CV of p50 above maxCv only, as thresholds.maxCv is documented. A p99 of a few thousand requests moves a
 *   lot between repetitions on any machine; flagging on it would mark almost every step noisy, so a p99 CV above
 *   2 × maxCv becomes a note instead.
 */
export function aggregateStep(repetitions: readonly RepetitionResult[], options: AggregateStepOptions): StepAggregate {
  if (!(options.maxCv > 0)) throw new RangeError(`maxCv must be positive, got ${options.maxCv}`);
  const mode = stepMode(repetitions, options.mode);
  const latencyBasis = latencyBasisOf(mode);
  const usable = usableRepetitions(repetitions, latencyBasis);
  const notes = invalidNotes(repetitions, latencyBasis);

  if (usable.length === 0) {
    notes.push(
      repetitions.length === 0
        ? 'no repetitions ran: no statistics for this step'
        : 'no valid repetitions: no statistics for this step',
    );
    return aggregateWithoutStatistics(latencyBasis, notes);
  }

  const merged = mergeHistograms(usable.map((u) => decodeHistogram(u.latency.histogram)));
  const series = (metric: MedianMetric): number[] =>
    usable.map((u) => (metric === 'throughput' ? u.repetition.throughput : u.latency.summary[metric]));
  const estimate = (metric: MedianMetric): Estimate =>
    bootstrapMedianInterval(series(metric), {
      seed: deriveSeed(options.seed, `median:${metric}`),
      resamples: options.resamples,
    });

  const cv = {
    p50: coefficientOfVariation(series('p50Us')),
    p99: coefficientOfVariation(series('p99Us')),
    throughput: coefficientOfVariation(series('throughput')),
  };
  const noisy = cv.p50 !== null && cv.p50 > options.maxCv;

  if (usable.length < MIN_MEANINGFUL_REPETITIONS) {
    notes.push(
      `fewer than ${MIN_MEANINGFUL_REPETITIONS} valid repetitions (${usable.length}): intervals are not meaningful`,
    );
  }
  if (noisy && cv.p50 !== null) notes.push(`noisy: CV of p50 ${percentAbove(cv.p50, options.maxCv)}`);
  if (cv.p99 !== null && cv.p99 > 2 * options.maxCv) {
    notes.push(`p99 varies between repetitions: CV of p99 ${percentAbove(cv.p99, 2 * options.maxCv)} (2 × maxCv)`);
  }

  return {
    latencyBasis,
    validRepetitions: usable.length,
    merged: summarize(merged),
    mergedHistogram: encodeHistogram(merged),
    median: {
      p50Us: estimate('p50Us'),
      p90Us: estimate('p90Us'),
      p99Us: estimate('p99Us'),
      p999Us: estimate('p999Us'),
      throughput: estimate('throughput'),
    },
    cv,
    noisy,
    ...resourceAggregates(
      usable.map((u) => u.repetition),
      options,
    ),
    notes,
  };
}

/**
 * The step's resource figures: per role (below), per role per 1000 req/s, and outside containers (resource-cost.ts).
 * The last two are left out when no repetition has resource data, so results of the local target are unchanged.
 */
function resourceAggregates(
  repetitions: readonly RepetitionResult[],
  options: AggregateStepOptions,
): Pick<StepAggregate, 'resources' | 'perThousandRps' | 'dataPlanePerThousandRps' | 'outsideContainers'> {
  const resources = aggregateResources(repetitions);
  if (resources === null) return { resources };
  const cost = { seed: options.seed, resamples: options.resamples };
  return {
    resources,
    perThousandRps: aggregatePerThousandRps(repetitions, cost),
    dataPlanePerThousandRps: aggregateDataPlanePerThousandRps(repetitions, cost),
    outsideContainers: aggregateOutsideContainers(repetitions, cost),
  };
}

/** Median of the repetitions' per-role means, highest of their maxima (repetitions without resource data skipped). */
export function aggregateResources(repetitions: readonly RepetitionResult[]): StepAggregate['resources'] {
  const withData = repetitions.flatMap((r) => (r.resources ? [r.resources] : []));
  if (withData.length === 0) return null;
  const out = {} as NonNullable<StepAggregate['resources']>;
  for (const role of containerRoles) {
    const rows = withData.map((s) => s.roles[role]);
    out[role] = {
      memoryMeanBytes: median(rows.map((r) => r.memoryMeanBytes)),
      memoryMaxBytes: Math.max(...rows.map((r) => r.memoryMaxBytes)),
      cpuMeanCores: median(rows.map((r) => r.cpuMeanCores)),
      cpuMaxCores: Math.max(...rows.map((r) => r.cpuMaxCores)),
      samples: rows.reduce((a, r) => a + r.samples, 0),
      containers: Math.max(...rows.map((r) => r.containers)),
    };
  }
  return out;
}

function stepMode(repetitions: readonly RepetitionResult[], given: StepMode | undefined): StepMode {
  const modes = new Set(repetitions.map((r) => r.mode));
  if (given !== undefined) modes.add(given);
  if (modes.size > 1) throw new Error(`repetitions of one step have different modes: ${[...modes].join(', ')}`);
  const [mode] = modes;
  if (mode === undefined) throw new Error('aggregateStep: no repetitions to read the mode from; pass options.mode');
  return mode;
}

/** Why repetitions were left out, e.g. `2 of 5 repetitions invalid: #2 achieved rate 1932/2000 req/s (96.6%); #4 …`. */
function invalidNotes(repetitions: readonly RepetitionResult[], basis: LatencyBasis): string[] {
  const notes: string[] = [];
  const invalid = repetitions.filter((r) => r.status !== 'valid');
  if (invalid.length > 0) {
    const reasons = invalid.map(
      (r) => `#${r.repetition} ${r.invalidReasons.length > 0 ? r.invalidReasons.join(', ') : '(no reason recorded)'}`,
    );
    notes.push(`${invalid.length} of ${repetitions.length} repetitions invalid: ${reasons.join('; ')}`);
  }
  const missing = repetitions.filter((r) => r.status === 'valid' && r.latency[basis] === null);
  if (missing.length > 0) {
    notes.push(
      `${missing.length} valid repetitions have no ${basis}-time latency and are left out: ` +
        missing.map((r) => `#${r.repetition}`).join(', '),
    );
  }
  return notes;
}

/**
 * `7.1% > 5%`, with as many decimals as it takes for the two numbers to print differently (a CV of 5.04% against a
 * 5% threshold must not read `5.0% > 5%`).
 */
function percentAbove(value: number, threshold: number): string {
  let digits = 1;
  while (digits < 4 && percent(value, digits) === percent(threshold, digits)) digits++;
  return `${percent(value, digits)} > ${percent(threshold, digits)}`;
}

function percent(fraction: number, digits: number): string {
  // Number() drops trailing zeros, so a 5% threshold prints as 5%, not 5.0%.
  return `${Number((fraction * 100).toFixed(digits))}%`;
}
