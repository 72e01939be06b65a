import { describe, expect, it } from 'vitest';
import { createSchedule } from '../src/load/schedule.js';
import { createRandom } from '../src/analysis/random.js';

const take = (n: number, next: () => number): number[] => Array.from({ length: n }, next);

describe('pacing schedule', () => {
  it('spaces uniform arrivals exactly 1/rate apart from the start', () => {
    const s = createSchedule({ rate: 2000, arrival: 'uniform', workerIndex: 0, workerCount: 1, startMs: 100, random: Math.random });
    expect(take(4, s.next)).toEqual([100, 100.5, 101, 101.5]);
  });

  it('interleaves workers into one even schedule at the total rate, not the rate per worker', () => {
    const all = [0, 1].flatMap((i) =>
      take(4, createSchedule({ rate: 1000, arrival: 'uniform', workerIndex: i, workerCount: 2, startMs: 0, random: Math.random }).next),
    );
    expect(all.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('does not drift over a million requests (instants computed, not accumulated)', () => {
    const s = createSchedule({ rate: 3000, arrival: 'uniform', workerIndex: 0, workerCount: 1, startMs: 0, random: Math.random });
    let last = 0;
    for (let i = 0; i < 1_000_000; i++) last = s.next();
    expect(last).toBeCloseTo(999_999 / 3, 6);
  });

  it('gives Poisson arrivals the requested mean rate, reproducibly for a seed', () => {
    const make = () => createSchedule({ rate: 1000, arrival: 'poisson', workerIndex: 0, workerCount: 1, startMs: 0, random: createRandom(42) });
    const a = take(20_000, make().next);
    const b = take(20_000, make().next);
    expect(a).toEqual(b);
    const meanGap = a[a.length - 1]! / a.length;
    expect(meanGap).toBeGreaterThan(0.97);
    expect(meanGap).toBeLessThan(1.03);
    // Exponential gaps: coefficient of variation ≈ 1 (uniform spacing would give 0).
    const gaps = a.map((t, i) => t - (i ? a[i - 1]! : 0));
    const m = gaps.reduce((x, y) => x + y, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((x, g) => x + (g - m) ** 2, 0) / gaps.length);
    expect(sd / m).toBeGreaterThan(0.9);
    expect(sd / m).toBeLessThan(1.1);
  });

  it('rejects a worker index outside the worker count', () => {
    expect(() => createSchedule({ rate: 1, arrival: 'uniform', workerIndex: 2, workerCount: 2, startMs: 0, random: Math.random })).toThrow(/workerIndex/);
  });
});
