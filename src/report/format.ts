import type { Estimate } from '../core/result-schema.js';

/**
 * Number and markdown formatting for reports. Everything here is pure and locale-free: no Intl, no toLocaleString,
 * so a report renders to the same bytes on every machine.
 */

export type TimeUnit = 'µs' | 'ms' | 's';

const US_PER_MS = 1_000;
const US_PER_S = 1_000_000;
/** Above this, seconds read better than thousands of milliseconds. */
const SECONDS_FROM_US = 10 * US_PER_S;

/** The unit a latency (or latency difference, by magnitude) is shown in: µs under 1 ms, ms up to 10 s, s above. */
export function chooseTimeUnit(us: number): TimeUnit {
  const abs = Math.abs(us);
  // Decide on the rounded value, so 999.6 µs shows as "1.00 ms", not "1000 µs".
  if (Math.round(abs) < US_PER_MS) return 'µs';
  if (abs <= SECONDS_FROM_US) return 'ms';
  return 's';
}

/** The number alone, in the given unit: whole µs, or ms/s with 2 decimals. */
export function formatMicrosIn(us: number, unit: TimeUnit): string {
  switch (unit) {
    case 'µs':
      return fixed(us, 0);
    case 'ms':
      return fixed(us / US_PER_MS, 2);
    case 's':
      return fixed(us / US_PER_S, 2);
  }
}

/** A latency given in microseconds, in a readable unit: `412 µs`, `1.23 ms`, `12.35 s`. */
export function formatMicros(us: number): string {
  const unit = chooseTimeUnit(us);
  return `${formatMicrosIn(us, unit)} ${unit}`;
}

/** A latency difference with its sign: `+35 µs`, `-1.20 ms`, `0 µs`. */
export function formatSignedMicros(us: number): string {
  const unit = chooseTimeUnit(us);
  return `${signed(formatMicrosIn(us, unit))} ${unit}`;
}

/** A median with its 95% interval, the bounds in the value's unit: `412 µs [398–431]`. */
export function formatMicrosEstimate(e: Estimate): string {
  const unit = chooseTimeUnit(e.value);
  const [lo, hi] = e.ci95.map((x) => formatMicrosIn(x, unit));
  return `${formatMicrosIn(e.value, unit)} ${unit} [${lo}–${hi}]`;
}

/** A signed difference with its interval: `+35 µs [+20, +50]` (a comma, because an en dash between signs misreads). */
export function formatDeltaEstimate(e: Estimate): string {
  const unit = chooseTimeUnit(e.value);
  const lo = signed(formatMicrosIn(e.ci95[0], unit));
  const hi = signed(formatMicrosIn(e.ci95[1], unit));
  return `${signed(formatMicrosIn(e.value, unit))} ${unit} [${lo}, ${hi}]`;
}

/** Requests per second: whole numbers from 100 up, one decimal from 10, two below. */
export function formatRate(perSecond: number): string {
  return `${formatRateNumber(perSecond)} req/s`;
}

/** Throughput with its interval: `9874 req/s [9850–9901]`. */
export function formatRateEstimate(e: Estimate): string {
  const digits = rateDigits(e.value);
  return `${fixed(e.value, digits)} req/s [${fixed(e.ci95[0], digits)}–${fixed(e.ci95[1], digits)}]`;
}

function formatRateNumber(perSecond: number): string {
  return fixed(perSecond, rateDigits(perSecond));
}

function rateDigits(x: number): number {
  const abs = Math.abs(x);
  return abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
}

/** A fraction as a percentage with one decimal: 0.0321 → `3.2%`. */
export function formatPercent(fraction: number): string {
  return `${fixed(fraction * 100, 1)}%`;
}

/** A p-value: `0.008`, `<0.001`. */
export function formatPValue(p: number): string {
  return p < 0.001 ? '<0.001' : fixed(p, 3);
}

/** Bytes in binary units: `15.5 GiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return i === 0 ? `${fixed(value, 0)} B` : `${fixed(value, 1)} ${units[i]}`;
}

/** Seconds as given in a scenario: `30 s`, `0.5 s`. */
export function formatSeconds(s: number): string {
  return `${trimNumber(s)} s`;
}

/** A number without trailing zeros or exponent noise for the sizes a scenario holds: 1000, 0.5, 2.25. */
export function trimNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return fixed(x, 6).replace(/0+$/, '').replace(/\.$/, '');
}

/** toFixed, without the `-0` that rounding a tiny negative number produces. */
function fixed(x: number, digits: number): string {
  const s = x.toFixed(digits);
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

function signed(s: string): string {
  if (s.startsWith('-')) return s;
  return /^0(\.0*)?$/.test(s) ? s : `+${s}`;
}

// ---- shell -------------------------------------------------------------------------------------------------------

export { shellQuote } from '../exec/shell-quote.js';

// ---- markdown ----------------------------------------------------------------------------------------------------

/** Text safe inside a markdown table cell: one line, pipes escaped. */
export function tableCell(text: string): string {
  return oneLine(text).replaceAll('|', '\\|');
}

/** Newlines (and runs of whitespace around them) collapsed to one space. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

/** A markdown table from a header and rows of already-formatted cells. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly ('l' | 'r')[],
): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(tableCell).join(' | ')} |`;
  const rule = `|${header.map((_, i) => (align?.[i] === 'r' ? '---:' : '---')).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** A fenced code block whose fence is longer than any backtick run inside, so any content survives. */
export function codeBlock(content: string, lang = ''): string {
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${lang}\n${body}${fence}`;
}

/** Inline code that survives backticks in its content. */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${oneLine(text)}${pad}${ticks}`;
}

/** Terminal colour and cursor sequences removed (kubectl and helm colour their output). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\u001b\][^\u0007]*\u0007/g, '');
}
