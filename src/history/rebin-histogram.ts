import * as hdr from 'hdr-histogram-js';
import { decodeHistogram } from '../analysis/histogram.js';
import { HISTOGRAM_HIGHEST_US, HISTOGRAM_LOWEST_US, type EncodedHistogram } from '../core/result-schema.js';

/**
 * The same latencies at fewer significant digits: every count lands in the coarser bucket holding its value, so the
 * total stays exact and each value moves by less than 10^-digits of itself. hdr-histogram-js `add` records each value
 * of a histogram with another bucket layout at its own value (JsHistogram.add), and a decoded record is read back
 * into the results' 3-digit layout by decodeHistogram like any other.
 */
export function rebinHistogram(encoded: EncodedHistogram, significantDigits: number): EncodedHistogram {
  const coarse = hdr.build({
    bitBucketSize: 64,
    autoResize: false,
    lowestDiscernibleValue: HISTOGRAM_LOWEST_US,
    highestTrackableValue: HISTOGRAM_HIGHEST_US,
    numberOfSignificantValueDigits: significantDigits as 1 | 2 | 3 | 4 | 5,
    useWebAssembly: false,
  });
  coarse.add(decodeHistogram(encoded));
  return { encoding: 'hdr-compressed-base64', unit: 'us', data: hdr.encodeIntoCompressedBase64(coarse) };
}
