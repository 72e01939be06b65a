/**
 * The percentile axis of a latency spectrum: x = −log10(1 − q), so p50, p90, p99, p99.9 and p99.99 are about evenly
 * spaced ("nines"), as HdrHistogram's "full percentile spectrum" plots draw them (https://hdrhistogram.github.io/HdrHistogram/,
 * "Plot histogram file(s)").
 */

/** −log10(1 − q) for q in [0, 1). */
export function nines(q: number): number {
  return -Math.log10(1 - q);
}

/** The percentile (0–100) at a nines value. */
export function percentileAt(n: number): number {
  return 100 * (1 - 10 ** -n);
}

/** The axis's ticks: p50, p90, p99, p99.9, p99.99 as nines values. */
export const NINES_TICKS: readonly number[] = [nines(0.5), 1, 2, 3, 4];
export const NINES_TOP = 4;

/** Spacing of the sampled spectrum, in nines: four points per nine, enough for a smooth tail at a fraction of the bytes. */
export const SPECTRUM_STEP = 0.25;

/**
 * Where a spectrum is sampled: the exact p50, p90, p99, p99.9 and p99.99 (the axis ticks, so a reader's eye lands on
 * a measured point) and every quarter nine between them, but never beyond log10(count): past it fewer than one request
 * lies above the percentile, so the histogram would only repeat its maximum. A committed nightly draws one line per
 * system on every step's chart, so the sampling decides most of a spectrum's bytes (issue 9: ~300 KB per night).
 */
export function spectrumGrid(count: number): number[] {
  if (count < 2) return [];
  const top = Math.min(NINES_TOP, Math.log10(count));
  const grid = [nines(0.5)];
  for (let quarter = 2; quarter * SPECTRUM_STEP <= top + 1e-9; quarter++) grid.push(quarter * SPECTRUM_STEP);
  return grid.filter((n) => n <= top + 1e-9);
}

/**
 * A Vega expression labelling a nines tick with its percentile: 0.301… → `50`, 1 → `90`, 4 → `99.99`. d3-format's
 * `~r` trims the float noise (100 × (1 − 10⁻⁴) = 99.99000000000001) to the digits that matter.
 */
export const NINES_LABEL_EXPR = "format(100 * (1 - pow(10, -datum.value)), '.4~r')";
