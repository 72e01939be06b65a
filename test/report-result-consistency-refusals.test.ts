import { describe, expect, it } from 'vitest';
import type { RepetitionResult, RunResult } from '../src/core/result-schema.js';
import { resultProblems } from '../src/report/result-consistency.js';
import { loadTwoSystemFixture } from './helpers/run-result-factory.js';

const SOURCE = '/results/run/results.json';
const REP = 'systems[0].steps[0].repetitions[0]';
/** An HdrHistogram holding no values, as the encoder writes it. */
const EMPTY_HISTOGRAM = 'HISTFAAAAB14nJNpmSzMwMDACMXMDBAAYjMwT25ngPMBP/YCaw==';

/** The problems resultProblems finds in the fixture after `edit`, as `field: message` lines. */
function problems(edit: (result: RunResult) => void): string[] {
  const result = structuredClone(loadTwoSystemFixture());
  edit(result);
  const found = resultProblems(result, SOURCE);
  expect(found.every((p) => p.source === SOURCE)).toBe(true);
  return found.map((p) => `${p.field}: ${p.message}`);
}

/** The first repetition of the first step of the first system (20 s at 1000/s: 20000 sent, all completed). */
function rep0(result: RunResult): RepetitionResult {
  const rep = result.systems[0]?.steps[0]?.repetitions[0];
  if (!rep) throw new Error('fixture changed');
  return rep;
}

