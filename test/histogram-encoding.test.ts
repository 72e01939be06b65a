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
