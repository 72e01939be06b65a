import { describe, expect, it } from 'vitest';
import { judgeStep, littlesLaw } from '../src/load/validity.js';
import { VALID_COUNTS, VALID_STEP } from './helpers/validity-input.js';

const counts = VALID_COUNTS;
const base = VALID_STEP;

describe('step validity', () => {
  it('accepts a step that met its rate with no errors', () => {
    expect(judgeStep(base)).toEqual({ status: 'valid', invalidReasons: [], warnings: [] });
  });

  it('marks a step invalid when the achieved rate is below 99% of target, saying by how much', () => {
    const v = judgeStep({ ...base, achievedRate: 985, notSent: 150 });
    expect(v.status).toBe('invalid');
    expect(v.invalidReasons).toEqual([
      'achieved rate 985.0/1000 req/s (98.5%) is below 99% of target; 150 requests never left (every connection busy or the engine saturated)',
    ]);
  });

  it('accepts exactly 99% of the target rate', () => {
    expect(judgeStep({ ...base, achievedRate: 990 }).status).toBe('valid');
  });

  it('marks a step invalid when errors exceed the budget, with the breakdown', () => {
    const v = judgeStep({ ...base, errorRate: 0.0021, counts: { ...counts, non2xx: 20, timeouts: 1 } });
    expect(v.invalidReasons).toEqual([
      'error rate 0.21% exceeds budget 0.10% (non-2xx 20, socket errors 0, timeouts 1, unanswered 0 of 10000 sent)',
    ]);
  });

  it('does not apply the rate rule to closed-loop steps', () => {
    expect(judgeStep({ ...base, mode: 'connections', targetRate: null, achievedRate: 5 }).status).toBe('valid');
  });

  it('marks an interrupted step invalid', () => {
    expect(judgeStep({ ...base, stoppedEarly: true }).invalidReasons[0]).toMatch(/^stopped early/);
  });

  it("flags a closed-loop step whose mean latency breaks Little's law, without invalidating it", () => {
    const ll = littlesLaw(32, 10_000, 4960, 0.1); // expected 3200 µs
    expect(ll.expectedMeanUs).toBe(3200);
    expect(ll.ratio).toBe(1.55);
    expect(ll.withinTolerance).toBe(false);
    const v = judgeStep({ ...base, mode: 'connections', targetRate: null, littlesLaw: ll });
    expect(v.status).toBe('valid');
    expect(v.warnings[0]).toMatch(/1\.55× what Little's law gives/);
  });

  it("accepts Little's law within tolerance", () => {
    expect(littlesLaw(32, 10_000, 3400, 0.1).withinTolerance).toBe(true);
  });

  it('accepts an error rate exactly at the budget and rejects the next error above it', () => {
    // 10 failed of 10 000 sent = 0.1% = the budget: allowed ("exceeds" means strictly above).
    expect(judgeStep({ ...base, errorRate: 0.001, counts: { ...counts, non2xx: 10 } })).toMatchObject({ status: 'valid', invalidReasons: [] });
    const over = judgeStep({ ...base, errorRate: 0.0011, counts: { ...counts, non2xx: 11 } });
    expect(over.status).toBe('invalid');
    expect(over.invalidReasons).toEqual(['error rate 0.11% exceeds budget 0.10% (non-2xx 11, socket errors 0, timeouts 0, unanswered 0 of 10000 sent)']);
  });

  it('judges the rate against the minRateFraction it is given, not a built-in 99%', () => {
    const lax = { ...base.thresholds, minRateFraction: 0.9 };
    expect(judgeStep({ ...base, achievedRate: 950, thresholds: lax }).status).toBe('valid');
    expect(judgeStep({ ...base, achievedRate: 890, thresholds: lax }).invalidReasons[0]).toMatch(/is below 90% of target/);
  });

  it("flags a mean latency below what Little's law gives as much as one above it", () => {
    const low = littlesLaw(32, 10_000, 2720, 0.1); // expected 3200 µs, measured 15% below
    expect(low.ratio).toBe(0.85);
    expect(low.withinTolerance).toBe(false);
    expect(littlesLaw(32, 10_000, 2950, 0.1)).toMatchObject({ ratio: 0.9219, withinTolerance: true });
    // The tolerance it is given decides, not a built-in 10%.
    expect(littlesLaw(32, 10_000, 2720, 0.2).withinTolerance).toBe(true);
    const v = judgeStep({ ...base, mode: 'connections', targetRate: null, littlesLaw: low });
    expect(v.warnings[0]).toMatch(/0\.85× what Little's law gives/);
  });
});
