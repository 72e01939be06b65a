import type { LittlesLawCheck, RequestCounts } from '../core/result-schema.js';
import type { StepMode, Thresholds } from '../core/scenario-types.js';

/** Pure judgements on a finished step: invalid (excluded from comparisons) or valid with warnings. */
export interface ValidityInput {
  mode: StepMode;
  targetRate: number | null;
  achievedRate: number;
  errorRate: number;
  errorBudget: number;
  counts: RequestCounts;
  notSent: number;
  stoppedEarly: boolean;
  littlesLaw: LittlesLawCheck | null;
  thresholds: Thresholds;
  /** Requests of the window lost to socket errors (counts.socketErrors also counts failed connects); default counts.socketErrors. */
  requestErrors?: number;
  /** The first connection error in words (connection-errors.ts), or null. */
  connectionError?: string | null;
  /** Why the engine stopped the step before its window ended because nothing could connect, or null. */
  gaveUp?: string | null;
}

export interface Validity {
  status: 'valid' | 'invalid';
  invalidReasons: string[];
  warnings: string[];
}

const pct = (x: number, digits = 2): string => `${(x * 100).toFixed(digits)}%`;

/** How judgeStep's load-caused reasons begin (rate not sustained, error budget blown); kept beside the messages. */
const OVERLOAD_REASON_STARTS = ['achieved rate ', 'error rate '] as const;

/**
 * Whether an invalid reason says the load was too much for the target (the rate was not sustained, the error budget
 * was blown), as opposed to a step that broke: stopped early, no responses, or a target not intact. An SLO search
 * (slo-search.ts) counts the first kind as a miss and stops on the second.
 */
export function isOverloadReason(reason: string): boolean {
  return OVERLOAD_REASON_STARTS.some((start) => reason.startsWith(start));
}

export function judgeStep(v: ValidityInput): Validity {
  const reasons: string[] = [];
  const warnings: string[] = [];
  const connectionError = v.connectionError ?? null;
  if (v.gaveUp) reasons.push(v.gaveUp);
  else if (v.stoppedEarly) reasons.push('stopped early (interrupted before the measured window ended)');
  if (v.counts.completed === 0) {
    reasons.push(`no responses in the measured window${connectionError && !v.gaveUp ? `: ${connectionError}` : ''}`);
  }
  if ((v.mode === 'rate' || v.mode === 'slo') && v.targetRate !== null) {
    const fraction = v.achievedRate / v.targetRate;
    if (fraction < v.thresholds.minRateFraction) {
      reasons.push(
        `achieved rate ${v.achievedRate.toFixed(1)}/${v.targetRate} req/s (${pct(fraction, 1)}) is below ` +
          `${pct(v.thresholds.minRateFraction, 0)} of target` +
          (v.notSent > 0
            ? `; ${v.notSent} requests never left (` +
              // Connections that cannot connect leave requests waiting: that is not the engine's ceiling.
              (connectionError && v.counts.socketErrors > 0 ? 'no connection to send them on' : 'every connection busy or the engine saturated') +
              ')'
            : ''),
      );
    }
  }
  // With nothing sent there is no fraction to judge; "no responses" (and the connection error) already say why.
  if (v.errorRate > v.errorBudget && v.counts.sent > 0) {
    const c = v.counts;
    reasons.push(
      `error rate ${pct(v.errorRate)} exceeds budget ${pct(v.errorBudget)} ` +
        `(non-2xx ${c.non2xx}, socket errors ${v.requestErrors ?? c.socketErrors}, timeouts ${c.timeouts}, unanswered ${c.unanswered} of ${c.sent} sent)`,
    );
  }
  if (v.littlesLaw && !v.littlesLaw.withinTolerance) {
    warnings.push(
      `mean latency ${v.littlesLaw.measuredMeanUs.toFixed(0)} µs is ${v.littlesLaw.ratio.toFixed(2)}× what Little's law gives ` +
        `(connections ÷ throughput = ${v.littlesLaw.expectedMeanUs.toFixed(0)} µs; tolerance ±${pct(v.thresholds.littlesLawTolerance, 0)}): ` +
        'time outside measured requests (reconnects, client stalls) or a measuring fault',
    );
  }
  if (connectionError && reasons.length === 0) {
    warnings.push(`${v.counts.socketErrors} connection errors, the first: ${connectionError}`);
  }
  if (v.counts.resent > 0) warnings.push(`${v.counts.resent} requests re-sent after the server closed their connection`);
  return { status: reasons.length ? 'invalid' : 'valid', invalidReasons: reasons, warnings };
}

/** Little's law for a closed loop: with N connections always holding one request, mean latency = N ÷ throughput. */
export function littlesLaw(connections: number, throughput: number, measuredMeanUs: number, tolerance: number): LittlesLawCheck {
  const expectedMeanUs = throughput > 0 ? (connections / throughput) * 1e6 : 0;
  const ratio = expectedMeanUs > 0 ? measuredMeanUs / expectedMeanUs : 0;
  return {
    expectedMeanUs: Math.round(expectedMeanUs * 1000) / 1000,
    measuredMeanUs,
    ratio: Math.round(ratio * 10000) / 10000,
    withinTolerance: expectedMeanUs > 0 && Math.abs(ratio - 1) <= tolerance,
  };
}
