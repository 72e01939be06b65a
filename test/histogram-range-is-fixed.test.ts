import { describe, expect, it } from 'vitest';
import { createLatencyHistogram, recordMicros, summarize } from '../src/analysis/histogram.js';
import { HISTOGRAM_HIGHEST_US } from '../src/core/result-schema.js';

describe('latency histogram range', () => {
  it('refuses a raw value past 60 s instead of growing (recordMicros clamps before it gets there)', () => {
    const h = createLatencyHistogram();
    expect(() => h.recordValue(HISTOGRAM_HIGHEST_US * 10)).toThrow(/outside of histogram covered range/);
    recordMicros(h, HISTOGRAM_HIGHEST_US * 10);
    expect(h.totalCount).toBe(1);
  });

  it('records a negative latency (a clock step) as 0 µs', () => {
    const h = createLatencyHistogram();
    recordMicros(h, -5);
    recordMicros(h, -0.4);
    const s = summarize(h);
    expect(s.count).toBe(2);
    expect(s.minUs).toBe(0);
    expect(s.maxUs).toBe(0);
  });
});
