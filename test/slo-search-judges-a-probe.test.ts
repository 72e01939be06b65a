import { describe, expect, it } from 'vitest';
import { judgeProbe } from '../src/load/slo-search.js';
import { P99_5MS, probeRun, summary } from './helpers/slo-capacity-model.js';

/** judgeProbe (src/load/slo-search.ts): one probe's run against the objective, every field of its verdict. */
const LAT = summary({ p50Us: 1100, p90Us: 2200, p99Us: 3300, p999Us: 4400 });
const RESTARTED = 'target not intact: pod bench/server-1 restarted (restartCount 0 → 1)';
const SHORT = 'achieved rate 900.0/1000 req/s (90.0%) is below 99% of target';
const BLOWN = 'error rate 0.50% exceeds budget 0.10% (non-2xx 50, socket errors 0, timeouts 0, unanswered 0 of 10000 sent)';

/** The whole verdict expected of a probe with no errors: its rates, the latency it read, its outcome and reasons. */
function errorFreeVerdict(rate: number, achievedRate: number, latencyUs: Record<string, number> | null, outcome: string, reasons: string[]): object {
  return { rate, achievedRate, errorRate: 0, latencyUs, outcome, reasons };
}

describe('judging one probe against the objective', () => {
  it('reads each percentile of the objective from its own field of the intended latency', () => {
    const all = {
      latency: [
        { percentile: 'p50' as const, maxUs: 10_000 },
        { percentile: 'p90' as const, maxUs: 10_000 },
        { percentile: 'p99' as const, maxUs: 10_000 },
        { percentile: 'p999' as const, maxUs: 10_000 },
      ],
      errorRate: 0.01,
    };
    expect(judgeProbe(1000, probeRun({ rate: 1000, achievedRate: 998.5, errorRate: 0.002, intended: LAT }), all)).toEqual({
      rate: 1000,
      achievedRate: 998.5,
      errorRate: 0.002,
      latencyUs: { p50: 1100, p90: 2200, p99: 3300, p999: 4400 },
      outcome: 'meets',
      reasons: [],
    });
  });

  it('records only the percentiles the objective names', () => {
    const p = judgeProbe(500, probeRun({ rate: 500, intended: LAT }), P99_5MS);
    expect(p.latencyUs).toEqual({ p99: 3300 });
  });

  it('meets a limit exactly reached and misses one exceeded by a microsecond, naming each percentile over', () => {
    const two = { latency: [{ percentile: 'p90' as const, maxUs: 2200 }, { percentile: 'p99' as const, maxUs: 3300 }], errorRate: 0.001 };
    expect(judgeProbe(100, probeRun({ rate: 100, intended: LAT }), two)).toMatchObject({ outcome: 'meets', reasons: [] });
    const over = summary({ p50Us: 1100, p90Us: 2201, p99Us: 3301, p999Us: 4400 });
    expect(judgeProbe(100, probeRun({ rate: 100, intended: over }), two)).toMatchObject({
      outcome: 'misses',
      reasons: ['p90 2201 µs > 2200 µs', 'p99 3301 µs > 3300 µs'],
    });
    const oneOver = summary({ p50Us: 1100, p90Us: 2100, p99Us: 3301, p999Us: 4400 });
    expect(judgeProbe(100, probeRun({ rate: 100, intended: oneOver }), two).reasons).toEqual(['p99 3301 µs > 3300 µs']);
  });

  it('misses a probe with no latency from the intended instant, saying it was not an open-loop run', () => {
    expect(judgeProbe(100, probeRun({ rate: 100, intended: null }), P99_5MS)).toEqual(errorFreeVerdict(100, 100, null, 'misses', ['no latency from the intended instant (not an open-loop run)']));
  });

  it('counts a rate not sustained as a miss, keeping the step\'s reason before the latency ones', () => {
    const slow = summary({ p50Us: 1000, p90Us: 2000, p99Us: 6000, p999Us: 9000 });
    expect(judgeProbe(1000, probeRun({ rate: 1000, achievedRate: 900, invalidReasons: [SHORT], intended: slow }), P99_5MS)).toEqual(errorFreeVerdict(1000, 900, { p99: 6000 }, 'misses', [SHORT, 'p99 6000 µs > 5000 µs']));
    // The step's reason alone makes the miss, whatever the latency.
    expect(judgeProbe(1000, probeRun({ rate: 1000, achievedRate: 900, invalidReasons: [SHORT] }), P99_5MS)).toMatchObject({
      outcome: 'misses',
      reasons: [SHORT],
    });
  });

  it('calls a probe broken on any reason that is not the load, and keeps only those reasons', () => {
    const p = judgeProbe(400, probeRun({ rate: 400, achievedRate: 360, invalidReasons: [SHORT, RESTARTED, 'stopped early (interrupted before the measured window ended)'] }), P99_5MS);
    expect(p).toEqual(errorFreeVerdict(400, 360, { p99: 3000 }, 'broken', [RESTARTED, 'stopped early (interrupted before the measured window ended)']));
  });

  it("misses a probe over the objective's error rate and says by how much, in percent with two decimals", () => {
    expect(judgeProbe(100, probeRun({ rate: 100, errorRate: 0.005 }), P99_5MS)).toMatchObject({
      outcome: 'misses',
      errorRate: 0.005,
      reasons: ['error rate 0.50% > 0.10%'],
    });
    // Exactly at the objective's error rate is within it.
    expect(judgeProbe(100, probeRun({ rate: 100, errorRate: 0.001 }), P99_5MS)).toMatchObject({ outcome: 'meets', reasons: [] });
  });

  it('does not name a blown error budget twice when the step already named it', () => {
    expect(judgeProbe(100, probeRun({ rate: 100, errorRate: 0.005, invalidReasons: [BLOWN] }), P99_5MS).reasons).toEqual([BLOWN]);
  });

  it('names the error rate when the step was invalid for another load reason only', () => {
    expect(judgeProbe(100, probeRun({ rate: 100, achievedRate: 90, errorRate: 0.005, invalidReasons: [SHORT] }), P99_5MS).reasons).toEqual([
      SHORT,
      'error rate 0.50% > 0.10%',
    ]);
  });
});
