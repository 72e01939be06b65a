/**
 * A log axis that starts and ends on a labelled value: the 1-2-5 steps (… 0.1, 0.2, 0.5, 1, 2, 5, 10 …) just outside
 * the data. Vega's own `nice` on a log scale rounds to whole decades (0.1 … 10 for data between 0.3 and 1.7, most of
 * the height empty), and without it the ends carry no label, so the reader cannot tell where the top line is.
 */
export function logAxis(values: readonly number[]): { domain: [number, number]; ticks: number[] } | null {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return null;
  const lo = Math.min(...positive);
  const hi = Math.max(...positive);
  const steps = oneTwoFive(lo, hi);
  const below = steps.filter((s) => s <= lo * (1 + 1e-9));
  const above = steps.filter((s) => s >= hi * (1 - 1e-9));
  const domain: [number, number] = [below[below.length - 1] ?? lo, above[0] ?? hi];
  if (domain[0] === domain[1]) domain[1] = steps.find((s) => s > domain[0]) ?? domain[0] * 2;
  return { domain, ticks: steps.filter((s) => s >= domain[0] * (1 - 1e-9) && s <= domain[1] * (1 + 1e-9)) };
}

/** 1, 2, 5 × 10^k from the step at or below `lo` to the one at or above `hi`, as exact decimals. */
function oneTwoFive(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(lo)) - 1; k <= Math.ceil(Math.log10(hi)) + 1; k++) {
    for (const m of [1, 2, 5]) out.push(Number((m * 10 ** k).toPrecision(1)));
  }
  return out;
}
