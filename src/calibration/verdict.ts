import type { PacingResult } from './procedures.js';
import { pacingChecks, type Check } from './targets.js';

/**
 * The fixed-rate ladder's judgement, shared by the verdict and the checks table so they cannot disagree: the
 * headline pacing checks are the ladder's own row at PACING_CHECK_RATE (one measurement, not a second run at the same
 * rate that noise could pass while the ladder failed it, which once printed "2000 req/s: pass" above a 1000 req/s
 * verdict), and the send-lag bound the ladder applies is a row of the table too.
 */
export const PACING_CHECK_RATE = 2000;
export const SEND_LAG_P99_LIMIT_US = 1000;

export function ladderRowChecks(r: PacingResult): Check[] {
  return [
    ...pacingChecks(r),
    { name: 'send lag p99', ok: r.sendLagP99Us <= SEND_LAG_P99_LIMIT_US, detail: `${r.sendLagP99Us} µs (≤ ${SEND_LAG_P99_LIMIT_US} µs)` },
  ];
}

export interface LadderVerdict {
  maxRate: number | null;
  workers: number;
  reason: string;
  /** The rows of the checks table that come from the ladder. */
  checks: Check[];
}

/** `ladder` is in the order measured, low to high, stopping at the first rate that missed (rows carry `ok`). */
export function judgeLadder(ladder: ReadonlyArray<PacingResult & { ok: boolean }>, workers: number, topRate: number): LadderVerdict {
  const passing = ladder.filter((r) => r.ok);
  const failed = ladder.find((r) => !r.ok);
  const maxRate = passing.length ? passing[passing.length - 1]!.rate : null;
  const reason = failed
    ? `${failed.rate} req/s missed: ${ladderRowChecks(failed)
        .filter((c) => !c.ok)
        .map((c) => `${c.name} ${c.detail}`)
        .join('; ')}`
    : ladder.length === 0
      ? 'the ladder did not run (interrupted)'
      : `every rate up to ${topRate} req/s met the targets`;
  const w = `${workers} worker${workers === 1 ? '' : 's'}`;
  const atCheckRate = ladder.find((r) => r.rate === PACING_CHECK_RATE);
  const checks: Check[] = atCheckRate
    ? ladderRowChecks(atCheckRate).map((c) => ({ ...c, name: `pacing at ${PACING_CHECK_RATE} req/s, ${w}: ${c.name}` }))
    : [
        {
          name: `pacing at ${PACING_CHECK_RATE} req/s, ${w}`,
          ok: false,
          detail: failed ? `not reached: the ladder stopped at ${failed.rate} req/s` : 'not measured',
        },
      ];
  checks.push({
    name: `fixed-rate ladder, ${w}`,
    ok: maxRate !== null && maxRate >= PACING_CHECK_RATE,
    detail: maxRate === null ? `no rate met the targets (${reason})` : `at most ${maxRate} req/s (${reason})`,
  });
  return { maxRate, workers, reason, checks };
}
