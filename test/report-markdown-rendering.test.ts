import { beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RunResult } from '../src/core/result-schema.js';
import { renderMarkdown, smallestPValue, verdict } from '../src/report/render-markdown.js';
import { legacyComparison } from './helpers/report-comparisons.js';
import { est } from './helpers/report-resources-run.js';
import { buildTwoSystemRun, fixtureJson, loadTwoSystemFixture } from './helpers/run-result-factory.js';

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = heading.split(' ')[0] ?? '##';
  const rest = markdown.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level.length}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

function tableRow(markdown: string, firstCells: string): string {
  const row = markdown.split('\n').find((line) => line.startsWith(`| ${firstCells} |`));
  if (!row) throw new Error(`no row starting with ${firstCells}`);
  return row;
}

const significantComparison = legacyComparison({
  system: 'istio-ambient',
  deltaP50Us: est(35, 20, 50),
  deltaP99Us: est(1200, -100, 2500),
  pValueP50: 0.008,
  pValueP99: 0.3,
});

describe('the two-system fixture', () => {
  it('is what the factory builds, byte for byte (so it is deterministic and can be regenerated)', async () => {
    await expect(fixtureJson(buildTwoSystemRun())).toMatchFileSnapshot('fixtures/results/run-two-systems.json');
  });
});

describe('the markdown report', () => {
  const fixture = loadTwoSystemFixture();
  let report: string;
  beforeEach(() => {
    report = renderMarkdown(fixture);
  });

  it('matches the reviewed rendering of the fixture', async () => {
    await expect(report).toMatchFileSnapshot('fixtures/results/run-two-systems.report.md');
  });

  it('names the scenario and the run in the title', () => {
    expect(report.split('\n')[0]).toBe('# mesh-bench: two-systems — run 2026-11-21T05-49-00Z-two-systems');
  });

  it('says which latency each kind of step measures', () => {
    const what = section(report, '## What was measured');
    expect(what).toContain('For rate steps latency is measured from the intended send time');
    expect(what).toContain('For closed-loop steps latency is measured from the actual send.');
    expect(section(report, '### rate-1k')).toContain('Latency from the intended send time');
    expect(section(report, '### conn-4')).toContain('Latency from the actual send');
  });

  it('lists an invalid repetition with its reason under its step', () => {
    const step = section(report, '### rate-1k');
    expect(step).toContain(
      '- istio-ambient, repetition 2: **invalid** — achieved rate 912.0 req/s is below 95% of the 1000 req/s target',
    );
    expect(step).toContain(
      '- istio-ambient: 1 of 3 repetitions invalid: #2 achieved rate 912.0 req/s is below 95% of the 1000 req/s target',
    );
    expect(tableRow(step, 'istio-ambient')).toContain('| 2/3 |');
    expect(tableRow(step, 'istio-ambient')).toMatch(/\| 1 invalid \|$/);
  });

  it('shows medians with their intervals in readable units', () => {
    const row = tableRow(section(report, '### rate-1k'), 'baseline');
    expect(row).toBe(
      '| baseline | 3/3 | 320 µs [312–325] | 500 µs [489–508] | 724 µs [707–734] | 938 µs [919–986] | 1.34 ms | 1000 req/s [1000–1000] | 2.1% |  |',
    );
    expect(tableRow(section(report, '### rate-1k'), 'istio-ambient')).toContain('| 1.03 ms [1.03–1.03] |');
  });

  it('flags a noisy step and explains the flag', () => {
    const step = section(report, '### conn-4');
    expect(tableRow(step, 'istio-ambient')).toMatch(/\| 14\.7% \| noisy \|$/);
    expect(step).toContain('- istio-ambient: noisy: CV of p50 14.7% > 10%');
    expect(step).toContain('*noisy*: the p50 varies across repetitions by more than the 10% coefficient of variation');
    expect(section(report, '### rate-1k')).not.toContain('*noisy*');
  });

  it('keeps a row for a system that failed before measuring', () => {
    expect(tableRow(section(report, '### conn-4'), 'istio')).toBe(
      '| istio | – | – | – | – | – | – | – | – | not measured: failed at `prepare` (see Status) |',
    );
    expect(section(report, '### conn-4')).not.toContain('no valid repetitions');
  });

  it('shows the failed system with its step, message, pasteable command and output without colour codes', () => {
    const failure = section(report, '### istio failed at `prepare`');
    expect(failure).toContain('command failed (exit code 1): istioctl install --skip-confirmation');
    expect(failure).toContain('```sh\nistioctl install --skip-confirmation --set profile=minimal --kubeconfig /tmp/mesh-bench-Qx81f2/istio/kubeconfig\n```');
    expect(failure).toContain('✘ Istiod encountered an error');
    expect(failure).not.toContain('\u001b');
    expect(section(report, '## Status')).toContain('Run **failed**: 2 of 3 systems completed.');
  });

  it('gives the verdict "no significant difference" at the repetitions actually compared', () => {
    const comparisons = section(report, '## Added latency');
    expect(tableRow(comparisons, 'rate-1k')).toMatch(/\| no significant difference at n=3 vs 2 \|$/);
    expect(tableRow(comparisons, 'conn-4')).toMatch(/\| no significant difference at n=3 \|$/);
    expect(tableRow(comparisons, 'rate-1k')).toContain('| +87 µs [+81, +95] | 0.100 |');
    expect(comparisons).toContain('run 5 or more repetitions per system');
  });

  it('says a significant added latency in plain words', () => {
    const result = structuredClone(fixture);
    result.comparisons = [significantComparison];
    const row = tableRow(section(renderMarkdown(result), '## Added latency'), 'rate-1k');
    expect(row).toMatch(/\| adds 35 µs at p50 \(significant\); p99: no significant difference at n=5 \|$/);
    expect(row).toContain('| +35 µs [+20, +50] | 0.008 | +1.20 ms [-0.10, +2.50] | 0.300 |');
    expect(section(renderMarkdown(result), '## Added latency')).not.toContain('repetitions per system');
  });

  it('embeds the resolved scenario as YAML that reads back to the same scenario', () => {
    const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(section(report, '## Scenario'))?.[1];
    expect(parseYaml(yamlBlock ?? '')).toEqual(fixture.scenario);
  });

  it('reports the environment, the harness commit and every tool version', () => {
    const env = section(report, '## Environment');
    expect(env).toContain('- CPU: AMD EPYC 7763 64-Core Processor, 4 cores');
    expect(env).toContain('- OS: linux x64, kernel 6.8.0-1017-azure');
    expect(env).toContain('- Node.js: v20.19.5');
    expect(env).toContain('- harness: mesh-bench 0.1.0, commit 280c901d6b4f0a3e5c7d9e1f2a4b6c8d0e1f3a5b\n');
    expect(env).toContain('| autocannon | 9.0.0 |');
    expect(env).toContain('| istio | – | 1.28.0 | – |');
  });

  it('embeds a percentile spectrum per step and the added latency as SVG files beside the report', () => {
    const charts = section(report, '## Charts');
    expect(charts).toContain(
      '![Latency percentiles p50 to p99.99 at 1000 req/s (rate-1k), one line per system: baseline, istio-ambient](charts/spectrum-rate-1k.svg)',
    );
    expect(charts).toContain('](charts/spectrum-conn-4.svg)');
    expect(charts).toContain('](charts/added-latency.svg)');
  });
});

