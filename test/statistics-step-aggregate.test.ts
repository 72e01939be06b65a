import { describe, expect, it } from 'vitest';
import { aggregateStep } from '../src/analysis/aggregate-step.js';
import { decodeHistogram, summarize } from '../src/analysis/histogram.js';
import { stepAggregateSchema, type RepetitionResult } from '../src/core/result-schema.js';
import {
  latencyProfile,
  makeRepetition,
  makeRepetitions,
  repetitionsWithPercentiles,
} from './helpers/repetition-factory.js';

const options = { seed: 42, maxCv: 0.05 };

/** Aggregates and checks the result against the schema the result file is validated with. */
function aggregate(repetitions: readonly RepetitionResult[], opts: Parameters<typeof aggregateStep>[1] = options) {
  return stepAggregateSchema.parse(aggregateStep(repetitions, opts));
}

// Five valid repetitions, each 100 latencies: 90 at its p50 and 10 at p50 + 500 (so p90 = p50, p99 = p999 = p50 + 500).
// p50s 1000, 1010, 990, 1020, 980: mean 1000, deviations 0, 10, −10, 20, −20, sample variance 1000/4 = 250,
// stdev 15.811, CV 0.015811. p99s 1500 … 1480: same deviations, CV 15.811/1500 = 0.010541.
// Throughputs 1000, 1002, 998, 1004, 996: deviations 0, 2, −2, 4, −4, variance 40/4 = 10, CV 3.1623/1000 = 0.0031623.
const p50s = [1000, 1010, 990, 1020, 980];
const throughputs = [1000, 1002, 998, 1004, 996];
const five = makeRepetitions(
  p50s.map((p50Us, i) => ({ sentUs: latencyProfile({ p50Us, p99Us: p50Us + 500 }), throughput: throughputs[i]! })),
);

