import { mean, median } from 'simple-statistics';
import type { InstallSpread } from './two-sample.js';
import { tQuantile } from './t-quantile.js';

/**
 * Install-to-install spread estimated from a run that measured each system on several fresh installs (repetitions
 * nested in installs). The install is the unit of replication for a comparison across clusters: repetitions of one
 * install share its pod placement, CPU pinning and CNI state, so they cannot show how much those move the result.
 *
 * Each install is reduced to the median of its repetitions (one slow repetition does not move it), and the spread is
 * the half-width of a 95% t interval for the difference of the two sides' mean install medians, pooling the
 * between-install variance of both sides:
 *
 *   spread = t(0.975, df) · s · √(1/I_ref + 1/I_sys),   s² = Σ_sides Σ_installs (median_i − mean_side)² / df,
 *   df = (I_ref − 1) + (I_sys − 1).
 *
 * The variance of an install's median already contains the repetition noise it averages over, so this is the whole
 * variance of a difference between installs (a one-way variance-components model, Searle, Casella & McCulloch,
 * Variance Components, §3.6): a shift within ±spread is what fresh installs of the same two systems would show 95% of
 * the time with no real difference. The t quantile, not 1.96, because s is estimated from few installs: with 2 + 2
 * installs df = 2 and t = 4.30. Simulation (README.md) keeps the false-positive rate at or under 5%.
 *
 * Null when df < 1 (no side has two installs): then nothing in the run measures install-to-install variation.
 */
export function installSpreadFromData(
  reference: readonly (readonly number[])[],
  system: readonly (readonly number[])[],
): InstallSpread | null {
  const ref = reference.filter((install) => install.length > 0).map((install) => median(install));
  const sys = system.filter((install) => install.length > 0).map((install) => median(install));
  const df = ref.length - 1 + (sys.length - 1);
  if (ref.length === 0 || sys.length === 0 || df < 1) return null;
  let squares = 0;
  for (const side of [ref, sys]) {
    if (side.length < 2) continue;
    const centre = mean(side);
    for (const v of side) squares += (v - centre) ** 2;
  }
  const s = Math.sqrt(squares / df);
  const spreadUs = tQuantile975(df) * s * Math.sqrt(1 / ref.length + 1 / sys.length);
  return {
    spreadUs,
    source: `${ref.length} + ${sys.length} installs in this run`,
    installShiftUs: mean(sys) - mean(ref),
  };
}

/**
 * Install-to-install spread from history, for `externalSpread` (compare.ts): the between-night spread of the same
 * systems on the same runner class, each night a fresh install. `series` holds, per system on either side of the
 * comparison, one value per night (the median of that night's valid repetitions); pass one series when both sides are
 * the same system (a night against an earlier night).
 *
 *   spread = t(0.975, df) · s · √2,   s² = Σ_series Σ_nights (value − mean_series)² / df,   df = Σ_series (K − 1).
 *
 * It bounds the difference between two fresh installs (each one night's value: install offset plus the noise of a
 * night's median) with 95% probability, a prediction interval for the difference of two new draws: hence √2 (one
 * install per side) and t rather than z, because s comes from a handful of nights. With z and a spread estimated from
 * 3–10 nights the bound is too narrow: in simulation (README.md, "a spread from history") a null comparison beyond it
 * reaches 7–24%; with t and the sample standard deviation, ≤ 5%. The sample standard deviation is not robust: one
 * disturbed night widens the spread, which errs towards "within install-to-install variation", never towards a false
 * "significant".
 *
 * Null when df < 1 (no series has two nights).
 */
export function installSpreadFromNights(series: readonly (readonly number[])[], source: string): InstallSpread | null {
  if (!series.every((s) => s.every(Number.isFinite))) throw new RangeError('installSpreadFromNights: values must be finite');
  let squares = 0;
  let df = 0;
  for (const side of series) {
    if (side.length < 2) continue;
    const centre = mean(side);
    for (const v of side) squares += (v - centre) ** 2;
    df += side.length - 1;
  }
  if (df < 1) return null;
  return { spreadUs: tQuantile975(df) * Math.sqrt(squares / df) * Math.SQRT2, source };
}

/** Student t 0.975 quantile on `df` (a positive integer) degrees of freedom: the exact quantile (t-quantile.ts). */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, got ${df}`);
  return tQuantile(0.975, df);
}
