import { beforeEach, describe, expect, it } from 'vitest';
import { comparisons } from '../src/pipeline/run-benchmark.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { bullets, rowCells, section } from './helpers/markdown-sections.js';
import { runWithoutBaseline } from './helpers/verdict-run-factory.js';

// `--mesh cilium,istio-ambient`: cilium 300/500 µs (p50/p99 at 1000 req/s) like its unmeshed namespace; istio-ambient
// 340/710 µs against its unmeshed namespace's 300/500.

describe('a run without baseline (`--mesh cilium,istio-ambient`)', () => {
  const run = runWithoutBaseline();
  let report: string;
  let verdict: string;
  beforeEach(() => {
    report = renderMarkdown(run);
    verdict = section(report, '## Verdict');
  });

  it('compares each mesh with its own unmeshed namespace, and the meshes with each other once per step', () => {
    const pairs = comparisons(run).map((c) => `${c.system} − ${c.reference} (${c.scope}): ${c.step}`);
    expect(pairs).toEqual([
      'cilium − cilium/unmeshed (within-cluster): rate-1k',
      'cilium − cilium/unmeshed (within-cluster): conn-16',
      'istio-ambient − istio-ambient/unmeshed (within-cluster): rate-1k',
      'istio-ambient − istio-ambient/unmeshed (within-cluster): conn-16',
      'istio-ambient − cilium (cross-cluster): rate-1k',
      'istio-ambient − cilium (cross-cluster): conn-16',
    ]);
  });

  it('says so at the top of the report', () => {
    expect(verdict.trimStart().split('\n')[0]).toBe(
      'No baseline cluster was measured in this run, so each mesh is compared with its own unmeshed namespace in the ' +
        'same cluster (same nodes and CNI; only enrolment differs), and the meshes with each other across clusters (below the table).',
    );
    expect(rowCells(verdict, 'istio-ambient | 1000 req/s')[2]).toBe('istio-ambient/unmeshed (within cluster)');
    expect(rowCells(verdict, 'cilium | 1000 req/s')[2]).toBe('cilium/unmeshed (within cluster)');
  });

  it('shows the meshes against each other, across clusters, with a sentence per load', () => {
    const between = section(report, '### Between systems (across clusters)');
    expect(between).toContain('each in its own cluster, so the difference includes everything that differs between the clusters');
    expect(rowCells(between, 'istio-ambient − cilium | 1000 req/s')).toEqual([
      'istio-ambient − cilium',
      '1000 req/s',
      '+40 µs [+40, +40]',
      '0.008, significant',
      '+210 µs [+210, +210]',
      '0.008, significant',
    ]);
    expect(bullets(between)).toContain("At 1000 req/s, istio-ambient's p99 was 210 µs [210–210] higher than cilium's, p=0.008.");
  });

  it("warns that a CNI's within-cluster comparison cannot show its cost without a baseline", () => {
    expect(verdict).toContain(
      "- cilium's within-cluster comparison does not isolate it (Cilium is the CNI: its unmeshed namespace runs on Cilium too, so only the baseline comparison shows its cost), and this run has no baseline to compare it with.",
    );
  });

  it('lists every comparison under Added latency instead of "No reference system was set"', () => {
    const added = section(report, '## Added latency');
    expect(added).not.toContain('No reference system was set');
    expect(added).toMatch(/\| rate-1k \| istio-ambient − cilium \|/);
    expect(added).toMatch(/\| rate-1k \| cilium − cilium\/unmeshed \|/);
  });
});
