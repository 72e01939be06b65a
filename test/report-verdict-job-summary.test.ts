import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import type { RunResult } from '../src/core/result-schema.js';
import { renderJobSummary } from '../src/report/render-job-summary.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { renderVerdicts } from '../src/report/render-verdicts.js';
import { headerCells, rowCells, section } from './helpers/markdown-sections.js';
import { runWithBaseline } from './helpers/verdict-run-factory.js';

describe('the job summary for $GITHUB_STEP_SUMMARY', () => {
  const run = runWithBaseline();
  let summary: string;
  beforeEach(() => {
    summary = renderJobSummary(run, { report: 'nightly/istio/report.md' });
  });

  it('opens with the scenario and the run status, then a status row per system', () => {
    const lines = summary.split('\n');
    expect(lines[0]).toBe('## mesh-bench verdicts: run completed');
    expect(lines[2]).toBe('Run `2026-11-30T02-00-00Z-verdicts`: 6 of 6 systems completed.');
    expect(headerCells(summary)).toEqual(['system', 'status', 'valid repetitions']);
    // Two steps × 5 repetitions, all valid.
    expect(rowCells(summary, 'istio-ambient/unmeshed')).toEqual(['istio-ambient/unmeshed', 'completed', '10/10']);
  });

  it('carries the verdict table and sentences of the report, one heading level down, with a one-line legend', () => {
    const verdict = section(summary, '### Verdict');
    const inReport = section(renderVerdicts(run), '## Verdict');
    expect(rowCells(verdict, 'istio | 1000 req/s')).toEqual(rowCells(inReport, 'istio | 1000 req/s'));
    expect(verdict).toContain('Against baseline in another cluster, istio added 1.00 ms [1.00–1.00] (+208.3%) to p99 at 1000 req/s');
    expect(verdict).toContain('The full report gives the method and every detail.');
    expect(verdict).not.toContain('*data plane per meshed pod*:');
  });

  it('ends with where the full report is', () => {
    expect(summary.trimEnd().split('\n').at(-1)).toBe('Full report: `nightly/istio/report.md`');
  });

  it('is far shorter than the report (no method, no per-step tables, no scenario)', () => {
    expect(summary).not.toContain('## What was measured');
    expect(summary).not.toContain('## Scenario');
    expect(summary).not.toContain('## Results by step');
    // "Far shorter": under a third of the report it summarises.
    expect(summary.length * 3).toBeLessThan(renderMarkdown(run).length);
  });
});

describe('bench report --summary', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(args, {
      io: { out: (t) => (stdout += t), err: (t) => (stderr += t) },
      cwd: process.cwd(),
      env: {},
      signal: new AbortController().signal,
    });
    return { code, stdout, stderr };
  }

  function writeRun(run: RunResult): string {
    dir = mkdtempSync(join(tmpdir(), 'bench-job-summary-'));
    const path = join(dir, 'results.json');
    writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
    return path;
  }

  it('prints the summary of a results file, pointing at report.md beside it, and writes nothing', async () => {
    const run = runWithBaseline();
    const path = writeRun(run);
    const out = await bench(['report', path, '--summary']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(renderJobSummary(run, { report: join(dir, 'report.md') }));
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('names the report where --report-link says (an artefact, a URL)', async () => {
    const path = writeRun(runWithBaseline());
    const out = await bench(['report', path, '--summary', '--report-link', 'artefact nightly-results-istio, run/report.md']);
    expect(out.code).toBe(0);
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('Full report: `artefact nightly-results-istio, run/report.md`');
    const url = 'https://github.com/o/r/blob/main/results/2026-12-01/report.md';
    const byUrl = await bench(['report', path, '--summary', '--report-link', url]);
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout.trimEnd().split('\n').at(-1)).toBe(`Full report: \`${url}\``);
  });

  it('refuses --report-link without --summary in one line, exit 2, before writing a report', async () => {
    const path = writeRun(runWithBaseline());
    const out = await bench(['report', path, '--report-link', 'x']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('--report-link');
    expect(existsSync(join(dir, 'report.md'))).toBe(false);
  });
});
