import { describe, expect, it } from 'vitest';
import { isOverloadReason, judgeStep, littlesLaw } from '../src/load/validity.js';
import { VALID_COUNTS, VALID_STEP } from './helpers/validity-input.js';

/**
 * judgeStep and littlesLaw (src/load/validity.ts) on each side of every threshold, with the whole verdict asserted:
 * the rate rule (which modes, the fraction, what the requests that never left are blamed on), the error budget,
 * Little's law's tolerance, and which reasons count as the load being too much for an SLO search.
 */
const counts = VALID_COUNTS;
const base = VALID_STEP;
const REFUSED = 'connection refused (ECONNREFUSED) by 127.0.0.1:9';

describe('the rate rule', () => {
  it('applies to slo probes as to rate steps, giving the whole reason', () => {
    expect(judgeStep({ ...base, mode: 'slo', achievedRate: 985 })).toEqual({
      status: 'invalid',
      invalidReasons: ['achieved rate 985.0/1000 req/s (98.5%) is below 99% of target'],
      warnings: [],
    });
  });

  it('does not apply to closed-loop or max steps, even with a target rate on record', () => {
    for (const mode of ['connections', 'max'] as const) {
      expect(judgeStep({ ...base, mode, achievedRate: 5 })).toEqual({ status: 'valid', invalidReasons: [], warnings: [] });
    }
  });

  it('does not apply to a rate step with no target rate', () => {
    expect(judgeStep({ ...base, targetRate: null, achievedRate: 5 })).toEqual({ status: 'valid', invalidReasons: [], warnings: [] });
  });

  it('accepts an achieved rate at the fraction and refuses one just below it, naming no unsent requests when none', () => {
    const half = { ...base.thresholds, minRateFraction: 0.5 };
    expect(judgeStep({ ...base, achievedRate: 500, thresholds: half }).status).toBe('valid');
    expect(judgeStep({ ...base, achievedRate: 499.94, thresholds: half }).invalidReasons).toEqual([
      'achieved rate 499.9/1000 req/s (50.0%) is below 50% of target',
    ]);
  });

  it('blames unsent requests on a busy engine when no connection error explains them', () => {
    // Socket errors without a connection error in words (a reset mid-step): the engine, not the connect, held them.
    const v = judgeStep({ ...base, achievedRate: 800, notSent: 1, counts: { ...counts, socketErrors: 4 } });
    expect(v.invalidReasons).toEqual([
      'achieved rate 800.0/1000 req/s (80.0%) is below 99% of target; 1 requests never left (every connection busy or the engine saturated)',
    ]);
  });

  it('blames unsent requests on a busy engine when a connection error was named but no socket error counted', () => {
    const v = judgeStep({ ...base, achievedRate: 800, notSent: 200, connectionError: REFUSED });
    expect(v.invalidReasons).toEqual([
      'achieved rate 800.0/1000 req/s (80.0%) is below 99% of target; 200 requests never left (every connection busy or the engine saturated)',
    ]);
    // Invalid, so the connection error is no separate warning.
    expect(v.warnings).toEqual([]);
  });
});

describe('the error budget', () => {
  it('is judged on one sent request', () => {
    const one = { ...counts, sent: 1, completed: 1, ok: 0, non2xx: 1, statusCodes: { '500': 1 } };
    expect(judgeStep({ ...base, mode: 'connections', targetRate: null, errorRate: 1, counts: one }).invalidReasons).toEqual([
      'error rate 100.00% exceeds budget 0.10% (non-2xx 1, socket errors 0, timeouts 0, unanswered 0 of 1 sent)',
    ]);
  });

  it('gives a zero budget no room', () => {
    expect(judgeStep({ ...base, errorBudget: 0, errorRate: 0 }).status).toBe('valid');
    expect(judgeStep({ ...base, errorBudget: 0, errorRate: 0.0001, counts: { ...counts, timeouts: 1 } }).invalidReasons).toEqual([
      'error rate 0.01% exceeds budget 0.00% (non-2xx 0, socket errors 0, timeouts 1, unanswered 0 of 10000 sent)',
    ]);
  });
});

describe("Little's law on a closed-loop step", () => {
  it('warns of nothing when the mean latency is within the tolerance', () => {
    const ll = littlesLaw(32, 10_000, 3400, 0.1);
    expect(judgeStep({ ...base, mode: 'connections', targetRate: null, littlesLaw: ll })).toEqual({ status: 'valid', invalidReasons: [], warnings: [] });
  });

  it('accepts a ratio exactly at the tolerance, above or below 1', () => {
    expect(littlesLaw(32, 10_000, 4800, 0.5)).toEqual({ expectedMeanUs: 3200, measuredMeanUs: 4800, ratio: 1.5, withinTolerance: true });
    expect(littlesLaw(32, 10_000, 1600, 0.5)).toEqual({ expectedMeanUs: 3200, measuredMeanUs: 1600, ratio: 0.5, withinTolerance: true });
  });

  it('rounds the expected mean to the nanosecond and the ratio to four decimals', () => {
    // 3 connections ÷ 7000/s = 428.5714… µs; 500 ÷ 428.5714 = 1.16666…
    expect(littlesLaw(3, 7000, 500, 0.2)).toEqual({ expectedMeanUs: 428.571, measuredMeanUs: 500, ratio: 1.1667, withinTolerance: true });
  });

  it('gives no expectation, and so no agreement, when nothing was answered', () => {
    expect(littlesLaw(32, 0, 0, 1)).toEqual({ expectedMeanUs: 0, measuredMeanUs: 0, ratio: 0, withinTolerance: false });
    expect(littlesLaw(32, 0, 250, 0.1)).toEqual({ expectedMeanUs: 0, measuredMeanUs: 250, ratio: 0, withinTolerance: false });
  });
});

describe('which reasons say the load was too much (an SLO miss) rather than a broken step', () => {
  it('counts a rate not sustained and a blown error budget as the load', () => {
    expect(isOverloadReason('achieved rate 985.0/1000 req/s (98.5%) is below 99% of target')).toBe(true);
    expect(isOverloadReason('error rate 0.21% exceeds budget 0.10% (non-2xx 20, socket errors 0, timeouts 1, unanswered 0 of 10000 sent)')).toBe(true);
  });

  it('counts an interruption, no responses, a give-up or a changed target as broken', () => {
    for (const reason of [
      'stopped early (interrupted before the measured window ended)',
      'no responses in the measured window',
      'gave up after 5 s: no connection could be opened',
      'target not intact: pod bench/server-1 restarted (restartCount 0 → 1)',
      // Only how a reason begins decides, not words inside it.
      'target not intact: its error rate ',
    ]) {
      expect(isOverloadReason(reason)).toBe(false);
    }
  });

  it('reads every reason judgeStep gives for too much load as the load', () => {
    const v = judgeStep({ ...base, achievedRate: 900, notSent: 100, errorRate: 0.01, counts: { ...counts, non2xx: 100 } });
    expect(v.invalidReasons).toHaveLength(2);
    expect(v.invalidReasons.map(isOverloadReason)).toEqual([true, true]);
    const broken = judgeStep({ ...base, stoppedEarly: true, counts: { ...counts, completed: 0 } });
    expect(broken.invalidReasons.map(isOverloadReason)).toEqual([false, false]);
  });
});
