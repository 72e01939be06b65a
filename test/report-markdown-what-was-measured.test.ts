import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/render-markdown.js';
import type { RunResult } from '../src/core/result-schema.js';
import { section } from './helpers/markdown-sections.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const STARTED =
  'Started 2026-11-21T05:49:00.000Z, finished 2026-11-21T06:10:03.000Z, by `bench run --scenario scenarios/two-systems.yaml --mesh baseline,istio-ambient,istio`.';
const RATE_BASIS =
  'For rate steps latency is measured from the intended send time, so a stall in the system under test also delays the requests queued behind it and shows up in the numbers instead of being hidden.';
const CLOSED_BASIS = 'For closed-loop steps latency is measured from the actual send.';

function measured(r: RunResult): string[] {
  return section(renderMarkdown(r), '## What was measured').split('\n');
}

describe('report: what was measured', () => {
  it('describes the fixture: systems and where they ran, the workload, every step, repetitions, basis and validity rules', () => {
    expect(measured(loadTwoSystemFixture())).toEqual([
      '',
      'Measured 3 systems on a kind cluster: baseline (reference), istio-ambient, istio. ' +
        'Each ran an HTTP workload (1 hop, 1 replica per hop, 1024-byte responses, no added service time, path `/echo`) through 2 load steps — ' +
        'rate-1k (open loop at 1000 req/s, poisson arrivals, 8–64 connections, 20 s measured after 5 s warm-up); ' +
        'conn-4 (closed loop, 4 connections, 5 s measured after 2 s warm-up) — 3 repetitions each. ' +
        `${RATE_BASIS} ${CLOSED_BASIS} ` +
        'Reported values are medians over the valid repetitions with a 95% bootstrap interval (seed 42). ' +
        'A repetition is invalid when more than 1% of requests failed or a rate step achieved less than 95% of its target rate.',
      '',
      '> Added latency of Istio ambient over no mesh, one hop, small responses.',
      '',
      STARTED,
      '',
    ]);
  });

  it('uses plurals, service time, installs and fractional thresholds as the scenario gives them, and leaves out an empty description', () => {
    const r = loadTwoSystemFixture();
    r.systems = [{ ...r.systems[0]!, target: 'local' }];
    r.reference = null;
    r.scenario.workload = { responseBytes: 64, serviceDelayUs: 250, hops: 3, replicas: 2, path: '/a b' };
    r.scenario.repetitions = 1;
    r.scenario.installs = 2;
    r.scenario.errorBudget = 0.005;
    r.scenario.description = '  ';
    const conn = r.scenario.steps[1]!;
    r.scenario.steps = [
      { ...conn, name: 'c1', connections: 1 },
      { ...conn, name: 'max-2', mode: 'max', connections: 2 },
    ];
    expect(measured(r)).toEqual([
      '',
      'Measured 1 system as local processes on one machine: baseline. ' +
        'Each ran an HTTP workload (3 hops, 2 replicas per hop, 64-byte responses, 250 µs service time, path `/a b`) through 2 load steps — ' +
        'c1 (closed loop, 1 connection, 5 s measured after 2 s warm-up); ' +
        'max-2 (closed loop as fast as possible, 2 connections, 5 s measured after 2 s warm-up) — 1 repetition on each of 2 fresh installs per system (2 in all). ' +
        `${CLOSED_BASIS} ` +
        'Reported values are medians over the valid repetitions with a 95% bootstrap interval (seed 42). ' +
        'A repetition is invalid when more than 0.5% of requests failed.',
      '',
      STARTED,
      '',
    ]);
  });

  it('joins the places systems ran, puts a multi-line description on one line, and says "each" for a single install', () => {
    const r = loadTwoSystemFixture();
    r.systems[1]!.target = 'existing';
    r.systems[2]!.target = 'local';
    r.scenario.installs = 1;
    r.scenario.description = 'line one\n  line two';
    r.scenario.steps = [{ ...r.scenario.steps[1]!, name: 'c1', connections: 1 }];
    const lines = measured(r);
    expect(lines[1]).toMatch(
      /^Measured 3 systems on a kind cluster and on an existing Kubernetes cluster and as local processes on one machine: baseline \(reference\), istio-ambient, istio\. /,
    );
    expect(lines[1]).toContain(' through 1 load step — c1 (closed loop, 1 connection, 5 s measured after 2 s warm-up) — 3 repetitions each. ');
    expect(lines.slice(2)).toEqual(['', '> line one line two', '', STARTED, '']);
  });

  it('says no system was measured when there is none, and gives the rate basis alone for rate steps alone', () => {
    const r = loadTwoSystemFixture();
    r.systems = [];
    r.scenario.steps = [r.scenario.steps[0]!];
    const paragraph = measured(r)[1]!;
    expect(paragraph.startsWith('No system was measured. Each ran an HTTP workload')).toBe(true);
    expect(paragraph).toContain(`— 3 repetitions each. ${RATE_BASIS} Reported values`);
    expect(paragraph).not.toContain(CLOSED_BASIS);
  });

  it('describes an slo step by its objective, or as "an objective" without one', () => {
    const r = loadTwoSystemFixture();
    const conn = r.scenario.steps[1]!;
    const slo = {
      objective: { latency: [{ percentile: 'p99' as const, maxUs: 5000 }], errorRate: 0.01 },
      startRate: 100,
      minRate: 10,
      maxRate: null,
      engineCeiling: null,
      precision: 0.1,
      confirmations: 1,
      connections: null,
      maxConnections: null,
    };
    r.scenario.steps = [
      { ...conn, name: 'cap', mode: 'slo', slo },
      { ...conn, name: 'bare', mode: 'slo' },
    ];
    expect(measured(r)[1]).toContain(
      ' through 2 load steps — cap (search for the highest fixed rate meeting p99 ≤ 5 ms, errors ≤ 1.0%, probes of 5 s measured after 2 s warm-up); ' +
        'bare (search for the highest fixed rate meeting an objective, probes of 5 s measured after 2 s warm-up) — ',
    );
  });

  it("says an slo step's probes are paced: latency from the intended send and the achieved-rate rule, never the closed-loop basis", () => {
    const r = loadTwoSystemFixture();
    const [rate, conn] = [r.scenario.steps[0]!, r.scenario.steps[1]!];
    const sloStep = { ...conn, name: 'cap', mode: 'slo' as const };
    r.scenario.steps = [sloStep];
    const onlySlo = measured(r)[1]!;
    expect(onlySlo).toContain(
      ' — 3 repetitions each. For slo probes latency is measured from the intended send time, so a stall in the system under test also delays the requests queued behind it and shows up in the numbers instead of being hidden. Reported values',
    );
    expect(onlySlo).not.toContain(CLOSED_BASIS);
    expect(onlySlo).toContain('failed or an slo probe achieved less than 95% of its target rate.');

    r.scenario.steps = [rate, sloStep, conn];
    const all = measured(r)[1]!;
    expect(all).toContain(' — 3 repetitions each. For rate steps and slo probes latency is measured from the intended send time');
    expect(all).toContain(`instead of being hidden. ${CLOSED_BASIS} Reported values`);
    expect(all).toContain('failed or a rate step or an slo probe achieved less than 95% of its target rate.');
  });
});
