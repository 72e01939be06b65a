import { describe, expect, it } from 'vitest';
import { noComparisons, renderVerdicts } from '../src/report/render-verdicts.js';
import { bullets, rowCells } from './helpers/markdown-sections.js';
import { AMBIENT_AGENTS, buildVerdictRun, CILIUM_AGENTS, latencies, RATE_STEP, runComparedWithinAndAcrossClusters } from './helpers/verdict-run-factory.js';

// What the verdict says about each system on its own: its caveats, its waypoints, its sentence when it stopped, and
// its relative change when what it was compared with has no median. Latencies (p50/p99 µs at 1000 req/s and at 16
// connections) as in test/helpers/verdict-run-factory.ts; 5 v 5 identical repetitions give p = 0.008.
const MiB = 2 ** 20;
const BASELINE = { id: 'baseline', latency: latencies([290, 480], [250, 450]) };
const ISTIO = { id: 'istio', latency: latencies([490, 1480], [400, 1200]) };

describe("a CNI's caveat", () => {
  it('says it is compared across clusters when at least one of its loads is, though another has only the within-cluster comparison', () => {
    // baseline measured 1000 req/s only: at 16 connections cilium has its (non-isolating) unmeshed namespace alone.
    const run = buildVerdictRun(
      [
        { id: 'cilium', latency: latencies([320, 600], [260, 470]), dataPlane: CILIUM_AGENTS },
        { id: 'cilium/unmeshed', latency: latencies([320, 600], [260, 470]), dataPlane: CILIUM_AGENTS },
        { id: 'baseline', latency: { [RATE_STEP]: { p50Us: 290, p99Us: 480 } } },
      ],
      'baseline',
    );
    const verdict = renderVerdicts(run);
    expect(rowCells(verdict, 'cilium | 1000 req/s')[2]).toBe('baseline (across clusters)');
    expect(rowCells(verdict, 'cilium | 16 connections')[2]).toBe('cilium/unmeshed (within cluster)');
    expect(bullets(verdict).filter((b) => b.startsWith('cilium'))).toContain(
      'cilium is compared across clusters — Cilium is the CNI: its unmeshed namespace runs on Cilium too, so only the baseline comparison shows its cost.',
    );
  });

  it('reads a within-cluster note on a comparison that does not record its scope as within the cluster', () => {
    const run = buildVerdictRun(
      [
        { id: 'cilium', latency: latencies([320, 600], [260, 470]), dataPlane: CILIUM_AGENTS },
        { id: 'cilium/unmeshed', latency: latencies([320, 600], [260, 470]), dataPlane: CILIUM_AGENTS },
      ],
      null,
    );
    for (const c of run.comparisons) delete c.scope;
    expect(bullets(renderVerdicts(run))).toContain(
      "cilium's within-cluster comparison does not isolate it (Cilium is the CNI: its unmeshed namespace runs on Cilium too, " +
        'so only the baseline comparison shows its cost), and this run has no baseline to compare it with.',
    );
  });

  it('is not taken from a cross-cluster comparison that carries a within-cluster note', () => {
    const run = buildVerdictRun([BASELINE, ISTIO], 'baseline');
    for (const c of run.comparisons) c.withinCluster = { isolatesMesh: false, means: 'a note that belongs to no within-cluster comparison' };
    expect(renderVerdicts(run)).not.toContain('a note that belongs to no within-cluster comparison');
  });
});

describe('the waypoint line', () => {
  it('is given only to the systems that ran waypoints', () => {
    const run = buildVerdictRun(
      [
        BASELINE,
        { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]), dataPlane: AMBIENT_AGENTS },
        {
          id: 'istio-ambient-waypoint',
          latency: latencies([400, 800], [300, 500]),
          dataPlane: { ...AMBIENT_AGENTS, waypoint: { memoryBytes: 50 * MiB, cpuCores: 0.05 } },
        },
      ],
      'baseline',
    );
    expect(renderVerdicts(run).split('\n').filter((l) => l.includes('also ran waypoints'))).toEqual([
      '- istio-ambient-waypoint also ran waypoints (they serve a namespace, so neither per pod nor per node): ' +
        '50.0 MiB at 1000 req/s, 50.0 MiB at 16 connections of memory in all; their CPU is in the data-plane CPU column.',
    ]);
  });
});

describe('the sentence of a system that stopped after comparisons of two kinds', () => {
  it('names where it stopped, then each comparison in its clause', () => {
    const run = runComparedWithinAndAcrossClusters();
    const ambient = run.systems.find((s) => s.id === 'istio-ambient')!;
    ambient.status = 'interrupted';
    ambient.failure = { step: 'measure', message: 'interrupted by SIGINT' };
    expect(bullets(renderVerdicts(run))[0]).toBe(
      'istio-ambient interrupted at measure (see Status); before that, it added 210 µs [210–210] (+42.0%) to p99 at ' +
        '1000 req/s, p=0.008 (against its own unmeshed namespace in the same cluster); added 10 µs [10–10] (+2.2%) to ' +
        'p99 at 16 connections, p=0.008 (against baseline in another cluster).',
    );
  });
});

describe('a comparison whose reference has no median at the step', () => {
  it('gives the differences without a relative change, in the table and in the sentence', () => {
    const run = buildVerdictRun([BASELINE, ISTIO], 'baseline');
    run.systems[0]!.steps[0]!.aggregate.median = null;
    const verdict = renderVerdicts(run);
    expect(rowCells(verdict, 'istio | 1000 req/s').slice(3, 7)).toEqual([
      '+200 µs [+200, +200]',
      '0.008, significant',
      '+1.00 ms [+1.00, +1.00]',
      '0.008, significant',
    ]);
    expect(bullets(verdict)[0]).toBe(
      'Against baseline in another cluster, istio added 1.00 ms [1.00–1.00] to p99 at 1000 req/s, p=0.008; ' +
        'added 750 µs [750–750] (+166.7%) to p99 at 16 connections, p=0.008.',
    );
  });
});

describe('the one-line reason when nothing is compared', () => {
  it('gives each system its own reasons', () => {
    const run = buildVerdictRun([BASELINE, ISTIO, { id: 'linkerd', latency: latencies([390, 900], [300, 700]) }], 'baseline');
    run.comparisons = [];
    run.systems[2]!.steps[1]!.aggregate.validRepetitions = 0;
    expect(noComparisons(run)).toBe(
      'Nothing could be compared — istio: not compared: no comparison with baseline was recorded; ' +
        'linkerd: not compared: no comparison with baseline was recorded; no valid repetitions.',
    );
  });
});
