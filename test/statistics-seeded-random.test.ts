import { describe, expect, it } from 'vitest';
import { createRandom, deriveSeed } from '../src/analysis/random.js';

function draw(seed: number, n: number): number[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random());
}

describe('seeded random source', () => {
  it('gives the same sequence for the same seed', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
  });

  it('gives different sequences for different seeds, including neighbouring and very large ones', () => {
    expect(draw(1, 10)).not.toEqual(draw(2, 10));
    expect(draw(0, 10)).not.toEqual(draw(2 ** 32, 10));
    expect(draw(-1, 10)).not.toEqual(draw(2 ** 32 - 1, 10));
  });

  it('keeps its first outputs (changing them would change every saved interval and Monte Carlo p-value)', () => {
    // Regression values of sfc32 seeded through splitmix32, 15 outputs discarded (src/analysis/random.ts).
    expect(draw(42, 3)).toEqual([0.2072944741230458, 0.6512069271411747, 0.9914641629438847]);
  });

  it('draws in [0, 1) with a mean near 1/2', () => {
    const values = draw(7, 100_000);
    expect(values.every((x) => x >= 0 && x < 1)).toBe(true);
    // Uniform mean 1/2, standard error sqrt(1/12 / 1e5) ≈ 0.0009; 0.005 is more than 5 standard errors.
    const mean = values.reduce((s, x) => s + x, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.005);
  });

  it('fills ten equal bins evenly', () => {
    const bins = new Array<number>(10).fill(0);
    for (const x of draw(11, 100_000)) bins[Math.floor(x * 10)]! += 1;
    // 10 000 expected per bin, standard deviation sqrt(1e5 × 0.1 × 0.9) ≈ 95; ±500 is over 5 deviations.
    for (const count of bins) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('rejects seeds that are not safe integers', () => {
    expect(() => createRandom(1.5)).toThrow(RangeError);
    expect(() => createRandom(Number.NaN)).toThrow(RangeError);
  });
});

describe('derived seeds', () => {
  it('are reproducible and differ by label and by seed', () => {
    expect(deriveSeed(42, 'median:p50Us')).toBe(deriveSeed(42, 'median:p50Us'));
    expect(deriveSeed(42, 'median:p50Us')).not.toBe(deriveSeed(42, 'median:p90Us'));
    expect(deriveSeed(42, 'median:p50Us')).not.toBe(deriveSeed(43, 'median:p50Us'));
  });

  it('are 32-bit unsigned integers usable as seeds', () => {
    const seed = deriveSeed(2 ** 40 + 3, 'x');
    expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    expect(() => createRandom(seed)).not.toThrow();
  });
});
