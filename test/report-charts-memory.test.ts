import { describe, expect, it } from 'vitest';
import { chartSteps } from '../src/report/charts/chart-steps.js';
import { memoryChartSpec, memoryRows, memoryStep } from '../src/report/charts/memory-chart.js';
import { renderSvg } from '../src/report/charts/render-svg.js';
import { buildNightlyChartRun, SYSTEMS } from './helpers/nightly-chart-run.js';
import { axis, count, legendEntries, marks, titles, wellFormed } from './helpers/svg-chart.js';

const run = buildNightlyChartRun();
const steps = chartSteps(run);

describe('the memory-per-role chart', () => {
  it('charts the busiest rate step with resource data', () => {
    expect(memoryStep(run, steps)?.name).toBe('rate-4000');
    const r = structuredClone(run);
    for (const sys of r.systems) sys.steps.find((s) => s.name === 'rate-4000')!.aggregate.resources = null;
    expect(memoryStep(r, chartSteps(r))?.name).toBe('rate-2000');
  });

  it('stacks one bar segment per role in use for every system, roles named in the legend', async () => {
    const step = memoryStep(run, steps)!;
    const svg = await renderSvg(memoryChartSpec(step, memoryRows(run, step)));
    wellFormed(svg);
    expect(titles(svg)).toEqual(['Memory per role at 4000 req/s (rate-4000)']);
    expect(axis(svg, 'X').title).toBe('working-set memory (MiB), median of per-repetition means');
    expect(axis(svg, 'Y').labels).toEqual([...SYSTEMS]);
    // Waypoint: nobody had one, so it is neither drawn nor in the legend.
    const roles = ['workload', 'load-client', 'sidecar-proxy', 'node-agent', 'control-plane', 'other'];
    expect(legendEntries(svg)).toEqual([{ title: 'role', labels: roles }]);
    const bars = marks(svg, 'bar');
    expect(count(bars, (m) => m.fields['system'] ?? '')).toEqual(Object.fromEntries(SYSTEMS.map((s) => [s, roles.length])));
    // linkerd's sidecars: 24 MiB, as the result says.
    const sidecar = memoryRows(run, step).find((row) => row.system === 'linkerd' && row.role === 'sidecar-proxy');
    expect(sidecar?.mib).toBe(24);
  });

  it('has nothing to chart without resource data (the local target)', () => {
    const local = buildNightlyChartRun({ withResources: false });
    expect(memoryStep(local, chartSteps(local))).toBeNull();
  });
});
