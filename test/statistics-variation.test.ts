import { describe, expect, it } from 'vitest';
import { coefficientOfVariation } from '../src/analysis/variation.js';

describe('coefficient of variation', () => {
  it('is the sample standard deviation over the mean', () => {
    // [1,2,3,4]: mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; sample variance 5/3;
    // stdev √(5/3) ≈ 1.290994; CV ≈ 1.290994 / 2.5 ≈ 0.516398.
    expect(coefficientOfVariation([1, 2, 3, 4])).toBeCloseTo(0.516398, 6);
    // [90, 110]: mean 100; sample variance (100 + 100)/1 = 200; stdev ≈ 14.1421; CV ≈ 0.141421.
    expect(coefficientOfVariation([90, 110])).toBeCloseTo(0.141421, 6);
    // [1000, 1100, 900, 1000, 1000]: mean 1000; variance (0 + 10 000 + 10 000 + 0 + 0)/4 = 5000;
    // CV = √5000/1000 ≈ 0.0707107.
    expect(coefficientOfVariation([1000, 1100, 900, 1000, 1000])).toBeCloseTo(0.0707107, 6);
  });

  it('is 0 for identical values', () => {
    expect(coefficientOfVariation([100, 100, 100])).toBe(0);
  });

  it('is null with fewer than 2 values or a mean of 0', () => {
    expect(coefficientOfVariation([])).toBeNull();
    expect(coefficientOfVariation([5])).toBeNull();
    expect(coefficientOfVariation([-1, 1])).toBeNull();
    expect(coefficientOfVariation([0, 0])).toBeNull();
  });

  it('refuses non-finite values', () => {
    expect(() => coefficientOfVariation([1, Number.NaN])).toThrow(RangeError);
  });
});
