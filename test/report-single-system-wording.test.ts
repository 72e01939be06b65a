import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderSummary } from '../src/report/render-summary.js';
import { section } from './helpers/markdown-sections.js';
import { AMBIENT_AGENTS, buildVerdictRun, latencies } from './helpers/verdict-run-factory.js';

describe('a run of the reference alone', () => {
  const run = buildVerdictRun([{ id: 'baseline', latency: latencies([290, 480], [250, 450]) }], 'baseline');
  let report: string;
  beforeEach(() => {
    report = renderMarkdown(run);
  });

  it('never says the reference "lacks valid repetitions"', () => {
    expect(report).not.toContain('lacks valid repetitions');
  });

  it('says only the reference was measured, so its latency is the finding and there is nothing to compare', () => {
    expect(section(report, '## Verdict')).toContain(
      'Only baseline was measured: a run of the reference alone has nothing to compare it with, so this report gives its latency and throughput (Results by step), not an overhead.',
    );
    expect(section(report, '## Added latency').trim()).toBe('Only baseline was measured, so there is nothing to compare it with.');
  });

  it('as `bench run --target local --mesh baseline` writes it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'bench-single-'));
    try {
      let stdout = '';
      const code = await main(['run', '--target', 'local', '--mesh', 'baseline', '--scenario', 'test/fixtures/cli/quick.yaml', '--out', out], {
        io: { out: (t) => (stdout += t), err: () => undefined },
        cwd: process.cwd(),
        env: {},
        signal: new AbortController().signal,
      });
      expect(code).toBe(0);
      const reportPath = stdout.trim().split('\n')[1]!;
      const written = readFileSync(reportPath, 'utf8');
      expect(written).not.toContain('lacks valid repetitions');
      expect(section(written, '## Verdict')).toContain('Only baseline was measured');
      expect(section(written, '## Added latency')).toContain('Only baseline was measured, so there is nothing to compare it with.');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a run of one mesh without baseline (`--mesh istio-ambient`)', () => {
  const run = buildVerdictRun(
    [
      { id: 'istio-ambient', latency: latencies([340, 710], [280, 460]), dataPlane: AMBIENT_AGENTS },
      { id: 'istio-ambient/unmeshed', latency: latencies([300, 500], [250, 450]), dataPlane: AMBIENT_AGENTS },
    ],
    null,
  );
  let report: string;
  beforeEach(() => {
    report = renderMarkdown(run);
  });

  it('compares the mesh with its own unmeshed namespace and says there was no baseline', () => {
    const verdict = section(report, '## Verdict');
    expect(verdict).toContain(
      'No baseline cluster was measured in this run, so each mesh is compared with its own unmeshed namespace in the same cluster (same nodes and CNI; only enrolment differs).',
    );
    expect(verdict).toContain('| istio-ambient | 1000 req/s | istio-ambient/unmeshed (within cluster) | +40 µs [+40, +40] (+13.3%) |');
    // One mesh: nobody to compare it with across clusters.
    expect(verdict).not.toContain('Between systems');
  });

  it('lists that comparison under Added latency instead of saying nothing is compared', () => {
    const added = section(report, '## Added latency');
    expect(added).not.toContain('No reference system was set');
    expect(added).toMatch(/\| rate-1k \| istio-ambient − istio-ambient\/unmeshed \| \+40 µs/);
  });

  it('puts the comparison on the terminal summary too', () => {
    const summary = renderSummary(run, { json: 'r/results.json', report: 'r/report.md' });
    expect(summary).toMatch(/^ {2}istio-ambient\s+rate-1k\s.*\+40 µs\s+\+210 µs\s+istio-ambient\/unmeshed$/m);
    expect(summary).toContain(
      '  Against its own unmeshed namespace in the same cluster, istio-ambient added 210 µs [210–210] (+42.0%) to p99 at 1000 req/s, p=0.008;',
    );
  });
});
