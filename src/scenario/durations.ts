/**
 * Units in scenario files: durations, sizes and fractions, as people write them.
 * Durations follow Go's time.ParseDuration (what fortio and k6 users already type), without ns and without a sign:
 * "250ms", "10s", "2m", "1m30s", "1.5s", "500us"/"500µs", "1h". A bare number is seconds.
 * Everything resolves to microsecond resolution, so 0.1 + 0.2-style float noise never reaches a result file.
 */

const MICROS_PER_UNIT = { h: 3_600_000_000, m: 60_000_000, s: 1_000_000, ms: 1_000, us: 1, µs: 1 } as const;
type DurationUnit = keyof typeof MICROS_PER_UNIT;

/** One `<number><unit>` term; `ms` is tried before `m` so "250ms" is not read as 250 minutes and a stray "s". */
const DURATION_TERM = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs)/y;

export const DURATION_EXAMPLES = '"250ms", "10s", "2m", "1m30s" or a number of seconds';
export const SIZE_EXAMPLES = '"512B", "1KiB", "2MiB", "1kB", "1MB" or a whole number of bytes';
export const FRACTION_EXAMPLES = 'a fraction from 0 to 1 (e.g. 0.001) or a percentage (e.g. "0.1%")';

/** Seconds, rounded to the microsecond. Throws RangeError for anything else, e.g. "10 seconds" or "-1s". */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw invalid('duration', value, DURATION_EXAMPLES);
    return Math.round(value * 1e6) / 1e6;
  }
  const text = value.trim();
  if (text === '') throw invalid('duration', value, DURATION_EXAMPLES);
  let micros = 0;
  let position = 0;
  let previousSize = Number.POSITIVE_INFINITY;
  while (position < text.length) {
    DURATION_TERM.lastIndex = position;
    const term = DURATION_TERM.exec(text);
    if (!term) throw invalid('duration', value, DURATION_EXAMPLES);
    const size = MICROS_PER_UNIT[term[2] as DurationUnit];
    // Largest unit first, each once: "30s1m" or "1s1s" is far more likely a typo than intended.
    if (size >= previousSize) throw invalid('duration', value, DURATION_EXAMPLES);
    previousSize = size;
    micros += Number(term[1]) * size;
    position = DURATION_TERM.lastIndex;
  }
  return Math.round(micros) / 1e6;
}

/** Compact text for a duration in seconds, read back unchanged by parseDuration: 90 → "1m30s", 0.25 → "250ms". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`cannot format duration ${seconds}`);
  const micros = Math.round(seconds * 1e6);
  if (micros === 0) return '0s';
  if (micros < 1_000) return `${micros}µs`;
  if (micros < 1_000_000) return `${micros / 1_000}ms`;
  const hours = Math.floor(micros / MICROS_PER_UNIT.h);
  const minutes = Math.floor((micros % MICROS_PER_UNIT.h) / MICROS_PER_UNIT.m);
  const restMicros = micros % MICROS_PER_UNIT.m;
  return (hours ? `${hours}h` : '') + (minutes ? `${minutes}m` : '') + (restMicros ? `${restMicros / 1e6}s` : '');
}

const BYTES_PER_UNIT = { B: 1, kB: 1_000, KiB: 1_024, MB: 1_000_000, MiB: 1_048_576 } as const;
type SizeUnit = keyof typeof BYTES_PER_UNIT;
const SIZE = /^(\d+(?:\.\d+)?)\s*(B|kB|KiB|MB|MiB)$/;

/**
 * Whole bytes. Units are case-sensitive on purpose: "KB" and "mb" are ambiguous (1000 or 1024?), so they are
 * rejected rather than guessed. A size that is not a whole number of bytes ("0.3KiB") is rejected too.
 */
export function parseSize(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw invalid('size', value, SIZE_EXAMPLES);
    return value;
  }
  const match = SIZE.exec(value.trim());
  if (!match) throw invalid('size', value, SIZE_EXAMPLES);
  const bytes = Number(match[1]) * BYTES_PER_UNIT[match[2] as SizeUnit];
  // Decimal units with fractions ("1.5kB") can land a hair off an integer in binary floating point.
  const rounded = Math.round(bytes);
  if (Math.abs(bytes - rounded) > 1e-6 || !Number.isSafeInteger(rounded)) throw invalid('size', value, SIZE_EXAMPLES);
  return rounded;
}

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** A fraction in [0, 1] from either 0.001 or "0.1%". Numbers above 1 are rejected, not read as percentages. */
export function parsePercentOrFraction(value: string | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0 || value > 1) throw invalid('fraction', value, FRACTION_EXAMPLES);
    return value;
  }
  const match = PERCENT.exec(value.trim());
  if (!match) throw invalid('fraction', value, FRACTION_EXAMPLES);
  // Shift the decimal point in the text, so "0.1%" is exactly 0.001 rather than 0.1 / 100.
  const fraction = Number(`${match[1]}e-2`);
  if (fraction > 1) throw invalid('fraction', value, FRACTION_EXAMPLES);
  return fraction;
}

function invalid(kind: string, value: string | number, examples: string): RangeError {
  return new RangeError(`invalid ${kind} ${JSON.stringify(value)}: expected ${examples}`);
}
