import { describe, expect, it } from 'vitest';
import { createSchedule, type ScheduleOptions } from '../src/load/schedule.js';

/** A random source that answers the given draws in order and refuses any more. */
function draws(...values: number[]): () => number {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`draws: asked for draw ${i + 1}, only ${values.length} set up`);
    return values[i++]!;
  };
}

const options = (over: Partial<ScheduleOptions>): ScheduleOptions => ({
  rate: 1000,
  arrival: 'uniform',
  workerIndex: 0,
  workerCount: 1,
  startMs: 0,
  random: draws(),
  ...over,
});

describe('Poisson gaps', () => {
  it('are exponential with mean W/R per worker: gap = −ln(1 − u) · 1000·W/R ms', () => {
    // 1000 req/s over 2 workers: each worker's mean gap is 2 ms.
    const s = createSchedule(options({ arrival: 'poisson', workerCount: 2, workerIndex: 1, startMs: 10, random: draws(0.5, 0.75, 0) }));
    const [a, b, c] = [s.next(), s.next(), s.next()];
    expect(a).toBeCloseTo(10 + 2 * Math.LN2, 12);
    expect(b).toBeCloseTo(10 + 2 * Math.LN2 + 2 * Math.log(4), 12);
    expect(c).toBe(b); // u = 0: a zero gap, never a negative one
  });
});

describe('uniform instants', () => {
  it('give worker i of W the instants start + (k·W + i)·1000/R', () => {
    const s = createSchedule(options({ rate: 400, workerCount: 4, workerIndex: 3, startMs: 7 }));
    expect([s.next(), s.next(), s.next()]).toEqual([7 + 3 * 2.5, 7 + 7 * 2.5, 7 + 11 * 2.5]);
  });

  it('accept the last worker index (W − 1) and index 0', () => {
    expect(createSchedule(options({ workerCount: 3, workerIndex: 2 })).next()).toBe(2);
    expect(createSchedule(options({ workerCount: 3, workerIndex: 0 })).next()).toBe(0);
  });
});

describe('bad schedule options', () => {
  it.each([0, -5, Number.NaN])('rejects a rate of %s with the value in the message', (rate) => {
    expect(() => createSchedule(options({ rate }))).toThrow(new RangeError(`rate must be positive, got ${rate}`));
  });

  it('rejects a negative worker index, and one equal to the worker count, naming the valid range', () => {
    expect(() => createSchedule(options({ workerIndex: -1, workerCount: 2 }))).toThrow(new RangeError('workerIndex -1 outside 0..1'));
    expect(() => createSchedule(options({ workerIndex: 3, workerCount: 3 }))).toThrow(new RangeError('workerIndex 3 outside 0..2'));
  });
});