describe('verdicts', () => {
  it('call a difference significant only when the interval excludes 0 and p < 0.05', () => {
    expect(verdict(significantComparison)).toBe('adds 35 µs at p50 (significant); p99: no significant difference at n=5');
    const p99Only = { ...significantComparison, pValueP50: 0.05, pValueP99: 0.01, deltaP99Us: { value: 1200, ci95: [300, 2500] as [number, number] } };
    expect(verdict(p99Only)).toBe('p50: no significant difference at n=5; adds 1.20 ms at p99 (significant)');
    const intervalTouchesZero = { ...significantComparison, deltaP50Us: { value: 35, ci95: [0, 50] as [number, number] } };
    expect(verdict(intervalTouchesZero)).toBe('no significant difference at n=5');
  });

  it('say "saves" when the system is faster than the reference', () => {
    const faster = { ...significantComparison, deltaP50Us: { value: -12, ci95: [-20, -4] as [number, number] } };
    expect(verdict(faster)).toBe('saves 12 µs at p50 (significant); p99: no significant difference at n=5');
  });

  it('name both sample sizes when they differ', () => {
    const uneven = { ...significantComparison, pValueP50: 0.5, repetitions: { reference: 5, system: 4 } };
    expect(verdict(uneven)).toBe('no significant difference at n=5 vs 4');
  });

  it('know the smallest p an exact permutation test can give', () => {
    expect(smallestPValue(3, 3)).toBeCloseTo(0.1, 10);
    expect(smallestPValue(3, 2)).toBeCloseTo(0.1, 10);
    expect(smallestPValue(5, 5)).toBeCloseTo(2 / 252, 10);
  });
});

