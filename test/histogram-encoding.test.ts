import { describe, expect, it } from 'vitest';
import {
  createLatencyHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  recordMicros,
  summarize,
} from '../src/analysis/histogram.js';

describe('latency histograms', () => {
  it('keep microsecond resolution for sub-millisecond latencies', () => {
    const h = createLatencyHistogram();
    for (const us of [32, 33, 56, 57]) recordMicros(h, us);
    const s = summarize(h);
    expect(s.p50Us).toBe(33);
    expect(s.maxUs).toBe(57);
    expect(s.minUs).toBe(32);
  });

  it('read every reported percentile at its own rank (1…1000 µs: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999)', () => {
    const h = createLatencyHistogram();
    for (let us = 1000; us >= 1; us--) recordMicros(h, us);
    expect(summarize(h)).toMatchObject({ count: 1000, minUs: 1, p50Us: 500, p90Us: 900, p99Us: 990, p999Us: 999, maxUs: 1000 });
    expect(summarize(h).meanUs).toBeCloseTo(500.5, 6);
  });

  it('round fractional microseconds to the nearest', () => {
    const h = createLatencyHistogram();
    recordMicros(h, 41.6);
    expect(summarize(h).maxUs).toBe(42);
  });

  it('survive an encode/decode round trip unchanged', () => {
    const h = createLatencyHistogram();
    for (let i = 1; i <= 10_000; i++) recordMicros(h, i * 7);
    const back = decodeHistogram(encodeHistogram(h));
    expect(summarize(back)).toEqual(summarize(h));
  });

  it('merge by adding counts, so percentiles of the merge come from all values', () => {
    const a = createLatencyHistogram();
    const b = createLatencyHistogram();
    for (let i = 0; i < 90; i++) recordMicros(a, 100);
    for (let i = 0; i < 10; i++) recordMicros(b, 5000);
    const m = mergeHistograms([a, b]);
    const s = summarize(m);
    expect(s.count).toBe(100);
    expect(s.p50Us).toBe(100);
    expect(s.p99Us).toBeGreaterThanOrEqual(4995);
    expect(s.meanUs).toBeCloseTo(590, 0);
  });

  it('clamp values above 60 s to the top instead of throwing', () => {
    const h = createLatencyHistogram();
    recordMicros(h, 90_000_000);
    expect(summarize(h).maxUs).toBeGreaterThanOrEqual(59_900_000);
  });

  it('summarize an empty histogram as zeros', () => {
    expect(summarize(createLatencyHistogram()).count).toBe(0);
  });
});
