import { median, medianAbsoluteDeviation, probit } from 'simple-statistics';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import type { RunRecord } from '../history/record-schema.js';
import type { Fingerprint, NoiseFloor } from './compare-report.js';
import { fingerprintOf, sameFingerprint } from './fingerprint.js';
import type { MetricDef } from './metric-series.js';

/**
 * The noise floor from history (issue 12, build 4): how much one system's numbers move from night to night on the
 * same runner class, each night being a fresh cluster install. Repetitions within a run share one install, so the
 * run's own test cannot see this variation; a change smaller than it is install-to-install noise, not a regression.
 *
 * - One value per night: the median over that night's valid repetitions of the metric (what `change` compares).
 * - Spread: b_n × 1.4826 × the median absolute deviation of those per-night values (madSigma). The MAD, not the
 *   standard deviation, because nights fail in one direction like repetitions do (a slow runner, a disturbed install):
 *   one bad night would inflate a standard deviation and hide every real regression for as long as it stays in the
 *   history. 1.4826 makes the MAD estimate σ for normally distributed nights as n grows; b_n removes its bias with few
 *   nights (with 3 nights the plain MAD is on average only 67% of σ, which would make the floor too low and let
 *   install noise through).
 * - Floor for a change between two nights: z(1 − α/2) × √(σ_old² + σ_new²), the change the two installs' variation
 *   alone exceeds with probability α (the gate's own significance level). For one system in two runs that is
 *   z × √2 × σ.
 * - Fewer than MIN_NIGHTS nights: no floor ("no noise floor (N nights)"); three is the fewest whose MAD is not
 *   decided by one night.
 */
export const MIN_NIGHTS = 3;
export const MAD_TO_SIGMA = 1.4826;

export interface NightQuery {
  systemId: string;
  scenarioName: string;
  /** The step as it was configured: a night counts only if its step of this name had the same settings. */
  step: ResolvedLoadStep;
  fingerprint: Fingerprint;
  /** Only runs created before this instant (ISO 8601): the nights before the newer run. */
  before: string;
}

export interface NightSpread {
  nights: string[];
  spread: number | null;
}

/** Per-night values of one metric, from the matching earlier runs, oldest first. */
export function nightValues(history: readonly RunRecord[], metric: MetricDef, q: NightQuery): { runId: string; value: number }[] {
  const beforeMs = Date.parse(q.before);
  const out: { runId: string; createdMs: number; value: number }[] = [];
  for (const run of history) {
    const createdMs = Date.parse(run.createdAt);
    if (!(createdMs < beforeMs)) continue;
    if (run.scenario.name !== q.scenarioName || !sameFingerprint(fingerprintOf(run, q.systemId), q.fingerprint)) continue;
    const step = run.systems.find((s) => s.id === q.systemId)?.steps.find((s) => s.name === q.step.name);
    if (!step || !sameStepConfig(step.config, q.step)) continue;
    const values = metric.values(step);
    if (values.length === 0) continue;
    out.push({ runId: run.runId, createdMs, value: median(values) });
  }
  out.sort((a, b) => a.createdMs - b.createdMs || a.runId.localeCompare(b.runId));
  return out.map(({ runId, value }) => ({ runId, value }));
}

export function nightSpread(history: readonly RunRecord[], metric: MetricDef, q: NightQuery): NightSpread {
  const nights = nightValues(history, metric, q);
  const spread = nights.length >= MIN_NIGHTS ? madSigma(nights.map((n) => n.value)) : null;
  return { nights: nights.map((n) => n.runId), spread };
}

/**
 * Small-sample bias correction of the MAD for normal data, b_n, so that E[b_n × 1.4826 × MAD_n] = σ: for n = 3…9 the
 * factors of Croux & Rousseeuw (1992, "Time-efficient algorithms for two highly robust estimators of scale"), here as
 * re-derived by seeded simulation (400 000 normal samples per n, this repo's sfc32: 1.487 1.361 1.219 1.189 1.138
 * 1.128 1.101), and their n / (n − 0.8) above 9 (within 1% of the simulation from n = 10 on).
 * test/compare-noise-floor-from-history.test.ts re-checks them by simulation.
 */
const MAD_BIAS_CORRECTION: Readonly<Record<number, number>> = { 3: 1.487, 4: 1.361, 5: 1.219, 6: 1.189, 7: 1.138, 8: 1.128, 9: 1.101 };

export function madBiasCorrection(n: number): number {
  if (n < 3) throw new RangeError(`the MAD needs at least 3 values to estimate a spread, got ${n}`);
  return MAD_BIAS_CORRECTION[n] ?? n / (n - 0.8);
}

/** σ of normally distributed values from their median absolute deviation, bias-corrected for small n. */
export function madSigma(values: readonly number[]): number {
  return madBiasCorrection(values.length) * MAD_TO_SIGMA * medianAbsoluteDeviation([...values]);
}

/** The floor for a change between the old and the new side, or null unless both sides' spreads are known. */
export function noiseFloor(oldSide: NightSpread, newSide: NightSpread, alpha: number): NoiseFloor {
  const floor =
    oldSide.spread === null || newSide.spread === null
      ? null
      : probit(1 - alpha / 2) * Math.sqrt(oldSide.spread ** 2 + newSide.spread ** 2);
  return {
    oldNights: oldSide.nights.length,
    newNights: newSide.nights.length,
    oldSpread: oldSide.spread,
    newSpread: newSide.spread,
    floor,
    fromInstalls: null,
  };
}

function sameStepConfig(a: ResolvedLoadStep, b: ResolvedLoadStep): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** A value with object keys in sorted order, so two equal objects serialise to the same text. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
