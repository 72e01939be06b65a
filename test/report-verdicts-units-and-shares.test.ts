import { describe, expect, it } from 'vitest';
import type { DataPlaneCost } from '../src/report/data-plane-cost.js';
import { formatCores, loadLabel, relative, verdictTable } from '../src/report/render-verdicts.js';
import { verdicts } from '../src/report/verdict-rows.js';
import { rowCells } from './helpers/markdown-sections.js';
import { fixtureRateStep } from './helpers/run-result-factory.js';
import { AMBIENT_AGENTS, buildVerdictRun, ISTIO_SIDECARS, latencies, runWithBaseline } from './helpers/verdict-run-factory.js';
import { renderVerdicts } from '../src/report/render-verdicts.js';

describe('CPU in the verdict switches from millicores to cores at 1 core', () => {
  it('gives whole millicores from 10 m, one decimal below, and cores with two decimals from exactly 1', () => {
    expect(formatCores(1)).toBe('1.00 cores');
    expect(formatCores(2.5)).toBe('2.50 cores');
    expect(formatCores(0.5)).toBe('500 m');
    expect(formatCores(0.01)).toBe('10 m');
    expect(formatCores(0.0099)).toBe('9.9 m');
    expect(formatCores(0.0005)).toBe('0.5 m');
  });
});

describe('the change relative to what a system is compared with', () => {
  it('is signed, with one decimal', () => {
    expect(relative(10, 100)).toBe('+10.0%');
    expect(relative(1, 3)).toBe('+33.3%');
    expect(relative(-10, 100)).toBe('-10.0%');
  });

  it('is 0.0% without a sign when it rounds to nothing either way', () => {
    expect(relative(0, 100)).toBe('0.0%');
    expect(relative(0.04, 100)).toBe('0.0%');
    expect(relative(-0.04, 100)).toBe('0.0%');
  });

  it('is not given when the reference value is unknown, zero or negative', () => {
    expect(relative(10, undefined)).toBeNull();
    expect(relative(10, 0)).toBeNull();
    expect(relative(10, -5)).toBeNull();
  });
});

describe('the load a verdict row names', () => {
  const base = fixtureRateStep;

  it('is the rate of a rate step, or 0 req/s if none was resolved', () => {
    expect(loadLabel({ ...base, rate: 2500 })).toBe('2500 req/s');
    expect(loadLabel({ ...base, rate: null })).toBe('0 req/s');
  });

  it('is the connections of a closed-loop step, singular for one', () => {
    expect(loadLabel({ ...base, mode: 'connections', rate: null, connections: 1 })).toBe('1 connection');
    expect(loadLabel({ ...base, mode: 'connections', rate: null, connections: 4 })).toBe('4 connections');
  });

  it('is "max on" the connections of a max step, and the capacity of an slo step', () => {
    expect(loadLabel({ ...base, mode: 'max', rate: null, connections: 1 })).toBe('max on 1 connection');
    expect(loadLabel({ ...base, mode: 'max', rate: null, connections: 4 })).toBe('max on 4 connections');
    expect(loadLabel({ ...base, mode: 'slo', rate: null })).toBe('capacity');
  });
});

describe('the data-plane cost cells', () => {
  const cost: DataPlaneCost = {
    memoryPerPodBytes: 40 * 2 ** 20,
    sidecarPods: 1,
    memoryPerNodeBytes: 15 * 2 ** 20,
    agentNodes: 1,
    waypointMemoryBytes: null,
    dataPlaneCpuCores: 0.1,
    cpuPer1000Rps: null,
  };
  const run = runWithBaseline();
  /** The cost cells of istio's row at 1000 req/s in runWithBaseline(), with its cost replaced. */
  function cells(c: DataPlaneCost | null): string[] {
    const v = verdicts(run);
    const row = v.rows.find((r) => r.system.id === 'istio' && r.stepName === 'rate-1k')!;
    row.cost = c;
    return rowCells(verdictTable(v), 'istio | 1000 req/s').slice(7);
  }

  it('count one pod and one node in the singular, and say n/a for a figure not measured', () => {
    expect(cells(cost)).toEqual(['40.0 MiB (1 pod)', '15.0 MiB (1 node)', 'n/a']);
    expect(cells({ ...cost, memoryPerPodBytes: null, memoryPerNodeBytes: null, sidecarPods: 0, agentNodes: 0 })).toEqual(['n/a', 'n/a', 'n/a']);
  });

  it('are all n/a on a row without resource data when another row has some', () => {
    expect(cells(null)).toEqual(['n/a', 'n/a', 'n/a']);
  });

  it('give CPU per 1000 req/s and its interval in millicores below 1 core, one decimal under 10 m', () => {
    expect(cells({ ...cost, cpuPer1000Rps: { cores: 0.045, ci95: [0.04, 0.05], source: 'recorded' } })[2]).toBe('45 m [40–50]');
    expect(cells({ ...cost, cpuPer1000Rps: { cores: 0.01, ci95: [0.009, 0.011], source: 'recorded' } })[2]).toBe('10 m [9–11]');
    expect(cells({ ...cost, cpuPer1000Rps: { cores: 0.0045, ci95: [0.004, 0.005], source: 'recorded' } })[2]).toBe('4.5 m [4.0–5.0]');
  });

  it('give CPU per 1000 req/s and its interval in cores, two decimals, from exactly 1 core', () => {
    expect(cells({ ...cost, cpuPer1000Rps: { cores: 1, ci95: [0.9, 1.1], source: 'recorded' } })[2]).toBe('1.00 cores [0.90–1.10]');
    expect(cells({ ...cost, cpuPer1000Rps: { cores: 1.25, ci95: [1.1, 1.4], source: 'recorded' } })[2]).toBe('1.25 cores [1.10–1.40]');
    expect(cells({ ...cost, cpuPer1000Rps: { cores: 1.25, ci95: null, source: 'computed' } })[2]).toBe('1.25 cores');
  });
});

describe('the legend of the cost columns', () => {
  it('explains the computed CPU per 1000 req/s as soon as one row has it, beside rows with the recorded one or none', () => {
    const run = buildVerdictRun(
      [
        { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
        { id: 'plain', latency: latencies([300, 500], [250, 450]), dataPlane: {} },
        { id: 'istio', latency: latencies([490, 1480], [400, 1200]), dataPlane: ISTIO_SIDECARS, throughput: 2000 },
        { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]), dataPlane: AMBIENT_AGENTS },
      ],
      'baseline',
    );
    for (const step of run.systems.find((s) => s.id === 'istio')!.steps) delete step.aggregate.perThousandRps;
    const text = renderVerdicts(run);
    // 200 m of sidecars at 2000 req/s, computed; ztunnel's 90 m recorded with its interval; no data plane: n/a.
    expect(rowCells(text, 'istio | 1000 req/s')[9]).toBe('100 m');
    expect(rowCells(text, 'istio-ambient | 1000 req/s')[9]).toBe('90 m [90–90]');
    expect(rowCells(text, 'plain | 1000 req/s').slice(7)).toEqual(['n/a', 'n/a', 'n/a']);
    expect(text).toContain(
      'summed over the roles otherwise); for results recorded before that figure existed, the median CPU ÷ the median ' +
        'throughput × 1000. Memory: medians over repetitions; per role under Resources.',
    );
  });
});
