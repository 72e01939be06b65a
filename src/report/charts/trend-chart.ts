import type { ChartSpec } from './render-svg.js';
import { renderSvg } from './render-svg.js';
import { CHART_CONFIG, CHART_HEIGHT, CHART_WIDTH, seriesColours, seriesShapes } from './chart-style.js';

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
const DENSE_POINTS = 40;

interface TrendRow {
  system: string;
  date: string;
  value: number;
  low: number | null;
  high: number | null;
}

/**
 * A value over time, one line per system, with its interval where known (for `bench history`). Points and bars carry
 * no aria label (a year of nightlies is thousands of them; the history table has the numbers), the lines do. Dates are placed on
 * a UTC time axis and labelled in UTC, so the picture does not depend on the machine's time zone. Points are kept in
 * the order of their dates whatever order the caller gives them.
 */
export function trendChartSpec(series: readonly TrendSeries[], labels: TrendLabels): ChartSpec {
  const rows: TrendRow[] = series.flatMap((s) =>
    [...s.points]
      .sort((a, b) => Date.parse(a.date) - Date.parse(b.date))
      .map((p) => ({
        system: s.system,
        date: new Date(Date.parse(p.date)).toISOString(),
        value: p.value,
        low: p.low !== undefined && p.high !== undefined ? p.low : null,
        high: p.low !== undefined && p.high !== undefined ? p.high : null,
      })),
  );
  const names = series.map((s) => s.system);
  // Past a few dozen runs per line, full-size points and bars merge into a band: draw them small and faint.
  const dense = Math.max(0, ...series.map((s) => s.points.length)) > DENSE_POINTS;
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
    layer: [
      {
        transform: [{ filter: 'datum.low !== null && datum.high !== null' }],
        mark: { type: 'rule', strokeWidth: dense ? 1 : 1.5, opacity: dense ? 0.4 : 0.7, aria: false },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        mark: { type: 'line', point: false },
        encoding: { y: { field: 'value', type: 'quantitative', title: labels.yTitle } },
      },
      {
        mark: { type: 'point', filled: true, size: dense ? 12 : 50, aria: false },
        encoding: {
          y: { field: 'value', type: 'quantitative' },
          shape: { field: 'system', type: 'nominal', title: 'system', scale: seriesShapes(names) },
        },
      },
    ],
  };
}

export async function trendChartSvg(series: readonly TrendSeries[], labels: TrendLabels): Promise<string> {
  return renderSvg(trendChartSpec(series, labels));
}
