import { median, quantile } from 'simple-statistics';
import { createRandom, deriveSeed } from './random.js';
import { untiedUCdf } from './rank-sum.js';

/**
 * The minimum detectable difference: the smallest shift a comparison of this size would call significant 80% of the
 * time (two-sided α = 0.05), given the spread of the repetitions it saw. It turns "no significant difference" into "no
 * difference larger than X".
 *
 * Spread: σ from the Shamos estimator, 1.0483 × median |a − b| over pairs of repetitions within the same side (pairs
 * across sides would include the shift). For normal data it estimates σ (1.0483 = 1 / (√2 · Φ⁻¹(3/4))); one slow
 * repetition among 8 moves 7 of 28 pairs, which the median ignores, where a standard deviation would be inflated by
 * it (Rousseeuw & Croux 1993, "Alternatives to the median absolute deviation", JASA 88:1273).
 *
 * Power: the exact Wilcoxon–Mann–Whitney test at these group sizes, simulated once per (n, m) on normal repetitions
 * with a fixed seed (a property of the test, not of the run: the same sizes always give the same factor). For each
 * simulated pair of samples the smallest shift δ the test rejects at is the (n·m − c)-th smallest reference − system
 * difference, c the test's critical U, so the 80% quantile of those thresholds is the shift with 80% power: no search
 * over δ. With an install spread x, the shift must also exceed x (the Hodges–Lehmann shift moves one for one with δ),
 * and the threshold of each sample is the larger of the two.
 */

export const POWER = 0.8;
const SIMULATED_SAMPLES = 4000;
/** Above this many pairs per sample the normal approximation replaces the simulation. */
const MAX_SIMULATED_PAIRS = 900;
const SHAMOS = 1 / (Math.SQRT2 * 0.6744897501960817);
/** Asymptotic variance of the Hodges–Lehmann shift for normal data: (π/3) σ² (1/n + 1/m). */
const HL_VARIANCE_FACTOR = Math.PI / 3;

export interface MinimumDetectable {
  shiftUs: number | null;
  note: string | null;
  /** The σ estimate the shift was scaled by; null with fewer than 2 values on both sides. */
  sigmaUs: number | null;
}

export function minimumDetectableShift(
  reference: readonly number[],
  system: readonly number[],
  floorUs: number,
): MinimumDetectable {
  const n = reference.length;
  const m = system.length;
  const sigma = shamosSigma([reference, system]);
  const smallest = smallestPValue(n, m);
  if (smallest >= 0.05) {
    return {
      shiftUs: null,
      note: `${n} v ${m} repetitions can never reach p < 0.05 (smallest possible p = ${smallest.toPrecision(2)})`,
      sigmaUs: sigma,
    };
  }
  if (sigma === null) {
    return { shiftUs: null, note: 'no side has 2 repetitions to measure the spread from', sigmaUs: null };
  }
  const thresholds = simulatedThresholds(n, m);
  if (thresholds === null) {
    const z = 1.959963984540054 + 0.8416212335729143;
    const se = Math.sqrt(HL_VARIANCE_FACTOR * (1 / n + 1 / m));
    return { shiftUs: sigma * Math.max(z * se, floorUs / sigma + 0.8416212335729143 * se), note: null, sigmaUs: sigma };
  }
  if (sigma === 0) return { shiftUs: floorUs, note: null, sigmaUs: 0 };
  if (floorUs === 0) return { shiftUs: sigma * thresholds.withoutFloor, note: null, sigmaUs: sigma };
  const floor = floorUs / sigma;
  const needed = thresholds.test.map((t, i) => Math.max(t, floor + (thresholds.hodgesLehmann[i] as number)));
  return { shiftUs: sigma * quantile(needed, POWER), note: null, sigmaUs: sigma };
}

/** Shamos σ over within-side pairs; null without any pair. */
export function shamosSigma(sides: readonly (readonly number[])[]): number | null {
  const gaps: number[] = [];
  for (const side of sides) {
    for (let i = 0; i < side.length; i++) {
      for (let j = i + 1; j < side.length; j++) gaps.push(Math.abs((side[i] as number) - (side[j] as number)));
    }
  }
  return gaps.length === 0 ? null : SHAMOS * median(gaps);
}

/** Smallest two-sided p-value the exact test can give with n and m untied values: 2 / C(n + m, n), at most 1. */
export function smallestPValue(n: number, m: number): number {
  let c = 1;
  for (let i = 1; i <= Math.min(n, m); i++) {
    c = (c * (n + m - Math.min(n, m) + i)) / i;
    if (c > 1e12) return 2 / c;
  }
  return Math.min(1, 2 / c);
}

interface Thresholds {
  /** Per simulated sample (σ = 1): the smallest shift the rank test rejects at. */
  test: number[];
  /** Per simulated sample: median(reference − system), the shift at which the Hodges–Lehmann estimate is 0. */
  hodgesLehmann: number[];
  /** The 80% quantile of `test`: the minimum detectable shift in σ without a floor. */
  withoutFloor: number;
}

const cache = new Map<string, Thresholds | null>();

function simulatedThresholds(n: number, m: number): Thresholds | null {
  const key = `${n}:${m}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const computed = simulate(n, m);
  cache.set(key, computed);
  return computed;
}

function simulate(n: number, m: number): Thresholds | null {
  if (n * m > MAX_SIMULATED_PAIRS) return null;
  const cdf = untiedUCdf(n, m);
  if (!cdf) return null;
  // c = largest u with 2·P(U ≤ u) < α: the test rejects when U ≥ n·m − c (system above) or U ≤ c.
  let critical = -1;
  while (critical + 1 < cdf.length && 2 * (cdf[critical + 1] as number) < 0.05) critical++;
  const random = createRandom(deriveSeed(0, `minimum-detectable:${n}:${m}`));
  const normal = (): number => {
    // Box–Muller; 1 − u keeps the logarithm finite.
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const test: number[] = [];
  const hodgesLehmann: number[] = [];
  const differences = new Array<number>(n * m);
  for (let k = 0; k < SIMULATED_SAMPLES; k++) {
    const x = Array.from({ length: n }, normal);
    const y = Array.from({ length: m }, normal);
    let d = 0;
    for (const xi of x) for (const yj of y) differences[d++] = xi - yj;
    differences.sort((a, b) => a - b);
    // U(δ) = #{x − y < δ}; rejection needs U ≥ n·m − c, i.e. δ above the (n·m − c)-th smallest difference.
    test.push(differences[n * m - critical - 1] as number);
    hodgesLehmann.push(median(differences));
  }
  return { test, hodgesLehmann, withoutFloor: quantile(test, POWER) };
}
