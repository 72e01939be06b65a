import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeFileSystem } from '../src/core/node-fs.js';
import type { RunResult } from '../src/core/result-schema.js';
import { makeRecord, serializeRecord } from '../src/history/make-record.js';
import { readRun } from '../src/history/read-run.js';
import { recordReportView } from '../src/history/record-view.js';
import { MAX_CHART_SERIES } from '../src/report/charts/chart-systems.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { headlineLoadStep } from '../src/report/headline-step.js';
import { addClusterDetail, mergedNight, nightlyRunnerRuns } from './helpers/nightly-merge-fixture.js';

const fs = new NodeFileSystem();
let root: string;
let crowded: RunResult;
let small: RunResult;

/** A merged night of four runners (12 systems: more than the charts' colours) and one of three (9 systems). */
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'crowded-report-'));
  crowded = mergedNight(nightlyRunnerRuns({ strata: 200, meshes: ['istio', 'linkerd', 'cilium', 'istio-ambient'] }));
  addClusterDetail(crowded);
  small = mergedNight(nightlyRunnerRuns({ strata: 200, meshes: ['istio', 'linkerd', 'cilium'] }));
  addClusterDetail(small);
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The lines of one `## ` section of a report. */
function section(report: string, heading: string): string {
  const start = report.indexOf(`\n## ${heading}`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = report.indexOf('\n## ', start + 1);
  return report.slice(start, end < 0 ? undefined : end);
}

/** The header rows of every table in a text. */
function headers(text: string): string[] {
  return text.split('\n').filter((line, i, all) => line.startsWith('| ') && all[i + 1]?.startsWith('|---'));
}

describe('the report of a run with more systems than the charts have colours', () => {
  it('is the same from the compact record as from the full results (compact by design, not by input)', async () => {
    expect(crowded.systems.length).toBeGreaterThan(MAX_CHART_SERIES);
    const file = join(root, 'night', 'record.json');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, serializeRecord(makeRecord(crowded)));
    const read = await readRun(file, { fs });
    expect(renderMarkdown(recordReportView(read.record))).toBe(renderMarkdown(crowded));
  });

  it('keeps the columns a reader compares and names where the rest is', () => {
    const report = renderMarkdown(crowded);
    const steps = section(report, 'Results by step');
    for (const h of headers(steps)) expect(h).toBe('| system | valid reps | p50 | p99 | p99.9 | throughput | flags |');
    expect(steps).toContain('p90, max and the CV of p50 are in record.json.gz');
    // A 9-system run keeps every column.
    for (const h of headers(section(renderMarkdown(small), 'Results by step'))) {
      expect(h).toBe('| system | valid reps | p50 | p90 | p99 | p99.9 | max | throughput | CV p50 | flags |');
    }
  });

  it('says each comparison\'s verdict without repeating its shifts, and its coverage once', () => {
    const added = section(renderMarkdown(crowded), 'Added latency');
    expect(headers(added)).toEqual(['| step | system − reference | Δp50 | p (p50) | Δp99 | p (p99) | verdict | scope |']);
    const rows = added.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| step |'));
    expect(rows).toHaveLength(crowded.comparisons.length);
    expect(rows.some((r) => r.includes('| p50, p99: significant |'))).toBe(true);
    for (const r of rows) expect(r).not.toMatch(/adds \d|saves \d/);
    expect(added).toContain('*none > X*: no difference larger than X at n=5');
    expect(section(renderMarkdown(small), 'Added latency')).toMatch(/adds \d+ µs at p50 \(significant\)/);
  });

  it('writes each runner once, naming the systems it measured', () => {
    const runners = section(renderMarkdown(crowded), 'Runners');
    const rows = runners.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| system') && !l.startsWith('|---'));
    expect(rows).toHaveLength(4);
    expect(rows.find((r) => r.startsWith('| baseline@istio, istio, istio/unmeshed |'))).toBeDefined();
    const smallRows = section(renderMarkdown(small), 'Runners').split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| system') && !l.startsWith('|---'));
    expect(smallRows).toHaveLength(small.systems.length);
  });

  it('lists each cluster\'s phases on one row, its id written once', () => {
    const phases = section(renderMarkdown(crowded), 'Phases');
    expect(headers(phases)).toEqual(['| system | phases (took) | outcome |']);
    const ids = phases.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| system')).map((l) => l.split(' | ')[0]!.slice(2));
    expect(ids.length).toBeGreaterThan(0);
    expect(new Set(ids).size).toBe(ids.length);
    expect(phases).toMatch(/\| cluster create \d[^|]*; .*measure \(\d+ repetitions; longest [^)]+\) \d[^|]* \| ok \|/);
    expect(headers(section(renderMarkdown(small), 'Phases'))).toEqual(['| system | phase | took | outcome |']);
  });

  it('gives the resource medians without maxima, and the cost per 1000 req/s in vCPU only, at the headline step only, saying where the rest is', () => {
    const report = renderMarkdown(crowded);
    const resources = section(report, 'Resources (kubelet /metrics/resource)');
    const perRole = resources.slice(0, resources.indexOf('## Cost per 1000 req/s'));
    expect(perRole).not.toContain('(max ');
    expect(perRole).toContain('the highest maximum is left to record.json.gz');
    const cost = section(report, 'Cost per 1000 req/s');
    for (const h of headers(cost)) {
      expect(h).not.toContain('at (throughput)');
      expect(h).toContain('(vCPU)');
    }
    expect(cost.split('\n').filter((l) => l.startsWith('| ') && l.includes('MiB'))).toEqual([]);
    expect(cost).toContain('vCPU per 1000 req/s only');
    // At the headline step alone (the rate step nearest 1000 req/s), naming where every step's figures are.
    const headline = headlineLoadStep(crowded.scenario.steps)!.name;
    expect(crowded.scenario.steps.length).toBeGreaterThan(1);
    const subheadings = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('### '));
    expect(subheadings(perRole)).toEqual([`### ${headline}`]);
    expect(subheadings(cost)).toEqual([`### ${headline}`]);
    expect(perRole).toContain(`the table is the headline step's (${headline}) alone: every step's figures are in record.json.gz (\`aggregate.resources\`) and in the run's results.json`);
    expect(cost).toContain(`(\`aggregate.perThousandRps\`) and in the run's results.json`);
    const smallReport = renderMarkdown(small);
    const allSteps = crowded.scenario.steps.map((st) => `### ${st.name}`);
    expect(subheadings(section(smallReport, 'Resources (kubelet /metrics/resource)').split('## Cost per 1000 req/s')[0]!)).toEqual(allSteps);
    expect(subheadings(section(smallReport, 'Cost per 1000 req/s'))).toEqual(allSteps);
    expect(section(smallReport, 'Resources (kubelet /metrics/resource)')).toContain('(max ');
    expect(headers(section(smallReport, 'Cost per 1000 req/s'))[0]).toContain('at (throughput)');
  });
});
