import type { PacingResult, StallResult } from './procedures.js';

/** The accuracy targets a machine must meet before its numbers are trusted (issue "Measurement core"). */
export const TARGETS = {
  pacingP99Ratio: 1.6,
  pacingMaxRatio: 3,
  pacingEmptyFraction: 0.01,
  achievedRateFraction: 0.99,
  /** p95/p99 of the stall test within this fraction of the analytical truth. */
  stallRelativeError: 0.1,
  /** Stall test p50 within this of the unstalled p50, µs. */
  stallP50Us: 200,
  /** Closed loop: mean latency within this fraction of connections ÷ throughput. */
  littlesLaw: 0.1,
  /** Engine p50 vs wrk's on the same server, µs. */
  p50VsWrkUs: 100,
  /** One engine thread vs wrk with one thread, 32 connections, tiny body (issue 10 build 5). */
  ceilingVsWrk: 0.6,
  repetitionCv: 0.05,
} as const;

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export function pacingChecks(p: PacingResult): Check[] {
  return [
    { name: 'achieved rate', ok: p.achievedRate >= p.rate * TARGETS.achievedRateFraction, detail: `${p.achievedRate.toFixed(1)} of ${p.rate} req/s` },
    { name: 'p99 window', ok: p.p99Ratio <= TARGETS.pacingP99Ratio, detail: `${p.p99Ratio.toFixed(2)}× expected (≤ ${TARGETS.pacingP99Ratio}×)` },
    { name: 'busiest window', ok: p.maxRatio <= TARGETS.pacingMaxRatio, detail: `${p.maxRatio.toFixed(2)}× expected (≤ ${TARGETS.pacingMaxRatio}×)` },
    {
      name: 'empty windows',
      ok: p.emptyFraction < TARGETS.pacingEmptyFraction,
      detail: `${(p.emptyFraction * 100).toFixed(2)}% (< ${TARGETS.pacingEmptyFraction * 100}%)`,
    },
    { name: 'step valid', ok: p.status === 'valid', detail: p.invalidReasons.join('; ') || 'valid' },
  ];
}

export function stallChecks(s: StallResult): Check[] {
  const rel = (x: number, truth: number): number => Math.abs(x - truth) / truth;
  return [
    { name: 'stall p95', ok: rel(s.p95Us, s.truthP95Us) <= TARGETS.stallRelativeError, detail: `${(s.p95Us / 1000).toFixed(1)} ms vs truth ${s.truthP95Us / 1000} ms` },
    { name: 'stall p99', ok: rel(s.p99Us, s.truthP99Us) <= TARGETS.stallRelativeError, detail: `${(s.p99Us / 1000).toFixed(1)} ms vs truth ${s.truthP99Us / 1000} ms` },
    {
      name: 'stall p50',
      ok: Math.abs(s.p50Us - s.unstalledP50Us) <= TARGETS.stallP50Us,
      detail: `${s.p50Us} µs vs unstalled ${s.unstalledP50Us} µs (±${TARGETS.stallP50Us} µs)`,
    },
  ];
}
