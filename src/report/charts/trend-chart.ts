import type { ChartSpec } from './render-svg.js';
import { renderSvg } from './render-svg.js';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, DATA_MARK, seriesColours, seriesShapes } from './chart-style.js';

/** One point of a history: a run's date (ISO 8601, read as UTC) and a value in the unit the labels name. */
export interface TrendPoint {
  date: string;
  value: number;
  /** A 95% interval around the value, drawn as a bar when both ends are given. */
  low?: number;
  high?: number;
}

export interface TrendSeries {
  system: string;
  points: readonly TrendPoint[];
}

export interface TrendLabels {
  /** The chart's title, e.g. `Added p99 at 1000 req/s`. */
  title: string;
  /** The y axis title with its unit, e.g. `added p99 (ms)`. */
  yTitle: string;
}

const DAY_MS = 86_400_000;
/**
 * A history chart is rewritten by every night's commit, and each run it draws adds to it: a point and an interval bar
 * per system cost about 150 bytes, so a year of nine systems made each chart about 680 KB. It draws the newest
 * TREND_RUNS run dates (a year of nightlies; older runs stay in the README's table) as lines, which cost about ten
 * bytes per run, and the points and interval bars of the newest TREND_MARKED_RUNS only: about 100 KB a chart at most.
 */
export const TREND_RUNS = 365;
export const TREND_MARKED_RUNS = 30;
/** Past a few dozen runs on the axis, full-size points and bars merge into a band: they are drawn small and faint. */
const DENSE_RUNS = 40;

interface TrendRow {
  system: string;
  date: string;
  value: number;
  low: number | null;
  high: number | null;
  /** Among the newest TREND_MARKED_RUNS dates: drawn with its point and interval bar. */
  marked: boolean;
}

/**
 * A value over time, one line per system, with its interval where known (for `bench history`). No data mark carries an
 * aria label (chart-style.ts, DATA_MARK: the history table has the numbers). Dates are placed on a UTC time axis and labelled in
 * UTC, so the picture does not depend on the machine's time zone. Points are kept in the order of their dates whatever
 * order the caller gives them. Only the newest TREND_RUNS run dates are drawn, with points and bars on the newest
 * TREND_MARKED_RUNS (trendWindow).
 */
export function trendChartSpec(series: readonly TrendSeries[], labels: TrendLabels): ChartSpec {
  const window = trendWindow(series);
  const rows: TrendRow[] = series.flatMap((s) =>
    [...s.points]
      .filter((p) => Date.parse(p.date) >= window.from)
      .sort((a, b) => Date.parse(a.date) - Date.parse(b.date))
      .map((p) => ({
        system: s.system,
        date: new Date(Date.parse(p.date)).toISOString(),
        value: p.value,
        low: p.low !== undefined && p.high !== undefined ? p.low : null,
        high: p.low !== undefined && p.high !== undefined ? p.high : null,
        marked: Date.parse(p.date) >= window.markedFrom,
      })),
  );
  const names = series.map((s) => s.system);
  const dense = new Set(rows.map((row) => row.date)).size > DENSE_RUNS;
  const x = {
    field: 'date',
    type: 'temporal' as const,
    title: 'run date (UTC)',
    scale: { type: 'utc' as const, nice: 'day' as const },
    // On a utc scale Vega formats the ticks with utcFormat (https://vega.github.io/vega/docs/scales/#time; vega-scale's
    // tickFormat), whatever the machine's time zone; runs are nightly,
    // so ticks are at least a day apart (tickMinStep is in domain units: milliseconds), never the same date twice.
    axis: { format: '%Y-%m-%d', labelAngle: -30, labelOverlap: true, tickMinStep: DAY_MS },
  };
  const color = { field: 'system', type: 'nominal' as const, title: 'system', scale: seriesColours(names) };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: labels.title,
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    config: CHART_CONFIG,
    data: { values: rows },
    encoding: { x, color },
    // The bars' and points' transparency is that of their one paint (stroke, fill), not an `opacity` (which SVG
    // does not inherit): the same picture, said once on the mark's group (render-svg.ts, sharedMarkStyles).
    layer: [
      {
        transform: [{ filter: 'datum.marked && datum.low !== null && datum.high !== null' }],
        mark: { type: 'rule', strokeWidth: dense ? 1 : 1.5, strokeOpacity: dense ? 0.4 : 0.7, ...DATA_MARK },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        mark: { type: 'line', point: false, ...DATA_MARK },
        encoding: { y: { field: 'value', type: 'quantitative', title: labels.yTitle } },
      },
      {
        transform: [{ filter: 'datum.marked' }],
        mark: { type: 'point', filled: true, size: dense ? 12 : 50, opacity: 1, fillOpacity: 0.7, ...DATA_MARK },
        encoding: {
          y: { field: 'value', type: 'quantitative' },
          shape: { field: 'system', type: 'nominal', title: 'system', scale: seriesShapes(names) },
        },
      },
    ],
  };
}

/**
 * The oldest run date drawn (of the newest TREND_RUNS distinct dates) and the oldest with points and bars (of the
 * newest TREND_MARKED_RUNS), in milliseconds; every date when there are fewer.
 */
export function trendWindow(series: readonly TrendSeries[]): { from: number; markedFrom: number } {
  const dates = [...new Set(series.flatMap((s) => s.points.map((p) => Date.parse(p.date))))].sort((a, b) => b - a);
  const oldest = (n: number): number => dates[Math.min(n, dates.length) - 1] ?? -Infinity;
  return { from: oldest(TREND_RUNS), markedFrom: oldest(TREND_MARKED_RUNS) };
}

export async function trendChartSvg(series: readonly TrendSeries[], labels: TrendLabels): Promise<string> {
  return renderSvg(trendChartSpec(series, labels));
}
