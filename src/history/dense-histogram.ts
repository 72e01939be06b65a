import * as hdr from 'hdr-histogram-js';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * A record's merged histogram on disk (record schema 4): the same counts at the same HdrHistogram indices, written
 * denser than HdrHistogram's own compressed encoding. HdrHistogram V2 stores each count (ZigZag LEB128, zero runs
 * collapsed) and deflates that; a latency histogram is smooth, so the difference between neighbouring counts is
 * small and repeats, and deflate shrinks those differences about twice as well: 80 KB of a nightly's 112 merged
 * histograms become about 45 KB. What is stored: varints of the layout (lowest and highest trackable value,
 * significant digits), the first index holding a count, then the ZigZag varint difference of each count from the one
 * before, up to the last count; deflated (raw), base64.
 *
 * Exact by construction: denseFromHdr returns null unless hdrFromDense gives back the very string it was given, and
 * then the record keeps HdrHistogram's encoding (make-record.ts).
 */
export const DENSE_HISTOGRAM_ENCODING = 'hdr-counts-delta-deflate-base64';

type Digits = 1 | 2 | 3 | 4 | 5;

/** The dense text of an HdrHistogram compressed-base64 string, or null when it would not read back to the same string. */
export function denseFromHdr(data: string): string | null {
  let h: ReturnType<typeof hdr.decodeFromCompressedBase64>;
  try {
    h = hdr.decodeFromCompressedBase64(data, 64, false);
  } catch {
    return null;
  }
  const layout = h as unknown as { lowestDiscernibleValue: number; highestTrackableValue: number; numberOfSignificantValueDigits: number; countsArrayLength: number; getCountAtIndex(i: number): number };
  const counts: number[] = [];
  for (let i = 0; i < layout.countsArrayLength; i++) counts.push(layout.getCountAtIndex(i));
  const first = counts.findIndex((c) => c > 0);
  let last = counts.length - 1;
  while (last >= 0 && counts[last] === 0) last--;
  const bytes: number[] = [];
  for (const v of [layout.lowestDiscernibleValue, layout.highestTrackableValue, layout.numberOfSignificantValueDigits, first < 0 ? 0 : first]) varint(bytes, v);
  let previous = 0;
  for (let i = Math.max(first, 0); first >= 0 && i <= last; i++) {
    const c = counts[i]!;
    varint(bytes, zigzag(c - previous));
    previous = c;
  }
  const text = deflateRawSync(Buffer.from(bytes), { level: 9 }).toString('base64');
  try {
    return hdrFromDense(text) === data ? text : null;
  } catch {
    return null;
  }
}

/** The HdrHistogram compressed-base64 string a dense text was made from. Throws an Error saying what is wrong. */
export function hdrFromDense(text: string): string {
  const bytes = inflateRawSync(Buffer.from(text, 'base64'));
  let at = 0;
  const next = (): number => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[at++];
      if (b === undefined) throw new Error('ends inside a number');
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
    }
  };
  const [lowest, highest, digits, first] = [next(), next(), next(), next()];
  if (digits < 1 || digits > 5) throw new Error(`names ${digits} significant digits (1 to 5)`);
  const h = hdr.build({ bitBucketSize: 64, autoResize: false, lowestDiscernibleValue: lowest, highestTrackableValue: highest, numberOfSignificantValueDigits: digits as Digits, useWebAssembly: false });
  let count = 0;
  for (let i = first; at < bytes.length; i++) {
    count += unzigzag(next());
    if (count < 0) throw new Error(`gives a negative count at index ${i}`);
    if (count > 0) h.recordValueWithCount((h as unknown as { valueFromIndex(i: number): number }).valueFromIndex(i), count);
  }
  return hdr.encodeIntoCompressedBase64(h);
}

function varint(out: number[], v: number): void {
  let x = v;
  while (x >= 0x80) {
    out.push((x % 0x80) | 0x80);
    x = Math.floor(x / 0x80);
  }
  out.push(x);
}

const zigzag = (v: number): number => (v >= 0 ? 2 * v : -2 * v - 1);
const unzigzag = (v: number): number => (v % 2 === 0 ? v / 2 : -(v + 1) / 2);
