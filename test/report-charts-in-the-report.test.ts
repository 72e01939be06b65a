import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { chartSteps } from '../src/report/charts/chart-steps.js';
import { renderChartSection } from '../src/report/charts/render-chart-section.js';
import { planCharts, renderChartFiles } from '../src/report/charts/report-charts.js';
import { trendChartSvg } from '../src/report/charts/trend-chart.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { buildNightlyChartRun, RATES, SYSTEMS } from './helpers/nightly-chart-run.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';
import { wellFormed } from './helpers/svg-chart.js';

const nightly = buildNightlyChartRun();
const fixture = loadTwoSystemFixture();

function links(markdown: string): { alt: string; path: string }[] {
  return [...markdown.matchAll(/!\[((?:\\.|[^\]\\])*)\]\(([^)]*)\)/g)].map((m) => ({ alt: m[1] ?? '', path: m[2] ?? '' }));
}

describe('the report and its chart files', () => {
  it('names every chart file after what it shows, from the result alone', () => {
    expect(planCharts(nightly).flatMap((c) => (c.drawn ? [c.path] : []))).toEqual([
      'charts/spectrum-rate-100.svg',
      'charts/spectrum-rate-500.svg',
      'charts/spectrum-rate-1000.svg',
      'charts/spectrum-rate-2000.svg',
      'charts/spectrum-rate-4000.svg',
      'charts/spectrum-conn-32.svg',
      'charts/added-latency.svg',
      'charts/latency-vs-load.svg',
      'charts/memory-rate-4000.svg',
    ]);
  });

  it('links in report.md exactly the files renderChartFiles draws, in the Charts section', async () => {
    const report = renderMarkdown(nightly);
    const section = report.slice(report.indexOf('\n## Charts\n'));
    const linked = links(section).map((l) => l.path);
    const files = await renderChartFiles(nightly);
    expect(linked).toEqual(files.map((f) => f.path));
    expect(links(report.slice(0, report.indexOf('\n## Charts\n')))).toEqual([]);
    for (const f of files) wellFormed(f.svg);
  });

  it('gives each image alt text saying what is drawn against what, naming every series drawn', () => {
    // The charts' data marks carry no aria labels (chart-style.ts, DATA_MARK): the alt text is what a screen reader says.
    const alt = new Map(links(renderChartSection(nightly)).map((l) => [l.path, l.alt]));
    expect(alt.get('charts/spectrum-rate-1000.svg')).toBe(
      `Latency percentiles p50 to p99.99 at 1000 req/s (rate-1000), one line per system: ${SYSTEMS.join(', ')}`,
    );
    const pairs = [...new Set(nightly.comparisons.map((c) => `${c.system} − ${c.reference}`))];
    expect(pairs).toHaveLength(6);
    expect(alt.get('charts/added-latency.svg')).toBe(
      'Added p50 and p99 latency (ms) with 95% intervals at each load step (100 req/s, 500 req/s, 1000 req/s, 2000 req/s, 4000 req/s, 32 conn), ' +
        `a point per compared pair: ${pairs.join(', ')}; filled where the difference is significant, hollow where not`,
    );
    expect(alt.get('charts/latency-vs-load.svg')).toBe(
      `Median p50 and p99 latency (ms, log scale) with 95% intervals against offered load (${RATES.join(', ')} req/s, log scale), one line per system: ${SYSTEMS.join(', ')}`,
    );
    // Waypoint: nobody had one, so it is not named.
    expect(alt.get('charts/memory-rate-4000.svg')).toBe(
      `Working-set memory (MiB) per role (workload, load-client, sidecar-proxy, node-agent, control-plane, other) stacked per system at 4000 req/s (rate-4000): ${SYSTEMS.join(', ')}`,
    );
  });

  it('draws the same bytes on every render, whatever else was rendered in between or at the same time', async () => {
    const first = await renderChartFiles(nightly);
    await trendChartSvg([{ system: 'x', points: [{ date: '2026-11-20', value: 1 }] }], { title: 't', yTitle: 'y' });
    const [again, alongside] = await Promise.all([renderChartFiles(nightly), renderChartFiles(fixture)]);
    expect(again).toEqual(first);
    expect(alongside).toEqual(await renderChartFiles(fixture));
  });

  it('says in a sentence why a chart is missing instead of linking to nothing', () => {
    // The fixture: one rate step, and no resource data.
    const section = renderChartSection(fixture);
    expect(links(section).map((l) => l.path)).toEqual([
      'charts/spectrum-rate-1k.svg',
      'charts/spectrum-conn-4.svg',
      'charts/added-latency.svg',
    ]);
    expect(section).toContain(
      '### Latency against load\n\nFewer than two rate steps have valid repetitions, so there is no latency-against-load curve.',
    );
    expect(section).toContain(
      '### Memory per role\n\nNo step has resource data (only cluster runs scrape the kubelets), so there is no memory chart.',
    );
    // One step without valid repetitions while another has some: that step's line says so.
    const partial = structuredClone(fixture);
    for (const sys of partial.systems) {
      const st = sys.steps.find((s) => s.name === 'conn-4');
      if (st) Object.assign(st.aggregate, { validRepetitions: 0, median: null, merged: null, mergedHistogram: null });
    }
    expect(renderChartSection(partial)).toContain(
      '![Latency percentiles p50 to p99.99 at 1000 req/s (rate-1k), one line per system: baseline, istio-ambient](charts/spectrum-rate-1k.svg)\n\n- conn-4: no system has valid repetitions at this step.',
    );
    const empty: RunResult = { ...fixture, systems: fixture.systems.filter((s) => s.status === 'failed'), comparisons: [] };
    const nothing = renderChartSection(empty);
    expect(links(nothing)).toEqual([]);
    expect(nothing).toContain('No step has valid repetitions, so there is nothing to chart.');
    const noComparison = renderChartSection({ ...fixture, comparisons: [] });
    expect(noComparison).toContain('### Added latency\n\nNo comparison was made, so there is no added latency to chart.');
  });

  it('keeps file names safe and distinct whatever the steps are called, and alt text on one line', () => {
    const r = structuredClone(fixture);
    const [a, b] = r.scenario.steps;
    for (const sys of r.systems) {
      for (const st of sys.steps) st.name = st.name === a!.name ? '../Rate 1k]' : '../rate-1k]\n';
    }
    a!.name = '../Rate 1k]';
    b!.name = '../rate-1k]\n';
    r.comparisons = [];
    expect(chartSteps(r).map((s) => s.slug)).toEqual(['rate-1k', 'rate-1k-2']);
    const section = renderChartSection(r);
    const found = links(section);
    expect(found.map((l) => l.path)).toEqual(['charts/spectrum-rate-1k.svg', 'charts/spectrum-rate-1k-2.svg']);
    expect(found[0]?.alt).toContain('(../Rate 1k\\])');
    expect(found[1]?.alt).toContain('(../rate-1k\\] )');
    expect(section.split('\n').filter((line) => line.startsWith('![')).length).toBe(2);
  });
});
