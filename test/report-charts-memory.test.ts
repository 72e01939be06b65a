import { describe, expect, it } from 'vitest';
import { chartSteps } from '../src/report/charts/chart-steps.js';
import { memoryChartSpec, memoryRows, memoryStep } from '../src/report/charts/memory-chart.js';
import { renderSvg } from '../src/report/charts/render-svg.js';
import { buildNightlyChartRun, SYSTEMS } from './helpers/nightly-chart-run.js';
import { axis, axisTicks, legendColours, legendEntries, pixelOf, titles, wellFormed } from './helpers/svg-chart.js';

const run = buildNightlyChartRun();
const steps = chartSteps(run);

describe('the memory-per-role chart', () => {
  it('charts the busiest rate step with resource data', () => {
    expect(memoryStep(run, steps)?.name).toBe('rate-4000');
    const r = structuredClone(run);
    for (const sys of r.systems) sys.steps.find((s) => s.name === 'rate-4000')!.aggregate.resources = null;
    expect(memoryStep(r, chartSteps(r))?.name).toBe('rate-2000');
  });

  it('stacks a bar segment per role a system has, as long as its memory, every system on its row and roles named in the legend', async () => {
    const step = memoryStep(run, steps)!;
    const svg = await renderSvg(memoryChartSpec(step, memoryRows(run, step)));
    wellFormed(svg);
    expect(titles(svg)).toEqual(['Memory per role at 4000 req/s (rate-4000)']);
    expect(axis(svg, 'X').title).toBe('working-set memory (MiB), median of per-repetition means');
    expect(axis(svg, 'Y').labels).toEqual([...SYSTEMS]);
    // Waypoint: nobody had one, so it is neither drawn nor in the legend.
    const roles = ['workload', 'load-client', 'sidecar-proxy', 'node-agent', 'control-plane', 'other'];
    expect(legendEntries(svg)).toEqual([{ title: 'role', labels: roles }]);
    // Each bar segment as drawn (`M x,y h w v h h -w Z`), its role named by its colour in the legend, on the row of
    // the system whose tick is nearest.
    const roleOf = new Map([...legendColours(svg)].map(([role, colour]) => [colour, role]));
    const rowsY = axisTicks(svg, 'Y');
    const x = axisTicks(svg, 'X');
    const group = /<g class="mark-rect role-mark"[^>]*>(.*?)<\/g>/s.exec(svg)?.[1] ?? '';
    const bars = [...group.matchAll(/<path d="M(-?[\d.]+),(-?[\d.]+)h(-?[\d.]+)v(-?[\d.]+)h-?[\d.]+Z" fill="(#[0-9a-f]{6})"/g)].map((m) => {
      const [left, top, width, height] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
      const row = [...rowsY].sort((a, b) => Math.abs(a.at - (top + height / 2)) - Math.abs(b.at - (top + height / 2)))[0];
      return { system: row?.label, role: roleOf.get(m[5] ?? ''), left, width };
    });
    expect(bars).toHaveLength((group.match(/<path /g) ?? []).length);
    // A role a system does not have (0 MiB) draws nothing; the others are stacked in legend order, each as long as
    // its memory on the x axis (drawn to the half pixel: within a pixel).
    const rows = memoryRows(run, step);
    for (const system of SYSTEMS) {
      const mine = rows.filter((row) => row.system === system && row.mib > 0).sort((a, b) => roles.indexOf(a.role) - roles.indexOf(b.role));
      const drawn = bars.filter((b) => b.system === system);
      expect(drawn.map((b) => b.role), system).toEqual(mine.map((row) => row.role));
      mine.forEach((row, i) => {
        expect(Math.abs(drawn[i]!.width - (pixelOf(x, row.mib, 'linear') - pixelOf(x, 0, 'linear'))), `${system} ${row.role}`).toBeLessThanOrEqual(1);
      });
    }
    expect(bars.filter((b) => b.system === 'baseline').map((b) => b.role)).toEqual(['workload', 'load-client', 'other']);
    // linkerd's sidecars: 24 MiB, as the result says.
    const sidecar = rows.find((row) => row.system === 'linkerd' && row.role === 'sidecar-proxy');
    expect(sidecar?.mib).toBe(24);
  });

  it('has nothing to chart without resource data (the local target)', () => {
    const local = buildNightlyChartRun({ withResources: false });
    expect(memoryStep(local, chartSteps(local))).toBeNull();
  });
});
