import { describe, expect, it } from 'vitest';
import {
  cpuRates,
  dedupeSamples,
  gaugeMeanMax,
  maxOfSummedGauges,
  rateMeanMax,
  type CounterPoint,
  type SeriesPoint,
} from '../src/metrics/sampler-math.js';

const T0 = 1_700_000_000_000;

function counter(points: [seconds: number, value: number, startTime?: number][]): CounterPoint[] {
  return points.map(([s, value, start]) => ({ timestampMs: T0 + s * 1000, value, timestampFromScrape: false, startTimeSeconds: start ?? null }));
}

function gauge(points: [seconds: number, value: number][], fromScrape = false): SeriesPoint[] {
  return points.map(([s, value]) => ({ timestampMs: T0 + s * 1000, value, timestampFromScrape: fromScrape }));
}

describe('sampler arithmetic at its boundaries', () => {
  it('reads an idle container (counter unchanged) as 0 cores, not as a restart', () => {
    const { intervals, resets } = cpuRates(counter([[0, 7], [10, 7], [20, 8]]));
    expect(resets).toBe(0);
    expect(intervals.map((r) => r.cores)).toEqual([0, 0.1]);
  });

  it('takes a start time moved by exactly the tolerance (0.5 s) as jitter, and by more as a restart', () => {
    expect(cpuRates(counter([[0, 5, 1000], [10, 6, 1000.5]])).resets).toBe(0);
    expect(cpuRates(counter([[0, 5, 1000], [10, 6, 1000.75]])).resets).toBe(1);
    // A start time known on one side only proves nothing.
    expect(cpuRates(counter([[0, 5, 1000], [10, 6]])).resets).toBe(0);
  });

  it('gives no rate for two counter values at one instant or out of order (hand-built input)', () => {
    expect(cpuRates(counter([[10, 5], [10, 6]])).intervals).toEqual([]);
    expect(cpuRates(counter([[10, 5], [0, 6]])).intervals).toEqual([]);
    expect(cpuRates(counter([[10, 5], [0, 6]])).resets).toBe(0);
  });

  it('takes the largest gauge value and the largest rate as the maximum, wherever they fall', () => {
    expect(gaugeMeanMax(gauge([[0, 300], [10, 100], [20, 200]]))).toEqual({ mean: 200, max: 300 });
    expect(gaugeMeanMax([])).toBeNull();
    const stats = rateMeanMax([
      { fromMs: 0, toMs: 1000, cores: 2 },
      { fromMs: 1000, toMs: 4000, cores: 0.5 },
    ]);
    // Weighted by length: (2 × 1 + 0.5 × 3) / 4 s.
    expect(stats).toEqual({ mean: 0.875, max: 2 });
    expect(rateMeanMax([])).toBeNull();
  });

  it('finds the highest memory total in the middle of the step, not only at its end', () => {
    // A: 100, 300, 50; B: 20 throughout. Totals 120, 320, 70 → 320.
    expect(maxOfSummedGauges([gauge([[0, 100], [10, 300], [20, 50]]), gauge([[0, 20]])])).toBe(320);
  });

  it('treats NaN repeated at one timestamp as the same value, and NaN against a number as a conflict', () => {
    const same = dedupeSamples(gauge([[5, Number.NaN], [5, Number.NaN]]));
    expect(same.points).toHaveLength(1);
    expect(same).toMatchObject({ duplicates: 1, conflicts: 0 });
    expect(dedupeSamples(gauge([[5, Number.NaN], [5, 3]]))).toMatchObject({ duplicates: 1, conflicts: 1 });
    expect(dedupeSamples(gauge([[5, 3], [5, Number.NaN]]))).toMatchObject({ duplicates: 1, conflicts: 1 });
  });

  it('without kubelet timestamps, counts each unchanged repeat as a duplicate and keeps every change', () => {
    const d = dedupeSamples(gauge([[0, 1], [5, 1], [10, 1], [15, 2], [20, 1]], true));
    expect(d.points.map((p) => p.value)).toEqual([1, 2, 1]);
    expect(d.duplicates).toBe(2);
    expect(d.conflicts).toBe(0);
    // An unchanged NaN without timestamps is one cached reading as well.
    expect(dedupeSamples(gauge([[0, Number.NaN], [5, Number.NaN]], true)).duplicates).toBe(1);
  });
});