describe('step aggregate', () => {
  it('takes the median over repetitions with the range as interval for 5 repetitions', () => {
    const a = aggregate(five);
    expect(a.validRepetitions).toBe(5);
    // Sorted p50s 980, 990, 1000, 1010, 1020 → 1000; with 5 values the bootstrap interval is the range (see the
    // bootstrap tests for why).
    expect(a.median?.p50Us).toEqual({ value: 1000, ci95: [980, 1020] });
    expect(a.median?.p90Us).toEqual({ value: 1000, ci95: [980, 1020] });
    expect(a.median?.p99Us).toEqual({ value: 1500, ci95: [1480, 1520] });
    expect(a.median?.p999Us).toEqual({ value: 1500, ci95: [1480, 1520] });
    expect(a.median?.throughput).toEqual({ value: 1000, ci95: [996, 1004] });
  });

  it('reports the CV of p50, p99 and throughput', () => {
    const { cv } = aggregate(five);
    expect(cv.p50).toBeCloseTo(0.015811, 6);
    expect(cv.p99).toBeCloseTo(0.010541, 6);
    expect(cv.throughput).toBeCloseTo(0.0031623, 6);
  });

  it('merges the repetitions’ histograms so every request weighs the same', () => {
    const a = aggregate(five);
    // 500 values sorted: 90 each of 980, 990, 1000, 1010, 1020 (positions 1–450), then 10 each of 1480 … 1520.
    // p50 = 250th → 1000 (181–270); p90 = 450th → 1020; p99 = 495th → 1520 (491–500); min 980, max 1520.
    expect(a.merged).toMatchObject({ count: 500, minUs: 980, p50Us: 1000, p90Us: 1020, p99Us: 1520, maxUs: 1520 });
    expect(a.mergedHistogram).not.toBeNull();
    expect(summarize(decodeHistogram(a.mergedHistogram!))).toEqual(a.merged);
  });

  it('uses intended-time latency in rate mode and sent-time latency in closed-loop modes', () => {
    // Intended-time latency adds 200 µs of queueing: p50 1200 against 1000 sent.
    const queued = latencyProfile({ p50Us: 1200, p99Us: 1700 });
    const sent = latencyProfile({ p50Us: 1000, p99Us: 1500 });
    const rate = aggregate(
      makeRepetitions([1, 2, 3].map(() => ({ mode: 'rate' as const, sentUs: sent, intendedUs: queued }))),
    );
    expect(rate.latencyBasis).toBe('intended');
    expect(rate.median?.p50Us.value).toBe(1200);
    expect(rate.merged?.p50Us).toBe(1200);

    for (const mode of ['connections', 'max'] as const) {
      const closed = aggregate(makeRepetitions([1, 2, 3].map(() => ({ mode, sentUs: sent }))));
      expect(closed.latencyBasis).toBe('sent');
      expect(closed.median?.p50Us.value).toBe(1000);
    }
  });

  it('leaves invalid repetitions out and says why', () => {
    // A 6th repetition, invalid, placed third, far slower: nothing but the notes may change.
    const invalid = makeRepetition({
      repetition: 3,
      sentUs: latencyProfile({ p50Us: 1900, p99Us: 1990 }),
      status: 'invalid',
      invalidReasons: ['achieved rate 1932/2000 req/s (96.6%)'],
    });
    const six = [five[0]!, five[1]!, invalid, five[2]!, five[3]!, five[4]!];
    const withInvalid = aggregate(six);
    const validOnly = aggregate(five);
    expect(withInvalid.validRepetitions).toBe(5);
    expect(withInvalid.merged?.maxUs).toBe(1520);
    expect({ ...withInvalid, notes: [] }).toEqual({ ...validOnly, notes: [] });
    expect(withInvalid.notes).toContain('1 of 6 repetitions invalid: #3 achieved rate 1932/2000 req/s (96.6%)');
  });

  it('lists every invalid repetition’s reasons in one note', () => {
    const reps = makeRepetitions([
      {},
      { status: 'invalid', invalidReasons: ['achieved rate 1932/2000 req/s (96.6%)'] },
      {},
      { status: 'invalid', invalidReasons: ['error rate 3.1% > 1%', 'achieved rate 1990/2000 req/s (99.5%)'] },
      { status: 'invalid', invalidReasons: [] },
    ]);
    expect(aggregate(reps).notes[0]).toBe(
      '3 of 5 repetitions invalid: #2 achieved rate 1932/2000 req/s (96.6%); ' +
        '#4 error rate 3.1% > 1%, achieved rate 1990/2000 req/s (99.5%); #5 (no reason recorded)',
    );
  });

  it('flags a step noisy when the CV of p50 exceeds maxCv', () => {
    // p50s 1000, 1100, 900, 1000, 1000: mean 1000, variance (0 + 100² + 100² + 0 + 0)/4 = 5000, CV √5000/1000 = 7.07%.
    const reps = repetitionsWithPercentiles([1000, 1100, 900, 1000, 1000]);
    const noisy = aggregate(reps, { seed: 1, maxCv: 0.05 });
    expect(noisy.cv.p50).toBeCloseTo(0.0707107, 6);
    expect(noisy.noisy).toBe(true);
    expect(noisy.notes).toContain('noisy: CV of p50 7.1% > 5%');

    const calm = aggregate(reps, { seed: 1, maxCv: 0.1 });
    expect(calm.noisy).toBe(false);
    expect(calm.notes.some((n) => n.startsWith('noisy'))).toBe(false);
  });

  it('prints enough decimals for the CV and the threshold to differ', () => {
    // CV 0.0707107 against maxCv 0.0707: 7.1% vs 7.1% and 7.07% vs 7.07% read the same; 7.071% vs 7.07% does not.
    const reps = repetitionsWithPercentiles([1000, 1100, 900, 1000, 1000]);
    expect(aggregate(reps, { seed: 1, maxCv: 0.0707 }).notes).toContain('noisy: CV of p50 7.071% > 7.07%');
  });

  it('notes a p99 that varies more than 2 × maxCv without flagging the step noisy', () => {
    // p50 steady; p99s 1500, 1600, 1400, 1500, 1500: CV √5000/1500 = 4.71% > 2 × 2% = 4%.
    const reps = repetitionsWithPercentiles([1000, 1000, 1000, 1000, 1000], [1500, 1600, 1400, 1500, 1500]);
    const a = aggregate(reps, { seed: 1, maxCv: 0.02 });
    expect(a.cv.p50).toBe(0);
    expect(a.cv.p99).toBeCloseTo(0.0471405, 6);
    expect(a.noisy).toBe(false);
    expect(a.notes).toContain('p99 varies between repetitions: CV of p99 4.7% > 4% (2 × maxCv)');
    expect(aggregate(reps, { seed: 1, maxCv: 0.03 }).notes).toEqual([]);
  });

  it('warns when fewer than 3 repetitions are valid', () => {
    const two = aggregate(repetitionsWithPercentiles([1000, 1010]));
    expect(two.notes).toContain('fewer than 3 valid repetitions (2): intervals are not meaningful');
    const three = aggregate(repetitionsWithPercentiles([1000, 1010, 1020]));
    expect(three.notes.some((n) => n.startsWith('fewer than'))).toBe(false);
  });

  it('gives [v, v] and no CV for a single valid repetition', () => {
    const one = aggregate(makeRepetitions([{ sentUs: latencyProfile({ p50Us: 800, p99Us: 900 }) }]));
    expect(one.median?.p50Us).toEqual({ value: 800, ci95: [800, 800] });
    expect(one.cv).toEqual({ p50: null, p99: null, throughput: null });
    expect(one.noisy).toBe(false);
    expect(one.notes).toContain('fewer than 3 valid repetitions (1): intervals are not meaningful');
  });

  it('has no statistics and says why when no repetition is valid', () => {
    const reps = makeRepetitions([{ status: 'invalid' }, { status: 'invalid' }]);
    const a = aggregate(reps);
    expect(a).toMatchObject({
      latencyBasis: 'intended',
      validRepetitions: 0,
      merged: null,
      mergedHistogram: null,
      median: null,
      cv: { p50: null, p99: null, throughput: null },
      noisy: false,
    });
    expect(a.notes).toContain('no valid repetitions: no statistics for this step');
    expect(a.notes[0]).toMatch(/^2 of 2 repetitions invalid/);
  });

  it('takes the mode from the options when no repetition ran, and refuses to guess without it', () => {
    const a = aggregate([], { ...options, mode: 'connections' });
    expect(a.latencyBasis).toBe('sent');
    expect(a.notes).toEqual(['no repetitions ran: no statistics for this step']);
    expect(() => aggregateStep([], options)).toThrow(/options\.mode/);
  });

  it('refuses repetitions of different modes', () => {
    const mixed = [makeRepetition({ mode: 'rate' }), makeRepetition({ mode: 'connections', repetition: 2 })];
    expect(() => aggregateStep(mixed, options)).toThrow(/different modes/);
  });

  it('leaves out a valid rate repetition that lacks intended-time latency, with a note', () => {
    const reps = makeRepetitions([{}, { intendedUs: null }, {}]);
    const a = aggregate(reps);
    expect(a.validRepetitions).toBe(2);
    expect(a.notes).toContain('1 valid repetitions have no intended-time latency and are left out: #2');
  });

  it('is identical for the same seed and differs for another seed', () => {
    // 30 repetitions with p50 = 1000 + i²: enough distinct values for the resampling to show through the
    // percentiles at 1 000 resamples.
    const reps = repetitionsWithPercentiles(Array.from({ length: 30 }, (_, i) => 1000 + i * i));
    const a = aggregate(reps, { ...options, resamples: 1000 });
    expect(aggregate(reps, { ...options, resamples: 1000 })).toEqual(a);
    const b = aggregate(reps, { ...options, seed: 43, resamples: 1000 });
    expect(b.median?.p50Us.value).toBe(a.median?.p50Us.value);
    expect(b.median?.p50Us.ci95).not.toEqual(a.median?.p50Us.ci95);
  });

  it('resamples each metric with its own seed', () => {
    // The fixture's p90 equals its p50 in every repetition: identical series, so only the seeds can tell them apart.
    const reps = repetitionsWithPercentiles(Array.from({ length: 30 }, (_, i) => 1000 + i * i));
    // Intervals are read off discrete resampled medians and can coincide by chance for one seed, so look at five:
    // with a shared seed they would coincide for all of them.
    const differing = [1, 2, 3, 4, 5].filter((seed) => {
      const a = aggregate(reps, { ...options, seed, resamples: 1000 });
      expect(a.median?.p90Us.value).toBe(a.median?.p50Us.value);
      return JSON.stringify(a.median?.p90Us.ci95) !== JSON.stringify(a.median?.p50Us.ci95);
    });
    expect(differing.length).toBeGreaterThan(0);
  });

  it('puts the median inside its interval for every metric', () => {
    const reps = repetitionsWithPercentiles(Array.from({ length: 12 }, (_, i) => 900 + 37 * ((i * 7) % 12)));
    const { median } = aggregate(reps);
    for (const e of Object.values(median!)) {
      expect(e.ci95[0]).toBeLessThanOrEqual(e.value);
      expect(e.value).toBeLessThanOrEqual(e.ci95[1]);
    }
  });
});
