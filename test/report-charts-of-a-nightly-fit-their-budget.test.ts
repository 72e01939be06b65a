import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeRecord } from '../src/history/make-record.js';
import { recordReportView } from '../src/history/record-view.js';
import { renderChartSection } from '../src/report/charts/render-chart-section.js';
import { renderChartFiles } from '../src/report/charts/report-charts.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { mergedNight, NIGHTLY_MESHES, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';
import { axes, legendEntries, titles, wellFormed } from './helpers/svg-chart.js';

/**
 * What a night commits beside its record and report (issue 9, build 6: record, report and charts at most ~300 KB per
 * night): the charts of a full nightly, every mesh of the matrix on its own runner beside its baseline, on the shipped
 * scenarios/default.yaml, drawn from the compact record as `bench merge` draws them. Measured: 414 068 bytes before the
 * SVGs were compacted (render-svg.ts: shared styles, half-pixel geometry, no hit-test leftovers) and the spectrum
 * sampled every quarter nine; 263 085 after; 120 614 since a run with more series than the palette's ten colours
 * draws the verdict's systems and comparisons only (chart-systems.ts: 10 of 27 systems, 36 of 108 comparisons);
 * 86 568 since such a run draws its spectrum at the headline step alone (report-charts.ts: 1 spectrum, not 4);
 * 64 633 since data marks carry no aria label (chart-style.ts, DATA_MARK), the added-latency chart draws each point
 * once, and rules, paint opacities and font weights say less (render-svg.ts): spectrum 9 750, added latency 22 093
 * (from 28 142), latency against load 22 410 (from 27 640), memory 10 380 (from 19 586).
 */
const BUDGET_BYTES = 65_000;
const DEFAULT_SCENARIO = fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url));

let night: Promise<{ scenario: ReturnType<typeof parseScenario>; view: ReturnType<typeof recordReportView>; files: Awaited<ReturnType<typeof renderChartFiles>> }> | undefined;
/** The night and its charts, drawn once for both tests (a few seconds). */
function nightCharts(): NonNullable<typeof night> {
  night ??= (async () => {
    const scenario = parseScenario(readFileSync(DEFAULT_SCENARIO, 'utf8'), 'scenarios/default.yaml', 4);
    const view = recordReportView(makeRecord(mergedNight(nightlyRunnerRuns({ strata: 2000, scenario }))));
    return { scenario, view, files: await renderChartFiles(view) };
  })();
  return night;
}

describe('the charts of a nightly', () => {
  it(`take at most ${BUDGET_BYTES} bytes of raw SVG together, drawing every mesh and the reference and naming the systems left out`, async () => {
    const { scenario, view, files } = await nightCharts();
    // A spectrum at the headline step (the rate step nearest 1000 req/s), added latency, latency against load, memory.
    expect(scenario.steps.map((s) => s.name)).toContain('rate-1000');
    expect(files.map((f) => f.path)).toEqual([
      'charts/spectrum-rate-1000.svg',
      'charts/added-latency.svg',
      'charts/latency-vs-load.svg',
      `charts/memory-${scenario.steps.filter((s) => s.mode === 'rate').at(-1)!.name}.svg`,
    ]);
    const systems = view.systems.map((s) => s.id);
    expect(systems).toHaveLength(3 * NIGHTLY_MESHES.length);
    // 27 series in ten colours cannot be told apart: the charts draw the meshes and the run's reference, and each
    // mesh's headline comparison; the report's chart section names every system left out (all are in its tables).
    const drawn = [view.reference!, ...NIGHTLY_MESHES].sort();
    const leftOut = systems.filter((s) => !drawn.includes(s));
    expect(leftOut).toHaveLength(2 * NIGHTLY_MESHES.length - 1);
    for (const f of files) {
      wellFormed(f.svg);
      expect(axes(f.svg).length, f.path).toBeGreaterThanOrEqual(2);
      if (f.path.includes('spectrum') || f.path.includes('latency-vs-load')) expect([...legendEntries(f.svg)[0]!.labels].sort(), f.path).toEqual(drawn);
      if (f.path.includes('added-latency')) {
        expect(legendEntries(f.svg)[0]?.labels, f.path).toHaveLength(NIGHTLY_MESHES.length);
        expect(legendEntries(f.svg)[0]?.labels.map((pair) => pair.split(' − ')[0]).sort(), f.path).toEqual([...NIGHTLY_MESHES].sort());
      }
    }
    const section = renderChartSection(view);
    expect(section).toContain(
      `Not drawn, but in the tables: ${leftOut.join(', ')}, and ${view.comparisons.length - 4 * NIGHTLY_MESHES.length} comparisons. ` +
        "The latency spectrum is drawn at the headline step alone (`charts/spectrum-rate-1000.svg`); every step's percentiles are in the tables.",
    );
    expect(section.match(/!\[Latency percentiles/g)).toHaveLength(1);
    const bytes = files.map((f) => Buffer.byteLength(f.svg));
    const total = bytes.reduce((a, b) => a + b, 0);
    console.log(`charts of a nightly (${systems.length} systems): ${files.map((f, i) => `${f.path} ${bytes[i]}`).join(', ')}; total ${total} bytes`);
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  }, 300_000);

  it('label no data mark for a screen reader (the report’s alt text does), while titles, axes and legends keep their descriptions', async () => {
    const { files } = await nightCharts();
    for (const f of files) {
      // Every bar, line, point and interval bar: its mark group hidden from the accessibility tree, no label of its own.
      const dataGroups = [...f.svg.matchAll(/<g class="mark-[a-z]+ role-mark"([^>]*)>/g)].map((m) => m[1] ?? '');
      expect(dataGroups.length, f.path).toBeGreaterThan(0);
      for (const attrs of dataGroups) expect(attrs, f.path).toContain('aria-hidden="true"');
      expect(f.svg, f.path).not.toMatch(/<(?:path|line|rect)\b[^>]*aria-label=/);
      expect(f.svg, f.path).not.toMatch(/aria-roledescription="(?:bar|line mark|point|rule mark)"/);
      const described = [...f.svg.matchAll(/aria-roledescription="([a-z]+)" aria-label="[^"]+"/g)].map((m) => m[1]);
      expect(new Set(described), f.path).toEqual(new Set(['axis', 'legend', 'title']));
      expect(titles(f.svg).length, f.path).toBeGreaterThan(0);
    }
  }, 300_000);
});
