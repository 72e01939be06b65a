import { coefficientOfVariation as simpleCoefficientOfVariation, mean } from 'simple-statistics';

/**
 * Coefficient of variation: sample standard deviation (n − 1) ÷ mean, a unitless spread that can be compared across
 * steps of different latency. Null when it says nothing: fewer than 2 values (no spread to measure) or a mean of 0
 * (the ratio is undefined). Intended for positive quantities (latencies, throughputs).
 */
export function coefficientOfVariation(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  if (!values.every(Number.isFinite)) throw new RangeError('coefficient of variation: values must be finite numbers');
  if (mean(values) === 0) return null;
  return simpleCoefficientOfVariation(values);
}
