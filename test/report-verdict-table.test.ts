import { beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../src/core/result-schema.js';
import { mergeRuns } from '../src/history/merge-runs.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderVerdicts } from '../src/report/render-verdicts.js';
import { headerCells, rowCells, section } from './helpers/markdown-sections.js';
import { AMBIENT_AGENTS, buildVerdictRun, ISTIO_SIDECARS, latencies, runWithBaseline } from './helpers/verdict-run-factory.js';

// Every repetition of a step has the same p50 and p99 (test/helpers/verdict-run-factory.ts), so each difference and
// its interval are exact, and 5 v 5 repetitions all on one side give the smallest two-sided p: 2/252 = 0.008.

describe('the report opens with the verdict', () => {
  let report: string;
  beforeEach(() => {
    report = renderMarkdown(runWithBaseline());
  });

  it('puts the verdict right after the title, before the method', () => {
    const headings = report.split('\n').filter((l) => l.startsWith('## '));
    expect(headings[0]).toBe('## Verdict');
    expect(headings[1]).toBe('## What was measured');
  });

  it('has one row per system and load, with added p50/p99, significance and the data plane cost columns', () => {
    const verdict = section(report, '## Verdict');
    expect(headerCells(verdict)).toEqual([
      'system',
      'load',
      'compared with',
      'added p50',
      'p (p50)',
      'added p99',
      'p (p99)',
      'data plane per meshed pod',
      'data plane per node',
      'data-plane CPU per 1000 req/s',
    ]);
    const rows = verdict.split('\n').filter((l) => /^\| (istio|cilium|baseline)/.test(l));
    // baseline is the reference and the unmeshed namespaces are what meshes are compared with: no rows of their own.
    expect(rows.map((r) => r.split(' | ').slice(0, 2).join(' | '))).toEqual([
      '| istio-ambient | 1000 req/s',
      '| istio-ambient | 16 connections',
      '| istio | 1000 req/s',
      '| istio | 16 connections',
      '| cilium | 1000 req/s',
      '| cilium | 16 connections',
    ]);
  });
});

describe('the headline comparison', () => {
  let verdict: string;
  beforeEach(() => {
    verdict = renderVerdicts(runWithBaseline());
  });

  it('is the within-cluster one where the mesh has an unmeshed namespace, with absolute and relative change', () => {
    // istio-ambient: 340/710 µs against its unmeshed 300/500 (against baseline's 290/480 it would be +50/+230).
    expect(rowCells(verdict, 'istio-ambient | 1000 req/s').slice(2, 7)).toEqual([
      'istio-ambient/unmeshed (within cluster)',
      '+40 µs [+40, +40] (+13.3%)',
      '0.008, significant',
      '+210 µs [+210, +210] (+42.0%)',
      '0.008, significant',
    ]);
    expect(rowCells(verdict, 'istio-ambient | 16 connections').slice(3, 7)).toEqual([
      '+30 µs [+30, +30] (+12.0%)',
      '0.008, significant',
      '+10 µs [+10, +10] (+2.2%)',
      '0.008, significant',
    ]);
  });

  it('is the cross-cluster one against baseline when the mesh has no unmeshed namespace, and says so', () => {
    // istio: 490/1480 µs against baseline's 290/480.
    expect(rowCells(verdict, 'istio | 1000 req/s').slice(2, 7)).toEqual([
      'baseline (across clusters)',
      '+200 µs [+200, +200] (+69.0%)',
      '0.008, significant',
      '+1.00 ms [+1.00, +1.00] (+208.3%)',
      '0.008, significant',
    ]);
  });

  it('is the cross-cluster one for a CNI, whose unmeshed namespace runs on it too, and the verdict says why', () => {
    // cilium: 320/600 µs, the same as its unmeshed namespace; against baseline's 290/480: +30/+120.
    expect(rowCells(verdict, 'cilium | 1000 req/s').slice(2, 6)).toEqual([
      'baseline (across clusters)',
      '+30 µs [+30, +30] (+10.3%)',
      '0.008, significant',
      '+120 µs [+120, +120] (+25.0%)',
    ]);
    expect(verdict).toContain('- cilium is compared across clusters — Cilium is the CNI: its unmeshed namespace runs on Cilium too');
  });

  it('reads results written before comparisons recorded their scope and outcome', () => {
    const old = runWithBaseline();
    old.comparisons = old.comparisons.map(({ statistic: _s, scope: _c, covers: _v, installs: _i, withinCluster: _w, p50: _p, p99: _q, ...rest }) => rest);
    const text = renderVerdicts(old);
    // Without withinCluster, nothing says cilium's unmeshed namespace runs on its CNI: the within-cluster one leads.
    expect(rowCells(text, 'cilium | 1000 req/s').slice(2, 5)).toEqual(['cilium/unmeshed (within cluster)', '0 µs [0, 0] (0.0%)', '1.000, not significant']);
    expect(rowCells(text, 'istio | 1000 req/s').slice(2, 5)).toEqual(['baseline (across clusters)', '+200 µs [+200, +200] (+69.0%)', '0.008, significant']);
  });
});

describe('the data plane columns', () => {
  let verdict: string;
  beforeEach(() => {
    verdict = renderVerdicts(runWithBaseline());
  });
  const cost = (row: string) => rowCells(verdict, row).slice(7);

  it('give node agents per node (all of a node\'s agent containers together) and n/a per pod for ambient and Cilium', () => {
    // ztunnel: 3 nodes × 15 MiB, 30 m each, at 1000 req/s.
    expect(cost('istio-ambient | 1000 req/s')).toEqual(['n/a', '15.0 MiB (3 nodes)', '90 m [90–90]']);
    // cilium-agent + cilium-envoy: 150 MiB and 60 m per node over two containers, 3 nodes.
    expect(cost('cilium | 1000 req/s')).toEqual(['n/a', '150.0 MiB (3 nodes)', '180 m [180–180]']);
  });

  it('give sidecars per meshed pod and n/a per node for sidecar meshes, and CPU per 1000 req/s of throughput', () => {
    // 2 sidecars × 40 MiB and 100 m, at 2000 req/s: 200 m ÷ 2 = 100 m per 1000 req/s.
    expect(cost('istio | 1000 req/s')).toEqual(['40.0 MiB (2 pods)', 'n/a', '100 m [100–100]']);
  });

  it('give waypoints a line of their own and add their CPU to the data plane\'s, without an interval for a sum', () => {
    const run = buildVerdictRun(
      [
        { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
        {
          id: 'istio-ambient-waypoint',
          latency: latencies([400, 800], [300, 500]),
          dataPlane: { ...AMBIENT_AGENTS, waypoint: { memoryBytes: 50 * 2 ** 20, cpuCores: 0.05 } },
        },
      ],
      'baseline',
    );
    const text = renderVerdicts(run);
    // ztunnel 3 × 30 m + the waypoint's 50 m, at 1000 req/s; per node: ztunnel only.
    expect(rowCells(text, 'istio-ambient-waypoint | 1000 req/s').slice(7)).toEqual(['n/a', '15.0 MiB (3 nodes)', '140 m']);
    expect(text).toContain(
      '- istio-ambient-waypoint also ran waypoints (they serve a namespace, so neither per pod nor per node): ' +
        '50.0 MiB at 1000 req/s, 50.0 MiB at 16 connections of memory in all',
    );
  });

  it('use the recorded cost per 1000 req/s when the step has it', () => {
    const run = runWithBaseline();
    const step = run.systems.find((s) => s.id === 'istio')!.steps[0]!;
    step.aggregate.perThousandRps!['sidecar-proxy']!.cpuCores = { value: 0.123, ci95: [0.11, 0.14] };
    expect(rowCells(renderVerdicts(run), 'istio | 1000 req/s')[9]).toBe('123 m [110–140]');
  });

  it('compute CPU per 1000 req/s from CPU and throughput for results written before that figure, and say so', () => {
    const run = runWithBaseline();
    for (const sys of run.systems) for (const step of sys.steps) delete step.aggregate.perThousandRps;
    const text = renderVerdicts(run);
    expect(rowCells(text, 'istio | 1000 req/s')[9]).toBe('100 m');
    expect(rowCells(text, 'istio-ambient | 1000 req/s')[9]).toBe('90 m');
    expect(text).toContain('the median CPU ÷ the median throughput × 1000');
  });

  it('are left out when no step has resource data (the local target), and the legend says why', () => {
    const local: RunResult = buildVerdictRun(
      [
        { id: 'baseline', latency: latencies([290, 480], [250, 450]), target: 'local' },
        { id: 'istio', latency: latencies([490, 1480], [400, 1200]), target: 'local' },
      ],
      'baseline',
    );
    const text = renderVerdicts(local);
    expect(headerCells(text)).toEqual(['system', 'load', 'compared with', 'added p50', 'p (p50)', 'added p99', 'p (p99)']);
    expect(text).toContain('No step has resource data (only cluster runs scrape the kubelets), so memory and CPU are not shown.');
  });
});

describe('a run merged from per-runner runs (`bench merge`)', () => {
  // Each runner measured its mesh and its own baseline; the two baselines differ (runners differ in CPU model).
  const ambient = buildVerdictRun(
    [
      { id: 'baseline', latency: latencies([290, 480], [250, 450]) },
      { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]), dataPlane: AMBIENT_AGENTS },
    ],
    'baseline',
  );
  const istio = buildVerdictRun(
    [
      { id: 'baseline', latency: latencies([390, 580], [350, 550]) },
      { id: 'istio', latency: latencies([490, 1480], [400, 1200]), dataPlane: ISTIO_SIDECARS },
    ],
    'baseline',
  );
  const merged = mergeRuns([
    { file: 'a/results.json', run: ambient, calibration: null },
    { file: 'b/results.json', run: { ...istio, runId: 'other' }, calibration: null },
  ]) as RunResult;
  let verdict: string;
  beforeEach(() => {
    verdict = renderVerdicts(merged);
  });

  it("compares each mesh with the baseline of its own runner, and gives the baselines no rows", () => {
    expect(rowCells(verdict, 'istio-ambient | 1000 req/s').slice(2, 6)).toEqual([
      'baseline@istio-ambient (across clusters)',
      '+50 µs [+50, +50] (+17.2%)',
      '0.008, significant',
      '+230 µs [+230, +230] (+47.9%)',
    ]);
    // Against its own runner's baseline (390/580), not the other runner's (290/480).
    expect(rowCells(verdict, 'istio | 1000 req/s').slice(2, 6)).toEqual([
      'baseline@istio (across clusters)',
      '+100 µs [+100, +100] (+25.6%)',
      '0.008, significant',
      '+900 µs [+900, +900] (+155.2%)',
    ]);
    expect(verdict).not.toMatch(/^\| baseline@/m);
    expect(verdict).toContain('Each system is compared with the baseline cluster measured on its own runner (across clusters).');
  });
});
