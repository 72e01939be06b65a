import { formatBytes, formatMicros, formatRate } from '../report/format.js';
import type { CompareRow } from './compare-report.js';

/**
 * Values and changes of compare rows in words: µs/ms for latency, req/s, binary bytes, cores. Pure and locale-free
 * (src/report/format.ts), so the markdown is the same bytes on every machine.
 */
export function formatValue(x: number, unit: CompareRow['unit']): string {
  switch (unit) {
    case 'us':
      return formatMicros(x);
    case 'req/s':
      return formatRate(x);
    case 'bytes':
      return formatBytes(x);
    case 'cores':
      return `${fixed(x, 3)} cores`;
  }
}

/** A change with its sign (`+120 µs`, `-1.5 MiB`); `signed = false` for a magnitude (a threshold, a floor). */
export function formatChange(x: number, unit: CompareRow['unit'], signed = true): string {
  const text = formatValue(Math.abs(x), unit);
  if (!signed) return text;
  return x > 0 ? `+${text}` : x < 0 ? `-${text}` : text;
}

/** 0.123 → `+12.3%`; `signed = false` → `12.3%`. */
export function formatFraction(f: number, signed = true): string {
  const text = `${fixed(Math.abs(f) * 100, 1)}%`;
  if (!signed) return text;
  return f > 0 && text !== '0.0%' ? `+${text}` : f < 0 && text !== '0.0%' ? `-${text}` : text;
}

function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}
