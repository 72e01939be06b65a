import asciichart from 'asciichart';
import { formatMicros } from './format.js';

/**
 * Latency-by-step line charts as plain text, for a fenced block in the markdown report.
 *
 * asciichart draws every series with the same box characters, which only colour tells apart, and a report has no
 * colour. So each series is plotted on its own with one marker letter (same bounds, so the axes are identical), and the
 * plots are laid over each other: a cell two series share shows `*`. Points are spaced evenly by step, joined by
 * straight lines (in the plotted scale) where the caller says the steps belong together; a point on its own is a short
 * flat mark, and a missing value leaves a gap.
 */

export interface ChartSeries {
  /** One character, unique among the series. */
  marker: string;
  /** One value per x position, microseconds; null where there is nothing to plot. */
  values: readonly (number | null)[];
}

export interface ChartInput {
  /** Tick label per x position. */
  xLabels: readonly string[];
  /** Whether point i is joined to point i + 1 by a line (default: all joined). */
  joined?: readonly boolean[];
  series: readonly ChartSeries[];
  /** Rows of the plot area minus one. */
  height?: number;
}

export interface Chart {
  text: string;
  /** The y axis is log10 of microseconds, because the values span more than two decades. */
  logScale: boolean;
}

const DEFAULT_HEIGHT = 12;
const AXIS = '┤';
const OVERLAP = '*';
/** A log axis once max ÷ min exceeds two decades. */
const LOG_SCALE_SPAN = 100;
/** Columns of a point not joined to the next. */
const MARK_WIDTH = 3;
/** Columns after the last point: its mark, plus the one asciichart needs to draw the mark's last column. */
const LAST_SPAN = MARK_WIDTH + 1;

/** The chart, or null when no series has a value. */
export function renderChart(input: ChartInput): Chart | null {
  const present = input.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (present.length === 0) return null;
  const lowest = Math.max(1, Math.min(...present));
  const highest = Math.max(...present);
  const logScale = highest / lowest > LOG_SCALE_SPAN;
  const toPlot = (us: number): number => (logScale ? Math.log10(Math.max(1, us)) : us);
  const fromPlot = (y: number): number => (logScale ? 10 ** y : y);

  const points = input.xLabels.length;
  const segment = Math.max(10, ...input.xLabels.map((l) => l.length + 3));
  const min = toPlot(Math.min(...present));
  const max = toPlot(highest);
  const labelWidth = 11;
  const config = {
    min,
    max,
    height: input.height ?? DEFAULT_HEIGHT,
    format: (y: number) => formatMicros(fromPlot(y)).padStart(labelWidth),
  };

  const plots = input.series.map((s) => {
    const plotted = input.xLabels.map((_, i) => {
      const v = s.values[i] ?? null;
      return v === null ? null : toPlot(v);
    });
    const { values, shown } = columns(plotted, input.joined ?? [], segment, min);
    const m = s.marker;
    const text = asciichart.plot(values, { ...config, symbols: [AXIS, AXIS, ' ', ' ', m, m, m, m, m, m] });
    return text.split('\n').map((row) => {
      const axisAt = row.indexOf(AXIS);
      const cells = [...row.slice(axisAt + 1)].map((ch, c) => (shown[c] ? ch : ' '));
      return { prefix: row.slice(0, axisAt + 1), cells };
    });
  });

  const first = plots[0];
  if (!first) return null;
  const rows = first.map((row, r) => {
    const cells = row.cells.map((_, c) => {
      const marks = new Set(plots.map((p) => p[r]?.cells[c] ?? ' ').filter((ch) => ch !== ' '));
      return marks.size === 0 ? ' ' : marks.size === 1 ? [...marks][0] : OVERLAP;
    });
    return `${row.prefix}${cells.join('')}`.trimEnd();
  });

  const axisColumn = first[0]?.prefix.length ?? 0;
  const width = (points - 1) * segment + LAST_SPAN;
  const ticks = Array.from({ length: points }, (_, i) => i * segment);
  const baseline = [...'─'.repeat(width)].map((ch, c) => (ticks.includes(c) ? '┬' : ch)).join('');
  rows.push(`${' '.repeat(axisColumn - 1)}└${baseline}`);
  rows.push(tickLabels(input.xLabels, ticks.map((t) => axisColumn + t)));
  return { text: rows.join('\n'), logScale };
}

/**
 * The columns asciichart plots for one series: point i at column i × segment, straight lines to the next point where
 * joined, else a short flat mark. asciichart draws column c as the move from c to c + 1, so the last point gets one
 * spare column. `shown[c]` is false where a gap must stay blank; hidden columns carry the nearest value so nothing
 * jumps.
 */
function columns(points: readonly (number | null)[], joined: readonly boolean[], segment: number, filler: number) {
  const values: number[] = [];
  const shown: boolean[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i] ?? null;
    const last = i === points.length - 1;
    const b = !last && (joined[i] ?? true) ? (points[i + 1] ?? null) : null;
    const span = last ? LAST_SPAN : segment;
    for (let k = 0; k < span; k++) {
      if (a !== null && b !== null) {
        values.push(a + ((b - a) * k) / segment);
        shown.push(true);
      } else {
        values.push(a ?? values[values.length - 1] ?? filler);
        shown.push(a !== null && k < MARK_WIDTH);
      }
    }
  }
  return { values, shown };
}

/** Labels centred under their tick, pushed right when they would touch the previous one. */
function tickLabels(labels: readonly string[], at: readonly number[]): string {
  let line = '';
  labels.forEach((label, i) => {
    const centre = at[i] ?? 0;
    const start = Math.max(centre - Math.floor(label.length / 2), line.length === 0 ? 0 : line.length + 2);
    line = `${line.padEnd(start)}${label}`;
  });
  return line.trimEnd();
}
