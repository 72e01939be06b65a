import { median, quantile, sampleWithReplacement } from 'simple-statistics';
import type { Estimate } from '../core/result-schema.js';
import { createRandom } from './random.js';

/**
 * Percentile bootstrap intervals (Efron): resample the per-repetition values with replacement, take the statistic of
 * each resample, and read the interval off the (α/2, 1 − α/2) quantiles of those statistics. It assumes nothing about
 * the shape of the distribution, which matters for latency percentiles (skewed, sometimes bimodal), but with few
 * values it is only as wide as the data allow: see README.md in this folder for what 5 repetitions can and cannot say.
 */
export interface BootstrapOptions {
  /** Seeds the resampling: same seed and values, same interval. */
  seed: number;
  /** Number of bootstrap resamples (default 10 000). */
  resamples?: number;
  /**
   * Coverage of the interval (default 0.95). Results store intervals in a field named `ci95`, so anything written to a
   * result must use the default; other levels are for exploration.
   */
  confidence?: number;
}

export const DEFAULT_RESAMPLES = 10_000;
export const DEFAULT_CONFIDENCE = 0.95;

/** Median of `values` with a percentile bootstrap interval of the median. One value gives [v, v]; none throws. */
export function bootstrapMedianInterval(values: readonly number[], options: BootstrapOptions): Estimate {
  const { resamples, confidence } = resolve(options);
  checkValues(values, 'values');
  const value = median(values);
  // Stryker disable next-line ConditionalExpression: resampling a single value gives [v, v] too; the shortcut saves time.
  if (values.length === 1) return { value, ci95: [value, value] };

  const pool = [...values];
  const random = createRandom(options.seed);
  // Stryker disable next-line ArrayDeclaration: preallocating only saves growth; every slot is written below.
  const medians = new Array<number>(resamples);
  for (let i = 0; i < resamples; i++) medians[i] = median(sampleWithReplacement(pool, pool.length, random));
  return { value, ci95: percentileInterval(medians, confidence) };
}

/**
 * median(system) − median(reference), with a percentile bootstrap interval that resamples each group independently
 * (the repetitions of two systems are separate runs, not pairs). Either group empty throws.
 */
export function bootstrapDeltaInterval(
  reference: readonly number[],
  system: readonly number[],
  options: BootstrapOptions,
): Estimate {
  const { resamples, confidence } = resolve(options);
  checkValues(reference, 'reference');
  checkValues(system, 'system');
  const value = median(system) - median(reference);
  if (reference.length === 1 && system.length === 1) return { value, ci95: [value, value] };

  const ref = [...reference];
  const sys = [...system];
  // One stream for both groups: draws alternate between them in a fixed order, so the result is still reproducible.
  const random = createRandom(options.seed);
  // Stryker disable next-line ArrayDeclaration: preallocating only saves growth; every slot is written below.
  const deltas = new Array<number>(resamples);
  for (let i = 0; i < resamples; i++) {
    const s = median(sampleWithReplacement(sys, sys.length, random));
    const r = median(sampleWithReplacement(ref, ref.length, random));
    deltas[i] = s - r;
  }
  return { value, ci95: percentileInterval(deltas, confidence) };
}

function percentileInterval(statistics: readonly number[], confidence: number): [number, number] {
  const alpha = 1 - confidence;
  const [low, high] = quantile(statistics, [alpha / 2, 1 - alpha / 2]);
  // quantile() returns one number per requested p; the guard only satisfies noUncheckedIndexedAccess.
  if (low === undefined || high === undefined) throw new Error('quantile returned fewer values than requested');
  return [low, high];
}

function resolve(options: BootstrapOptions): { resamples: number; confidence: number } {
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  return { resamples, confidence };
}

function checkValues(values: readonly number[], name: string): void {
  if (values.length === 0) throw new RangeError(`${name}: cannot bootstrap an empty sample`);
  if (!values.every(Number.isFinite)) throw new RangeError(`${name}: values must be finite numbers`);
}
