import { describe, expect, it } from 'vitest';
import { logAxis } from '../src/report/charts/log-ticks.js';

describe('chart log axis', () => {
  it('spans the 1-2-5 steps just outside the data, ticked at every step between and none beyond', () => {
    expect(logAxis([0.3, 1.7])).toEqual({ domain: [0.2, 2], ticks: [0.2, 0.5, 1, 2] });
    expect(logAxis([0, 2.5, 40])).toEqual({ domain: [2, 50], ticks: [2, 5, 10, 20, 50] });
    expect(logAxis([0.001, 0.0013])).toEqual({ domain: [0.001, 0.002], ticks: [0.001, 0.002] });
  });

  it('ends exactly on data that falls on a step (within a billionth, for float noise), and data past a step goes to the next', () => {
    expect(logAxis([1, 10])).toEqual({ domain: [1, 10], ticks: [1, 2, 5, 10] });
    expect(logAxis([0.9999999999, 10.0000000001])).toEqual({ domain: [1, 10], ticks: [1, 2, 5, 10] });
    expect(logAxis([1, 10.01])).toEqual({ domain: [1, 20], ticks: [1, 2, 5, 10, 20] });
  });

  it('widens a single value to the next step up, so the axis is never a point', () => {
    expect(logAxis([5])).toEqual({ domain: [5, 10], ticks: [5, 10] });
    expect(logAxis([7, 7])).toEqual({ domain: [5, 10], ticks: [5, 10] });
  });

  it('has no axis without a positive finite value (a log scale cannot show 0, negatives or infinities)', () => {
    expect(logAxis([])).toBeNull();
    expect(logAxis([0, -1, Number.NaN, Number.POSITIVE_INFINITY])).toBeNull();
  });
});
