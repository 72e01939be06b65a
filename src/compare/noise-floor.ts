import { median, sampleStandardDeviation } from 'simple-statistics';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import type { RunRecord } from '../history/record-schema.js';
import type { Fingerprint, NoiseFloor } from './compare-report.js';
import { fingerprintOf, sameFingerprint } from './fingerprint.js';
import type { MetricDef } from './metric-series.js';
import { tQuantile } from '../analysis/t-quantile.js';

/**
 * The noise floor from history (issue 12, build 4): how much one system's numbers move from night to night on the
 * same runner class, each night being a fresh cluster install. Repetitions within a run share one install, so the
 * run's own test cannot see this variation; a change smaller than it is install-to-install noise, not a regression.
 *
 * - One value per night: the median over that night's valid repetitions of the metric (what `change` compares).
 * - Spread: the sample standard deviation s of those per-night values (nightSigma).
 * - Floor for a change between two nights: t(1 − α/2, df) × √(s_old² + s_new²), df = min(K_old, K_new) − 1 for
 *   K nights a side, at the gate's own α. For one system in two runs, whose two sides are (nearly) the same nights,
 *   (new night − old night) / (√2 · s) is exactly Student-t with K − 1 df for normal nights, so the floor is exceeded
 *   with probability α when nothing changed; with two independent histories the smaller side's df is conservative.
 *   z (the normal quantile) ignored that s comes from 3–10 nights: in a seeded null simulation at α = 0.01 (both sides
 *   from the same K nights) z × √2 × s is exceeded 12.5% of the time with 3 nights, 6.3% with 5, 3.1% with 10, and
 *   the floor before this (z with a bias-corrected MAD) 21%, 12%, 5.2%; with t, 1.04%, 0.96%, 1.10%
 *   (test/compare-noise-floor-from-history.test.ts; the same prediction bound as installSpreadFromNights in
 *   src/analysis/install-spread.ts, there at 95%).
 * - Why the standard deviation, no longer the MAD: with few nights the MAD's sampling spread is so wide that no usable
 *   quantile holds the level. In the same simulation a bias-corrected MAD with t(K − 1) was still exceeded 6.0% (3
 *   nights), 4.4% (5), 2.5% (10) at α = 0.01; holding 1% needs about df 1 at 3 nights (a floor of 61 × √2 σ) and df 2
 *   at 5, far wider than the SD's exact t. What is given up: one disturbed night (a slow runner, a broken install)
 *   inflates s and widens the floor for as long as it stays in the history. That errs towards "within
 *   install-to-install variation", never towards a false regression, and the row states the floor it used (±x µs).
 * - Fewer than MIN_NIGHTS nights: no floor ("no noise floor (N nights)"); three nights give df 2 (t(0.995, 2) = 9.925).
 */
export const MIN_NIGHTS = 3;

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
  const spread = nights.length >= MIN_NIGHTS ? nightSigma(nights.map((n) => n.value)) : null;
  return { nights: nights.map((n) => n.runId), spread };
}

/** σ of the per-night values: their sample standard deviation (n − 1 in the denominator). */
export function nightSigma(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError(`a spread needs at least 2 values, got ${values.length}`);
  return sampleStandardDeviation([...values]);
}

/** The floor for a change between the old and the new side, or null unless both sides' spreads are known. */
export function noiseFloor(oldSide: NightSpread, newSide: NightSpread, alpha: number): NoiseFloor {
  const floor =
    oldSide.spread === null || newSide.spread === null
      ? null
      : tQuantile(1 - alpha / 2, Math.min(oldSide.nights.length, newSide.nights.length) - 1) *
        Math.sqrt(oldSide.spread ** 2 + newSide.spread ** 2);
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
