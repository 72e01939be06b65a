import { describe, expect, it } from 'vitest';
import type { PacingResult } from '../src/calibration/procedures.js';
import { judgeLadder, ladderRowChecks, PACING_CHECK_RATE } from '../src/calibration/verdict.js';

/** A ladder row as measurePacingAt returns it: perfect unless told otherwise. */
function row(rate: number, p: Partial<PacingResult> = {}): PacingResult & { ok: boolean } {
  const r: PacingResult = {
    rate,
    achievedRate: rate,
    sendLagP99Us: 50,
    status: 'valid',
    invalidReasons: [],
    p99Ratio: 1,
    maxRatio: 1.2,
    emptyFraction: 0,
    windows: 1000,
    ...p,
  } as PacingResult;
  return { ...r, ok: ladderRowChecks(r).every((c) => c.ok) };
}

describe("calibrate's checks table agrees with its verdict", () => {
  it('fails the pacing check at 2000 req/s when the ladder missed 2000 req/s, and the verdict says 1000', () => {
    // The reported case: the 2000 req/s rung missed on send lag only (the old table took pacing from another run).
    const v = judgeLadder([row(500), row(1000), row(2000, { sendLagP99Us: 3700 })], 2, 32000);
    expect(v.maxRate).toBe(1000);
    expect(v.reason).toBe('2000 req/s missed: send lag p99 3700 µs (≤ 1000 µs)');
    const failing = v.checks.filter((c) => !c.ok).map((c) => c.name);
    expect(failing).toEqual([`pacing at ${PACING_CHECK_RATE} req/s, 2 workers: send lag p99`, 'fixed-rate ladder, 2 workers']);
  });

  it('passes every ladder row of the table when the verdict is at or above 2000 req/s', () => {
    const v = judgeLadder([row(500), row(1000), row(2000), row(4000), row(8000), row(16000, { p99Ratio: 2 })], 2, 32000);
    expect(v.maxRate).toBe(8000);
    expect(v.checks.every((c) => c.ok)).toBe(true);
    expect(v.checks.at(-1)!.detail).toMatch(/^at most 8000 req\/s \(16000 req\/s missed: p99 window 2\.00× expected/);
  });

  it('says the pacing check was not reached when the ladder stopped below it', () => {
    const v = judgeLadder([row(500), row(1000, { achievedRate: 900 })], 1, 32000);
    expect(v.maxRate).toBe(500);
    expect(v.checks[0]).toEqual({ name: 'pacing at 2000 req/s, 1 worker', ok: false, detail: 'not reached: the ladder stopped at 1000 req/s' });
    expect(v.checks.at(-1)!.ok).toBe(false);
  });

  it('says no rate met the targets when the first rung missed', () => {
    const v = judgeLadder([row(500, { status: 'invalid', invalidReasons: ['no responses'] })], 2, 32000);
    expect(v.maxRate).toBeNull();
    expect(v.checks.at(-1)!.detail).toMatch(/^no rate met the targets \(500 req\/s missed: step valid no responses\)/);
  });
});
