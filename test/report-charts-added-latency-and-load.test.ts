import { describe, expect, it } from 'vitest';
import { addedLatencyChartSpec, addedLatencyRows } from '../src/report/charts/added-latency-chart.js';
import { chartSteps } from '../src/report/charts/chart-steps.js';
import { latencyLoadChartSpec, latencyLoadRows } from '../src/report/charts/latency-load-chart.js';
import { renderSvg } from '../src/report/charts/render-svg.js';
import { buildNightlyChartRun, RATES, SYSTEMS, p50Us } from './helpers/nightly-chart-run.js';
import { axes, axisTicks, count, legendEntries, lineMarks, marksByLegend, pixelOf, titles, wellFormed } from './helpers/svg-chart.js';

const run = buildNightlyChartRun();
const steps = chartSteps(run);
const PAIRS = [
  'cilium − baseline',
  'cilium − cilium/unmeshed',
  'istio-ambient − baseline',
  'istio-ambient − istio-ambient/unmeshed',
  'linkerd − baseline',
  'linkerd − linkerd/unmeshed',
];
const STEP_LABELS = ['100 req/s', '500 req/s', '1000 req/s', '2000 req/s', '4000 req/s', '32 conn'];

describe('the added-latency chart', () => {
  it('has a Δp50 and a Δp99 panel over the load steps in scenario order', async () => {
    const svg = await renderSvg(addedLatencyChartSpec(addedLatencyRows(run, steps), steps));
    wellFormed(svg);
    expect(titles(svg)).toEqual(['Δp50', 'Δp99', 'Added latency with 95% intervals']);
    const all = axes(svg);
    expect(all.filter((a) => a.description.startsWith('Y-axis')).map((a) => a.title)).toEqual(['added latency (ms)', 'added latency (ms)']);
    const x = all.filter((a) => a.description.startsWith('X-axis'));
    expect(x).toHaveLength(1);
    expect(x[0]?.title).toBe('load step');
    expect(x[0]?.labels).toEqual(STEP_LABELS);
  });

  it('draws a point and an interval bar per comparison and percentile, each pair named in the legend, and one zero line per panel', async () => {
    const svg = await renderSvg(addedLatencyChartSpec(addedLatencyRows(run, steps), steps));
    expect(legendEntries(svg)).toEqual([{ title: 'system − reference', labels: PAIRS }]);
    const perPair = Object.fromEntries(PAIRS.map((p) => [p, 2 * STEP_LABELS.length]));
    expect(marksByLegend(svg, 'mark-rule role-mark', 'line')).toEqual({ ...perPair, 'unlabelled #555555': 2 });
    // One point per estimate, drawn once (a significant one is not an outline under a filled copy).
    expect(marksByLegend(svg, 'mark-symbol role-mark', 'path')).toEqual(perPair);
  });

  it('fills the points of differences the comparison called significant and only outlines the others', async () => {
    const rows = addedLatencyRows(run, steps);
    // cilium − cilium/unmeshed: about 12 µs ± 15 µs at p50 and 28 µs ± 60 µs at p99, intervals across 0.
    expect(rows.filter((r) => !r.significant).map((r) => r.pair)).toEqual(Array(12).fill('cilium − cilium/unmeshed'));
    const svg = await renderSvg(addedLatencyChartSpec(rows, steps));
    const colour = new Map([...svg.matchAll(/<g class="mark-symbol role-legend-symbol"[^>]*><path[^>]*? fill="(#[0-9a-f]{6})"[^>]*\/><\/g><g class="mark-text role-legend-label"[^>]*><text[^>]*>(.*?)<\/text>/gs)].map((m) => [m[2], m[1]]));
    const paths = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/gs)].flatMap((g) => [...(g[1] ?? '').matchAll(/<path [^>]*\/>/g)].map((m) => m[0]));
    // An outline has a stroke and no fill of its own (the SVG's root group fills nothing); a filled point is filled and
    // outlined in its pair's colour, the outline it was drawn with when an outline lay under a filled copy.
    const hollow = paths.filter((p) => !/ fill=/.test(p) && / stroke="#[0-9a-f]{6}"/.test(p));
    const solid = paths.filter((p) => / fill="(#[0-9a-f]{6})" stroke="\1"/.test(p));
    expect(hollow).toHaveLength(rows.filter((r) => !r.significant).length);
    expect(hollow.every((p) => p.includes(`stroke="${colour.get('cilium − cilium/unmeshed')}"`))).toBe(true);
    expect(solid).toHaveLength(rows.filter((r) => r.significant).length);
    expect(hollow.length + solid.length).toBe(paths.length);
  });

  it('takes each point and bar from its comparison’s difference and 95% interval, in ms', () => {
    const rows = addedLatencyRows(run, steps);
    expect(rows).toHaveLength(run.comparisons.length * 2);
    // linkerd − baseline at 1000 req/s (the third step).
    const d = (p50Us('linkerd', 2) - p50Us('baseline', 2)) / 1000;
    const row = rows.find((r) => r.pair === 'linkerd − baseline' && r.step === '1000 req/s' && r.percentile === 'p50');
    expect(row?.deltaMs).toBeCloseTo(d, 12);
    expect(row?.lowMs).toBeCloseTo(d - 0.015, 12);
    expect(row?.highMs).toBeCloseTo(d + 0.015, 12);
  });
});

