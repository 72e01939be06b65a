import { describe, expect, it } from 'vitest';
import { coarsenHistogram, createLatencyHistogram, decodeHistogram, encodeHistogram, recordMicros } from '../src/analysis/histogram.js';
import { RECORD_HISTOGRAM_SIGNIFICANT_DIGITS } from '../src/history/record-schema.js';
import { chartSteps } from '../src/report/charts/chart-steps.js';
import { NINES_TICKS, nines, spectrumGrid } from '../src/report/charts/nines-scale.js';
import { renderSvg } from '../src/report/charts/render-svg.js';
import { SPECTRUM_SIGNIFICANT_DIGITS, spectrumChartSpec, spectrumLines } from '../src/report/charts/spectrum-chart.js';
import { buildNightlyChartRun, REQUESTS, SYSTEMS } from './helpers/nightly-chart-run.js';
import { axis, axisTicks, legendEntries, lineMarks, pixelOf, titles, wellFormed } from './helpers/svg-chart.js';

const run = buildNightlyChartRun();
const steps = chartSteps(run);
const step = steps.find((s) => s.name === 'rate-1000')!;

async function spectrum(r = run): Promise<string> {
  return renderSvg(spectrumChartSpec(step, spectrumLines(r, step), r.systems.map((s) => s.id)));
}

describe('the latency percentile spectrum', () => {
  it('has a nines axis from p50 to p99.99 labelled in percent, and a log latency axis', async () => {
    const svg = await spectrum();
    wellFormed(svg);
    expect(titles(svg)).toEqual(['Latency percentiles at 1000 req/s (rate-1000)']);
    const x = axis(svg, 'X');
    expect(x.title).toBe('percentile');
    expect(x.labels).toEqual(['50', '90', '99', '99.9', '99.99']);
    const y = axis(svg, 'Y');
    expect(y.title).toBe('latency (ms, log scale)');
    expect(y.description).toContain('log scale');
  });

  it('draws one line per system, named in the legend, each sampled every quarter of a nine and at every tick', async () => {
    const svg = await spectrum();
    expect(legendEntries(svg)).toEqual([{ title: 'system', labels: [...SYSTEMS] }]);
    const lines = lineMarks(svg);
    expect(lines.map((l) => l.series)).toEqual([...SYSTEMS]);
    // 20 000 requests reach past p99.99: p50, then 0.5, 0.75 … 4.0 nines, every tick (p90 … p99.99) among them.
    expect(spectrumGrid(REQUESTS)).toEqual([nines(0.5), ...Array.from({ length: 15 }, (_, i) => 0.5 + 0.25 * i)]);
    for (const tick of NINES_TICKS) expect(spectrumGrid(REQUESTS)).toContain(tick);
    for (const l of lines) expect(l.points).toHaveLength(16);
  });

  it('starts each line at the p50 of the step’s merged histogram, read at the compact record’s precision', async () => {
    expect(SPECTRUM_SIGNIFICANT_DIGITS).toBe(RECORD_HISTOGRAM_SIGNIFICANT_DIGITS);
    const svg = await spectrum();
    const lines = spectrumLines(run, step);
    const y = axisTicks(svg, 'Y');
    for (const sys of run.systems) {
      const merged = decodeHistogram(sys.steps.find((s) => s.name === 'rate-1000')!.aggregate.mergedHistogram!);
      const p50Us = coarsenHistogram(merged, SPECTRUM_SIGNIFICANT_DIGITS).getValueAtPercentile(50);
      expect(lines.find((l) => l.system === sys.id)?.points[0]).toEqual({ nines: nines(0.5), latencyUs: p50Us });
      // Drawn there: at the left end of the nines axis (p50), at that latency on the log axis. The axis ends on
      // labelled ticks (log-ticks.ts) and the line is drawn to the half pixel (render-svg.ts): within a quarter pixel,
      // where some systems' p50s are half a pixel apart.
      const drawn = lineMarks(svg).find((l) => l.series === sys.id)?.points[0];
      expect(drawn?.x).toBe(axisTicks(svg, 'X').find((t) => t.label === '50')?.at);
      expect(Math.abs((drawn?.y ?? NaN) - pixelOf(y, p50Us / 1000, 'log'))).toBeLessThanOrEqual(0.25 + 1e-9);
      // Within 1% of the exact p50 (2 significant digits).
      expect(Math.abs(p50Us - merged.getValueAtPercentile(50))).toBeLessThanOrEqual(merged.getValueAtPercentile(50) / 100);
    }
  });

  it('ends a line where fewer than one request lies beyond the percentile, and leaves out a system with no valid repetition', () => {
    const r = structuredClone(run);
    const small = createLatencyHistogram();
    for (let i = 1; i <= 999; i++) recordMicros(small, 200 + i);
    r.systems[1]!.steps.find((s) => s.name === 'rate-1000')!.aggregate.mergedHistogram = encodeHistogram(small);
    const none = r.systems[2]!.steps.find((s) => s.name === 'rate-1000')!;
    none.aggregate.validRepetitions = 0;
    none.aggregate.mergedHistogram = null;
    const lines = spectrumLines(r, step);
    expect(lines.map((l) => l.system)).toEqual(SYSTEMS.filter((s) => s !== SYSTEMS[2]));
    // 999 requests: log10(999) < 3, so the line stops at 2.75 nines (p99.82): p50, then 0.5 … 2.75.
    const cut = lines.find((l) => l.system === SYSTEMS[1])!;
    expect(cut.points.map((p) => p.nines).at(-1)).toBe(2.75);
    expect(cut.points).toHaveLength(11);
    expect(lines.find((l) => l.system === SYSTEMS[0])!.points).toHaveLength(16);
    expect(spectrumGrid(1000).at(-1)).toBe(3);
    expect(spectrumGrid(1)).toEqual([]);
  });
});
