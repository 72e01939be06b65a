import { describe, expect, it } from 'vitest';
import { createRandom } from '../src/analysis/random.js';
import { RECORD_SIGNIFICANT_DIGITS, roundFigures, roundToOdd } from '../src/history/round-figures.js';

describe('the figures a compact record stores', () => {
  it('are rounded to odd, so a value just below a half-way point still prints as itself', () => {
    // Rounded to nearest at 6 digits, 1.2349996 becomes 1.23500 and then prints as 1.24.
    expect(Number((1.2349996).toPrecision(6)).toFixed(2)).toBe('1.24');
    expect(roundToOdd(1.2349996, 6)).toBe(1.23499);
    expect(roundToOdd(1.2349996, 6).toFixed(2)).toBe((1.2349996).toFixed(2));
    expect(roundToOdd(0.1234561, 6)).toBe(0.123457);
    expect(roundToOdd(-0.1234561, 6)).toBe(-0.123457);
    // Exact at the kept digits: unchanged.
    expect(roundToOdd(0.25, 6)).toBe(0.25);
    expect(roundToOdd(999.967, RECORD_SIGNIFICANT_DIGITS)).toBe(999.967);
  });

  it('keep integers, strings and structure as they are, and every value within 10^-6 of itself', () => {
    expect(roundFigures({ a: [43_282_525, 0.15842414879472927, null], b: 'x', c: true })).toEqual({ a: [43_282_525, 0.1584241, null], b: 'x', c: true });
    const random = createRandom(7);
    for (let i = 0; i < 20_000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 16 - 8);
      const r = roundToOdd(x);
      expect(Math.abs(r - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-6);
    }
  });

  it('print the same as the unrounded value at up to 5 significant digits, for 200 000 random values', () => {
    const random = createRandom(11);
    let checked = 0;
    for (let i = 0; i < 200_000; i++) {
      const x = random() * 10 ** Math.floor(random() * 12 - 6);
      const r = roundToOdd(x);
      for (let d = 1; d <= RECORD_SIGNIFICANT_DIGITS - 2; d++) {
        if (r.toPrecision(d) !== x.toPrecision(d)) throw new Error(`${x} → ${r} prints ${r.toPrecision(d)} instead of ${x.toPrecision(d)} at ${d} digits`);
        checked++;
      }
    }
    expect(checked).toBe(200_000 * (RECORD_SIGNIFICANT_DIGITS - 2));
  });
});
