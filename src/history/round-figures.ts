/**
 * The precision the compact record stores its computed figures at: seven significant digits. The report prints at most
 * five (req/s as whole numbers below 100 000; latencies, vCPU, MiB and p-values to three or fewer), so seven leave the
 * two spare digits roundToOdd needs.
 */
export const RECORD_SIGNIFICANT_DIGITS = 7;

/**
 * `x` to `digits` significant digits, rounded to odd: truncated, and when anything was cut off, the last digit made
 * odd. Rounding to nearest twice (here, then again when the report formats the figure to fewer digits) can move a
 * value that sat just below a half-way point onto it and then past it (1.2349996 → 1.23500 → 1.24 with 6 digits kept,
 * where 1.2349996 itself prints as 1.23). A value rounded to odd never lands on a half-way point of two or more digits
 * fewer, so a
 * later rounding to nearest at up to `digits − 2` digits gives what it gives for the original (the decimal form of
 * the round-to-odd rule for double rounding: Boldo and Melquiond, "When double rounding is odd", 2005). Integers and
 * non-finite numbers, and any double whose shortest decimal form has at most `digits` digits, are returned as they are.
 */
export function roundToOdd(x: number, digits: number = RECORD_SIGNIFICANT_DIGITS): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  // A double that is the nearest one to a decimal of at most `digits` digits (999.967, 0.25) is that decimal: kept.
  if (Number(x.toPrecision(digits)) === x) return x;
  // toExponential gives the double's exact decimal value correctly rounded to 21 digits: enough to see what is cut.
  const [mantissa, exponent] = Math.abs(x).toExponential(20).split('e') as [string, string];
  const all = mantissa.replace('.', '');
  let kept = all.slice(0, digits);
  const cut = /[1-9]/.test(all.slice(digits));
  const last = Number(kept.at(-1));
  // An even last digit is at most 8: adding 1 never carries.
  if (cut && last % 2 === 0) kept = `${kept.slice(0, -1)}${last + 1}`;
  const value = Number(`${kept[0]}.${kept.slice(1)}e${exponent}`);
  return x < 0 ? -value : value;
}

/** Every number inside `value` (objects and arrays, recursively) rounded by roundToOdd; strings and the rest as they are. */
export function roundFigures<T>(value: T, digits: number = RECORD_SIGNIFICANT_DIGITS): T {
  return walk(value, digits) as T;
}

function walk(value: unknown, digits: number): unknown {
  if (typeof value === 'number') return roundToOdd(value, digits);
  if (Array.isArray(value)) return value.map((v) => walk(v, digits));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, digits)]));
  }
  return value;
}
