import { describe, expect, it } from 'vitest';
import { tCdf, tQuantile } from '../src/analysis/t-quantile.js';

describe('Student t quantiles for the noise floor', () => {
  it('match tabled values to the table’s three decimals', () => {
    // Any t table, e.g. NIST/SEMATECH e-Handbook §1.3.6.7.2 (upper critical values).
    const tabled: [p: number, df: number, t: number][] = [
      [0.995, 2, 9.925],
      [0.995, 4, 4.604],
      [0.975, 2, 4.303],
      [0.995, 9, 3.25],
      [0.975, 30, 2.042],
      [0.975, 1, 12.706],
      [0.95, 5, 2.015],
    ];
    for (const [p, df, t] of tabled) expect(Math.abs(tQuantile(p, df) - t), `t(${p}, ${df})`).toBeLessThan(6e-4);
  });

  it('agree with the closed forms for 1 and 2 df at any p, are symmetric, and tend to the normal quantile', () => {
    for (const p of [0.6, 0.9, 0.995, 0.9995]) {
      expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 6);
      expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) * Math.sqrt(2 / (4 * p * (1 - p))), 6);
      expect(tQuantile(1 - p, 7)).toBeCloseTo(-tQuantile(p, 7), 9);
      expect(tCdf(tQuantile(p, 3.5), 3.5)).toBeCloseTo(p, 9);
    }
    // z(0.995) = 2.5758 (simple-statistics' probit approximation reads 2.5692 there, so not used as the reference).
    expect(tQuantile(0.995, 1e6)).toBeCloseTo(2.5758, 3);
  });

  it('refuses a probability outside (0, 1) and fewer than 1 degree of freedom', () => {
    expect(() => tQuantile(1, 4)).toThrow(/0 < p < 1/);
    expect(() => tQuantile(0.975, 0)).toThrow(/at least 1/);
  });
});
