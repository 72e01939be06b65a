import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/render-markdown.js';
import type { RunResult } from '../src/core/result-schema.js';
import { section } from './helpers/markdown-sections.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const HEADER = [
  '| system | valid reps | p50 | p90 | p99 | p99.9 | max | throughput | CV p50 | flags |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
];
const CROWDED_HEADER = ['| system | valid reps | p50 | p99 | p99.9 | throughput | flags |', '|---|---:|---:|---:|---:|---:|---|'];
const RATE = 'Open loop at 1000 req/s, poisson arrivals, 8–64 connections, 20 s measured after 5 s warm-up.';
const CONN = 'Closed loop, 4 connections, 5 s measured after 2 s warm-up.';
const WHOLE = 'medians over valid repetitions with 95% intervals; max over all valid repetitions.';
const COMPACT = 'medians over valid repetitions with 95% intervals (p90, max and the CV of p50 are in record.json.gz: `aggregate.median`, `merged`, `cv`).';
const dashes = (id: string, why: string) => `| ${id} | – | – | – | – | – | – | – | – | ${why} |`;

/** A step's section of Results by step, from its `### ` heading to the next one. */
function stepSection(r: RunResult, name: string): string[] {
  return section(section(renderMarkdown(r), '## Results by step'), `### ${name}`).split('\n');
}

describe('report: results by step', () => {
  it('flags a step with no valid repetition, prints dashes for what it lacks, and notes every invalid repetition with its reasons', () => {
    const r = loadTwoSystemFixture();
    const [, ambient, istio] = r.systems as [unknown, RunResult['systems'][number], RunResult['systems'][number]];
    const step = ambient.steps[0]!;
    step.aggregate = { ...step.aggregate, validRepetitions: 0, median: null, merged: null, cv: { p50: null, p99: null, throughput: null }, notes: ['all\nfailed'] };
    step.repetitions.forEach((rep, k) => {
      rep.status = 'invalid';
      rep.invalidReasons = k === 0 ? [] : ['too slow', 'errors\nhigh'];
      rep.warnings = [];
    });
    istio.status = 'interrupted';
    istio.failure = { step: 'warmUp', message: 'interrupted' };
    expect(stepSection(r, 'rate-1k')).toEqual([
      '',
      `${RATE} Latency from the intended send time; ${WHOLE}`,
      '',
      ...HEADER,
      '| baseline | 3/3 | 320 µs [312–325] | 500 µs [489–508] | 724 µs [707–734] | 938 µs [919–986] | 1.34 ms | 1000 req/s [1000–1000] | 2.1% |  |',
      // Three invalid of three: "no valid repetitions" says it, not "3 invalid".
      dashes('istio-ambient', 'no valid repetitions').replace('| istio-ambient | –', '| istio-ambient | 0/3'),
      dashes('istio', 'not measured: interrupted at `warmUp` (see Status)'),
      '',
      '- istio-ambient, repetition 1: **invalid** — no reason recorded',
      '- istio-ambient, repetition 2: **invalid** — too slow; errors high',
      '- istio-ambient, repetition 3: **invalid** — too slow; errors high',
      '- istio-ambient: all failed',
      '',
    ]);
  });

  it('lists steps a system ran beyond the scenario after the scenario\'s, described from the system\'s own step, with its notes', () => {
    const r = loadTwoSystemFixture();
    const baseline = r.systems[0]!;
    const extra = structuredClone(baseline.steps[1]!);
    extra.name = 'extra';
    extra.config = { ...extra.config, name: 'extra', mode: 'max', connections: 1 };
    extra.repetitions = [];
    extra.aggregate.notes = ['nothing ran'];
    baseline.steps.push(extra);
    r.scenario.steps.push({ ...r.scenario.steps[0]!, name: 'later' });
    const all = section(renderMarkdown(r), '## Results by step');
    expect(all.split('\n').filter((l) => l.startsWith('### '))).toEqual(['### rate-1k', '### conn-4', '### later', '### extra']);
    expect(stepSection(r, 'extra')).toEqual([
      '',
      `Closed loop as fast as possible, 1 connection, 5 s measured after 2 s warm-up. Latency from the actual send; ${WHOLE}`,
      '',
      ...HEADER,
      dashes('baseline', 'not measured'),
      dashes('istio-ambient', 'not measured'),
      dashes('istio', 'not measured: failed at `prepare` (see Status)'),
      '',
      // A completed system's notes of a step that ran nothing are kept; the failed system has none to repeat.
      '- baseline: nothing ran',
      '',
    ]);
    // Measured by no system: the basis follows the scenario's mode (rate: intended send time).
    expect(stepSection(r, 'later')[1]).toBe(`${RATE} Latency from the intended send time; ${WHOLE}`);
  });

  it('in a crowded run leaves p90, max and the CV to record.json.gz, and says a failed system without a failure record failed', () => {
    const r = loadTwoSystemFixture();
    const template = r.systems[0]!;
    r.systems = Array.from({ length: 11 }, (_, k) => ({ ...structuredClone(template), id: `s${k}` }));
    const s0 = r.systems[0]!;
    s0.steps = s0.steps.slice(1);
    s0.status = 'failed';
    s0.failure = null;
    r.scenario.steps.push({ ...r.scenario.steps[1]!, name: 'later-conn' });
    const others = (lines: string[]) => lines.filter((l) => !/^\| s([2-9]|10) /.test(l));
    expect(others(stepSection(r, 'rate-1k'))).toEqual([
      '',
      `${RATE} Latency from the intended send time; ${COMPACT}`,
      '',
      ...CROWDED_HEADER,
      '| s0 | – | – | – | – | – | not measured: failed (see Status) |',
      '| s1 | 3/3 | 320 µs [312–325] | 724 µs [707–734] | 938 µs [919–986] | 1000 req/s [1000–1000] |  |',
      '',
    ]);
    // Measured by no system, closed loop: latency from the actual send.
    expect(others(stepSection(r, 'later-conn'))).toEqual([
      '',
      `${CONN} Latency from the actual send; ${COMPACT}`,
      '',
      ...CROWDED_HEADER,
      '| s0 | – | – | – | – | – | not measured: failed (see Status) |',
      '| s1 | – | – | – | – | – | not measured |',
      '',
    ]);
  });
});