describe('reports of unusual runs', () => {
  const fixture = loadTwoSystemFixture();

  it('say why nothing could be compared, per system, when no comparison was made', () => {
    const result: RunResult = { ...structuredClone(fixture), reference: null, comparisons: [] };
    expect(section(renderMarkdown(result), '## Added latency')).toContain(
      'Nothing could be compared — baseline: nothing to compare with (no baseline, no unmeshed namespace); ' +
        'istio-ambient: nothing to compare with (no baseline, no unmeshed namespace); istio: not measured: failed at prepare.',
    );
  });

  it('say there is nothing to chart when no step has valid repetitions', () => {
    const result = structuredClone(fixture);
    for (const sys of result.systems) {
      for (const step of sys.steps) Object.assign(step.aggregate, { validRepetitions: 0, median: null, merged: null, mergedHistogram: null });
    }
    result.comparisons = [];
    const charts = section(renderMarkdown(result), '## Charts');
    expect(charts).toContain('No step has valid repetitions, so there is nothing to chart.');
    expect(charts).not.toContain('![');
  });

  it('mark a dirty checkout and a missing one', () => {
    const dirty = structuredClone(fixture);
    dirty.environment.harnessDirty = true;
    expect(renderMarkdown(dirty)).toContain('commit 280c901d6b4f0a3e5c7d9e1f2a4b6c8d0e1f3a5b (with uncommitted changes)');
    const none = structuredClone(fixture);
    none.environment.harnessCommit = null;
    none.environment.harnessDirty = null;
    expect(renderMarkdown(none)).toContain('- harness: mesh-bench 0.1.0, commit not a git checkout');
  });

  it('keep a table intact when a message holds a pipe or a newline', () => {
    const result = structuredClone(fixture);
    const sidecar = result.systems[2];
    if (!sidecar) throw new Error('fixture changed');
    sidecar.id = 'odd|name';
    const row = tableRow(section(renderMarkdown(result), '## Status'), 'odd\\|name');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(7);
  });

  it('show only the tail of a long failure output and say where the rest is', () => {
    const result = structuredClone(fixture);
    const failure = result.systems[2]?.failure;
    if (!failure) throw new Error('fixture changed');
    failure.output = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const text = section(renderMarkdown(result), '### istio failed at `prepare`');
    expect(text).toContain('Its output (last 60 lines; 40 more in results.json):');
    expect(text).toContain('```text\nline 41\n');
    expect(text).not.toContain('line 40\n');
  });

  it('quotes a failing command so it can be pasted into a shell', () => {
    const result = structuredClone(fixture);
    const failure = result.systems[2]?.failure;
    if (!failure) throw new Error('fixture changed');
    failure.command = ['istioctl', 'install', '--set', "meshConfig.accessLogFormat=%REQ(:METHOD)% 'upstream'"];
    expect(renderMarkdown(result)).toContain("```sh\nistioctl install --set 'meshConfig.accessLogFormat=%REQ(:METHOD)% '\\''upstream'\\'''\n```");
  });

  it('fence output that itself contains a code fence', () => {
    const result = structuredClone(fixture);
    const failure = result.systems[2]?.failure;
    if (!failure) throw new Error('fixture changed');
    failure.output = 'before\n```\nafter';
    expect(renderMarkdown(result)).toContain('````text\nbefore\n```\nafter\n````');
  });
});

describe('a run stopped before any system ran', () => {
  it('still renders every section', () => {
    const fixture = loadTwoSystemFixture();
    const result: RunResult = { ...structuredClone(fixture), status: 'interrupted', systems: [], comparisons: [] };
    const report = renderMarkdown(result);
    expect(section(report, '## What was measured')).toContain('No system was measured.');
    expect(section(report, '## Status')).toContain('Run **interrupted**: 0 of 0 systems completed.');
    expect(section(report, '## Added latency')).toContain('No system was measured, so nothing is compared.');
    expect(section(report, '## Verdict')).toContain('No system was measured, so there is nothing to report.');
    expect(section(report, '## Charts')).toContain('nothing to chart');
    expect(report).toContain('## Scenario');
  });
});
