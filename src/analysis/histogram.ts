import * as hdr from 'hdr-histogram-js';
import {
  HISTOGRAM_HIGHEST_US,
  HISTOGRAM_LOWEST_US,
  HISTOGRAM_SIGNIFICANT_DIGITS,
  type EncodedHistogram,
  type LatencyRecord,
  type LatencySummary,
} from '../core/result-schema.js';

/**
 * Latency histograms in microseconds: 1 µs … 60 s at 3 significant digits, as every result stores them.
 * Values above the top are clamped (and counted by the caller as timeouts long before that).
 */
export type LatencyHistogram = hdr.Histogram;

export function createLatencyHistogram(): LatencyHistogram {
  return hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: HISTOGRAM_SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

/** Records one latency given in (fractional) microseconds, rounded to the nearest microsecond. */
export function recordMicros(h: LatencyHistogram, us: number): void {
  // Stryker disable next-line EqualityOperator: at exactly 0 or exactly the top, clamping and rounding record the same value.
  const v = us < 0 ? 0 : us > HISTOGRAM_HIGHEST_US ? HISTOGRAM_HIGHEST_US : Math.round(us);
  h.recordValue(v);
}

export function encodeHistogram(h: LatencyHistogram): EncodedHistogram {
  return { encoding: 'hdr-compressed-base64', unit: 'us', data: hdr.encodeIntoCompressedBase64(h) };
}

export function decodeHistogram(e: EncodedHistogram): LatencyHistogram {
  const decoded = hdr.decodeFromCompressedBase64(e.data, 64, false);
  // Decoded histograms take the encoded range; copy into our standard shape so merges never resize.
  const h = createLatencyHistogram();
  h.add(decoded);
  return h;
}

/**
 * The same latencies at fewer significant digits: every count moves to the coarser bucket holding its bucket's lowest
 * value (hdr-histogram-js `add` across layouts, JsHistogram.add), so the total stays exact and each value moves by less
 * than 10^-digits of itself. Buckets of every precision start at powers of two times their width, so a coarse bucket's
 * lowest value opens a fine bucket too: coarsening, decoding into the standard layout and coarsening again gives the
 * same counts (the compact record's histograms read back to the charts drawn from the full results).
 */
export function coarsenHistogram(h: LatencyHistogram, significantDigits: 1 | 2): LatencyHistogram {
  const coarse = hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: significantDigits,
    useWebAssembly: false,
  });
  coarse.add(h);
  return coarse;
}

export function mergeHistograms(parts: readonly LatencyHistogram[]): LatencyHistogram {
  const out = createLatencyHistogram();
  for (const p of parts) out.add(p);
  return out;
}

export function summarize(h: LatencyHistogram): LatencySummary {
  const count = h.totalCount;
  // Stryker disable next-line ConditionalExpression,BlockStatement: hdr-histogram-js reports 0 for the mean, the
  // standard deviation and every percentile of an empty histogram; the early return only spells that contract out.
  if (count === 0) {
    return { count: 0, minUs: 0, meanUs: 0, stdevUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 };
  }
  return {
    count,
    minUs: h.getValueAtPercentile(0),
    meanUs: round3(h.mean),
    stdevUs: round3(h.stdDeviation),
    p50Us: h.getValueAtPercentile(50),
    p90Us: h.getValueAtPercentile(90),
    p99Us: h.getValueAtPercentile(99),
    p999Us: h.getValueAtPercentile(99.9),
    // The bucket's top, not the raw max: a decoded histogram only knows buckets, and summaries must not change on re-merge.
    maxUs: h.getValueAtPercentile(100),
  };
}

export function toLatencyRecord(h: LatencyHistogram): LatencyRecord {
  return { summary: summarize(h), histogram: encodeHistogram(h) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