describe('the latency-against-load chart', () => {
  it('puts the rate steps on a log x axis, ticked at their rates, with a p50 and a p99 panel', async () => {
    const svg = await renderSvg(latencyLoadChartSpec(latencyLoadRows(run, steps), SYSTEMS));
    wellFormed(svg);
    expect(titles(svg)).toEqual(['median p50', 'median p99', 'Latency against load (rate steps)']);
    const all = axes(svg);
    const x = all.filter((a) => a.description.startsWith('X-axis'));
    expect(x.map((a) => a.title)).toEqual(['offered load (req/s, log scale)', 'offered load (req/s, log scale)']);
    for (const a of x) expect(a.labels).toEqual(RATES.map(String));
    expect(all.filter((a) => a.description.startsWith('Y-axis')).map((a) => a.title)).toEqual([
      'p50 latency (ms, log scale)',
      'p99 latency (ms, log scale)',
    ]);
  });

  it('draws one line per system in each panel through a point per rate step, leaving the closed-loop step out', async () => {
    const svg = await renderSvg(latencyLoadChartSpec(latencyLoadRows(run, steps), SYSTEMS));
    expect(legendEntries(svg)).toEqual([{ title: 'system', labels: [...SYSTEMS] }]);
    const lines = lineMarks(svg);
    expect(count(lines, (l) => l.series)).toEqual(Object.fromEntries(SYSTEMS.map((s) => [s, 2])));
    // Each line goes through its system's median at every rate (the p50 panel's lines first), where the axes put
    // them: geometry is drawn to the half pixel (render-svg.ts), ticks and points alike, so within half a pixel (some
    // systems' medians are a pixel apart).
    const rows = latencyLoadRows(run, steps);
    (['p50', 'p99'] as const).forEach((percentile, panel) => {
      const x = axisTicks(svg, 'X', undefined, panel);
      const y = axisTicks(svg, 'Y', `${percentile} latency (ms, log scale)`);
      for (const line of lines.slice(panel * SYSTEMS.length, (panel + 1) * SYSTEMS.length)) {
        const mine = rows.filter((r) => r.system === line.series && r.percentile === percentile).sort((a, b) => a.rate - b.rate);
        expect(line.points).toHaveLength(RATES.length);
        line.points.forEach((p, i) => {
          expect(Math.abs(p.x - pixelOf(x, mine[i]!.rate, 'log')), `${line.series} ${percentile} x`).toBeLessThanOrEqual(0.5);
          expect(Math.abs(p.y - pixelOf(y, mine[i]!.latencyMs, 'log')), `${line.series} ${percentile} y`).toBeLessThanOrEqual(0.5);
        });
      }
    });
    const perSystem = Object.fromEntries(SYSTEMS.map((s) => [s, 2 * RATES.length]));
    expect(marksByLegend(svg, 'mark-symbol role-mark', 'path')).toEqual(perSystem);
    expect(marksByLegend(svg, 'mark-rule role-mark', 'line')).toEqual(perSystem);
    expect(new Set(rows.map((r) => r.rate))).toEqual(new Set(RATES));
    expect(rows.find((r) => r.system === 'istio-ambient' && r.rate === 1000 && r.percentile === 'p50')?.latencyMs).toBe(p50Us('istio-ambient', 2) / 1000);
  });

  it('leaves a system out of the legend when it has no valid repetition at any rate step', async () => {
    const r = structuredClone(run);
    for (const st of r.systems[3]!.steps) st.aggregate.median = null;
    const svg = await renderSvg(latencyLoadChartSpec(latencyLoadRows(r, steps), SYSTEMS));
    expect(legendEntries(svg)[0]?.labels).toEqual(SYSTEMS.filter((s) => s !== SYSTEMS[3]));
  });
});