describe('a results file that contradicts itself is refused with the field and the figures', () => {
  it('finds nothing in the fixture as written', () => {
    expect(problems(() => {})).toEqual([]);
  });

  it('a reference that is not one of the systems of a completed run, listing the systems', () => {
    expect(
      problems((r) => {
        r.status = 'completed';
        r.reference = 'ghost';
      }),
    ).toEqual(['reference: "ghost" is not one of the systems (baseline, istio-ambient, istio)']);
  });

  it('but not while the run is unfinished or has no systems yet', () => {
    expect(problems((r) => (r.reference = 'ghost'))).toEqual([]);
    expect(
      problems((r) => {
        r.status = 'completed';
        r.reference = 'ghost';
        r.systems = [];
        r.comparisons = [];
      }),
    ).toEqual([]);
  });

  it('status codes that do not add up to the completed responses', () => {
    expect(problems((r) => (rep0(r).counts.statusCodes = { '200': 19_990, '503': 5 }))).toEqual([
      `${REP}.counts.statusCodes: add up to 19995, but completed is 20000`,
    ]);
  });

  it('more responses completed than requests sent', () => {
    expect(
      problems((r) => {
        rep0(r).counts.sent = 19_999;
        rep0(r).achievedRate = 999.95;
      }),
    ).toEqual([`${REP}.counts.completed: is 20000, more than the 19999 requests sent`]);
  });

  it('an error rate above 1, but not one of exactly 1', () => {
    expect(problems((r) => (rep0(r).errorRate = 1.001))).toEqual([
      `${REP}.errorRate: is 1.001: a fraction of the requests sent cannot exceed 1`,
    ]);
    expect(problems((r) => (rep0(r).errorRate = 1))).toEqual([]);
  });

  it('a throughput off by more than 1 in 1000 of the completed responses, with the figures', () => {
    // 20000 completed: 20 responses of rounding allowed either way.
    expect(problems((r) => (rep0(r).throughput = 1001))).toEqual([]);
    expect(problems((r) => (rep0(r).throughput = 999))).toEqual([]);
    expect(problems((r) => (rep0(r).throughput = 1001.5))).toEqual([
      `${REP}.throughput: is 1001.5/s over 20 s, but 20000 responses completed`,
    ]);
    expect(problems((r) => (rep0(r).throughput = 998.5))).toEqual([
      `${REP}.throughput: is 998.5/s over 20 s, but 20000 responses completed`,
    ]);
  });

  it('allows a throughput of exactly 1 in 1000 of the completed responses off, and refuses more', () => {
    const over1s = (throughput: number): string[] =>
      problems((r) => {
        const rep = rep0(r);
        rep.durationS = 1;
        rep.achievedRate = 20_000;
        rep.throughput = throughput;
      });
    expect(over1s(20_020)).toEqual([]);
    expect(over1s(19_980)).toEqual([]);
    expect(over1s(20_021)).toEqual([`${REP}.throughput: is 20021/s over 1 s, but 20000 responses completed`]);
  });

  it('allows an achieved rate of exactly 1 in 1000 over the requests sent, and refuses more', () => {
    const over1s = (achievedRate: number): string[] =>
      problems((r) => {
        rep0(r).durationS = 1;
        rep0(r).throughput = 20_000;
        rep0(r).achievedRate = achievedRate;
      });
    expect(over1s(20_020)).toEqual([]);
    expect(over1s(20_021)).toEqual([`${REP}.achievedRate: is 20021/s over 1 s, more than the 20000 requests sent`]);
  });

  it('allows one response or request of rounding when a repetition got no responses', () => {
    const none = (throughput: number, achievedRate: number): string[] =>
      problems((r) => {
        const rep = rep0(r);
        rep.counts = { ...rep.counts, sent: 0, completed: 0, ok: 0, statusCodes: {} };
        rep.latency = {
          sent: {
            summary: { count: 0, minUs: 0, meanUs: 0, stdevUs: 0, p50Us: 0, p90Us: 0, p99Us: 0, p999Us: 0, maxUs: 0 },
            histogram: { ...rep.latency.sent.histogram, data: EMPTY_HISTOGRAM },
          },
          intended: null,
        };
        rep.throughput = throughput;
        rep.achievedRate = achievedRate;
      });
    expect(none(0.05, 0.05)).toEqual([]);
    expect(none(0.1, 0)).toEqual([`${REP}.throughput: is 0.1/s over 20 s, but 0 responses completed`]);
    expect(none(0, 0.1)).toEqual([`${REP}.achievedRate: is 0.1/s over 20 s, more than the 0 requests sent`]);
  });

  it('an install tag equal to the installs the scenario ran is accepted', () => {
    expect(
      problems((r) => {
        r.scenario.installs = 3;
        rep0(r).install = 3;
      }),
    ).toEqual([]);
  });

  it('a repetition marked invalid without a reason, or valid with one', () => {
    expect(
      problems((r) => {
        rep0(r).status = 'invalid';
        r.systems[0]!.steps[0]!.aggregate.validRepetitions -= 1;
      }),
    ).toEqual([`${REP}.status: is "invalid" with 0 invalid reasons`]);
    expect(problems((r) => (rep0(r).invalidReasons = ['the target restarted']))).toEqual([
      `${REP}.status: is "valid" with 1 invalid reasons`,
    ]);
  });

  it('a latency summary that counts other responses than completed', () => {
    expect(
      problems((r) => {
        const rep = rep0(r);
        rep.counts = { ...rep.counts, completed: 19_999, ok: 19_999, statusCodes: { '200': 19_999 } };
      }),
    ).toEqual([`${REP}.latency.sent.summary.count: is 20000, but 19999 responses completed`]);
  });

  it('an intended-time histogram that does not decode, naming that histogram', () => {
    const found = problems((r) => {
      const intended = rep0(r).latency.intended;
      if (!intended) throw new Error('fixture changed');
      intended.histogram = { ...intended.histogram, data: 'bm90IGEgaGlzdG9ncmFt' };
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(new RegExp(`^${REP.replace(/[[\].]/g, '\\$&')}\\.latency\\.intended\\.histogram: does not decode as an HdrHistogram \\(.+\\)$`));
  });

  it('a merged histogram that does not decode, named by its own field', () => {
    const found = problems((r) => {
      const aggregate = r.systems[0]!.steps[0]!.aggregate;
      aggregate.mergedHistogram = { ...aggregate.mergedHistogram!, data: 'bm90IGEgaGlzdG9ncmFt' };
    });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^systems\[0\]\.steps\[0\]\.aggregate\.mergedHistogram: does not decode as an HdrHistogram \(.+\)$/);
  });

  it('a merged summary whose count differs from its histogram', () => {
    const found = problems((r) => {
      const merged = r.systems[0]!.steps[0]!.aggregate.merged!;
      merged.count += 1;
    });
    expect(found).toEqual([
      `systems[0].steps[0].aggregate.mergedHistogram: holds ${loadTwoSystemFixture().systems[0]!.steps[0]!.aggregate.merged!.count} latencies, but its summary says ${loadTwoSystemFixture().systems[0]!.steps[0]!.aggregate.merged!.count + 1}`,
    ]);
  });

  it('percentiles that decrease, naming the first one out of order only', () => {
    const summary = (edit: Record<string, number>): string[] =>
      problems((r) => Object.assign(rep0(r).latency.sent.summary, edit));
    expect(summary({ p50Us: 79 })).toEqual([`${REP}.latency.sent.summary.p50Us: is 79, below minUs 80: percentiles cannot decrease`]);
    expect(summary({ p90Us: 311 })).toEqual([`${REP}.latency.sent.summary.p90Us: is 311, below p50Us 312: percentiles cannot decrease`]);
    expect(summary({ p99Us: 487 })).toEqual([`${REP}.latency.sent.summary.p99Us: is 487, below p90Us 488: percentiles cannot decrease`]);
    expect(summary({ p999Us: 705 })).toEqual([`${REP}.latency.sent.summary.p999Us: is 705, below p99Us 706: percentiles cannot decrease`]);
    expect(summary({ maxUs: 959 })).toEqual([`${REP}.latency.sent.summary.maxUs: is 959, below p999Us 960: percentiles cannot decrease`]);
    expect(summary({ p90Us: 300, p99Us: 200 })).toEqual([
      `${REP}.latency.sent.summary.p90Us: is 300, below p50Us 312: percentiles cannot decrease`,
    ]);
    expect(summary({ p50Us: 80, p90Us: 80, p99Us: 80, p999Us: 80, maxUs: 80 })).toEqual([]);
  });

  it('a comparison whose reference is not one of the systems', () => {
    expect(problems((r) => (r.comparisons[0]!.reference = 'ghost'))).toEqual([
      'comparisons[0].reference: "ghost" is not one of the systems',
    ]);
  });

  it('every problem at once, in the order of the file', () => {
    expect(
      problems((r) => {
        rep0(r).errorRate = 2;
        r.comparisons[1]!.system = 'ghost';
        r.systems.push(structuredClone(r.systems[1]!));
      }),
    ).toEqual([
      'systems[3].id: "istio-ambient" is listed twice (also systems[1]); system ids must be unique',
      `${REP}.errorRate: is 2: a fraction of the requests sent cannot exceed 1`,
      'comparisons[1].system: "ghost" is not one of the systems',
    ]);
  });
});
