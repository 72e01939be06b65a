import { describe, expect, it } from 'vitest';
import { TREND_MARKED_RUNS, TREND_RUNS, trendChartSpec, trendChartSvg, type TrendSeries } from '../src/report/charts/trend-chart.js';
import { axis, axisTicks, legendEntries, lineMarks, marksByLegend, titles, valueAt, wellFormed } from './helpers/svg-chart.js';

const series: TrendSeries[] = [
  {
    system: 'istio-ambient',
    points: [
      // Out of order on purpose: the chart orders by date.
      { date: '2026-11-23T02:00:00Z', value: 0.19, low: 0.17, high: 0.22 },
      { date: '2026-11-20T02:00:00Z', value: 0.21, low: 0.18, high: 0.25 },
      { date: '2026-11-21T02:00:00Z', value: 0.24, low: 0.2, high: 0.27 },
    ],
  },
  {
    system: 'linkerd',
    points: [
      { date: '2026-11-20T02:00:00Z', value: 0.45 },
      { date: '2026-11-21T02:00:00Z', value: 0.5, low: 0.4, high: 0.6 },
    ],
  },
];
const labels = { title: 'Added p99 at 1000 req/s', yTitle: 'added p99 (ms)' };

describe('the history trend chart', () => {
  it('is a well-formed SVG with the title, a UTC date axis and the y title it was given', async () => {
    const svg = await trendChartSvg(series, labels);
    wellFormed(svg);
    expect(titles(svg)).toEqual(['Added p99 at 1000 req/s']);
    const x = axis(svg, 'X');
    expect(x.title).toBe('run date (UTC)');
    // The axis is widened to whole days: from the first run's date to the day after the last run.
    expect(x.labels).toEqual(['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24']);
    expect(axis(svg, 'Y').title).toBe('added p99 (ms)');
  });

  it('draws one line per system, named in the legend, with a point per run and a bar per interval', async () => {
    const svg = await trendChartSvg(series, labels);
    expect(legendEntries(svg)).toEqual([{ title: 'system', labels: ['istio-ambient', 'linkerd'] }]);
    expect(lineMarks(svg).map((l) => l.series)).toEqual(['istio-ambient', 'linkerd']);
    expect(marksByLegend(svg, 'mark-symbol role-mark', 'path')).toEqual({ 'istio-ambient': 3, linkerd: 2 });
    // linkerd's first point has no interval: no bar for it.
    expect(marksByLegend(svg, 'mark-rule role-mark', 'line')).toEqual({ 'istio-ambient': 3, linkerd: 1 });
  });

  it('draws an interval bar from low to high', async () => {
    const rows = trendChartSpec(series, labels).data;
    expect(rows && 'values' in rows ? rows.values : null).toContainEqual({ system: 'linkerd', date: '2026-11-21T02:00:00.000Z', value: 0.5, low: 0.4, high: 0.6, marked: true });
    const svg = await trendChartSvg([{ system: 'linkerd', points: [{ date: '2026-11-21', value: 0.5, low: 0.4, high: 0.6 }] }], labels);
    // A vertical bar: Vega's x2="0" is SVG's default, left out (render-svg.ts).
    const bar = /<g class="mark-rule role-mark[^"]*"[^>]*><line transform="translate\(([\d.]+),([\d.]+)\)" y2="(-?[\d.]+)"/.exec(svg);
    const point = /<g class="mark-symbol role-mark[^"]*"[^>]*><path transform="translate\(([\d.]+),([\d.]+)\)"/.exec(svg);
    // The bar stands on the point's x and spans equal lengths above and below it (0.4 … 0.6 around 0.5).
    expect(bar?.[1]).toBe(point?.[1]);
    const [y0, length, yPoint] = [Number(bar?.[2]), Number(bar?.[3]), Number(point?.[2])];
    expect(y0 + length / 2).toBeCloseTo(yPoint, 0);
  });

  it('draws the newest year of runs as lines, points and bars on the newest month only, so a year of nights stays small', async () => {
    const day = (d: number): string => new Date(Date.UTC(2026, 0, 1) + d * 86_400_000).toISOString();
    const nights = (n: number): TrendSeries[] =>
      ['istio-ambient', 'linkerd'].map((system, i) => ({ system, points: Array.from({ length: n }, (_, d) => ({ date: day(d), value: 100 + 50 * i + (d % 7), low: 90 + 50 * i, high: 120 + 50 * i })) }));
    const long = nights(TREND_RUNS + 100);
    const rows = trendChartSpec(long, labels).data;
    const values = (rows && 'values' in rows ? rows.values : []) as Array<{ date: string; marked: boolean }>;
    const dates = [...new Set(values.map((r) => r.date))].sort();
    expect(dates).toHaveLength(TREND_RUNS);
    expect(dates[0]).toBe(day(100));
    expect([...new Set(values.filter((r) => r.marked).map((r) => r.date))].sort()).toEqual(dates.slice(-TREND_MARKED_RUNS));
    const svg = await trendChartSvg(long, labels);
    expect(marksByLegend(svg, 'mark-symbol role-mark', 'path')).toEqual({ 'istio-ambient': TREND_MARKED_RUNS, linkerd: TREND_MARKED_RUNS });
    expect(marksByLegend(svg, 'mark-rule role-mark', 'line')).toEqual({ 'istio-ambient': TREND_MARKED_RUNS, linkerd: TREND_MARKED_RUNS });
    // Lines cost a few bytes per run: a year and a quarter of nights is hardly more than a month and a half of them.
    const month = await trendChartSvg(nights(TREND_MARKED_RUNS + 15), labels);
    expect(Buffer.byteLength(svg)).toBeLessThan(2 * Buffer.byteLength(month));
  });

  it('orders each line by date whatever order the points came in', async () => {
    const svg = await trendChartSvg(series, labels);
    const line = lineMarks(svg).find((l) => l.series === 'istio-ambient');
    // Left to right: 20, 21 and 23 November, read against the axes (0.21, 0.24, 0.19 in date order).
    const xs = line?.points.map((p) => p.x) ?? [];
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    const y = axisTicks(svg, 'Y');
    expect(line?.points.map((p) => Math.round(valueAt(y, p.y, 'linear') * 100) / 100)).toEqual([0.21, 0.24, 0.19]);
    const day = axisTicks(svg, 'X');
    const at = (label: string): number => day.find((t) => t.label === label)?.at ?? NaN;
    // Each run at 02:00 UTC of its day: a twelfth of the way to the next day's tick.
    (['2026-11-20', '2026-11-21', '2026-11-23'] as const).forEach((d, i) => {
      const next = new Date(Date.parse(d) + 86_400_000).toISOString().slice(0, 10);
      expect(Math.abs(xs[i]! - (at(d) + (at(next) - at(d)) / 12))).toBeLessThanOrEqual(0.5);
    });
  });

  it('gives the same bytes on every render, in any time zone', async () => {
    const before = process.env['TZ'];
    try {
      process.env['TZ'] = 'UTC';
      const a = await trendChartSvg(series, labels);
      process.env['TZ'] = 'Pacific/Kiritimati';
      const b = await trendChartSvg(series, labels);
      expect(b).toBe(a);
    } finally {
      if (before === undefined) delete process.env['TZ'];
      else process.env['TZ'] = before;
    }
  });
});
