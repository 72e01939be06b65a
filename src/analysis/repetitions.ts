import type { StepMode } from '../core/scenario-types.js';
import type { LatencyRecord, RepetitionResult, StepAggregate } from '../core/result-schema.js';

export type LatencyBasis = StepAggregate['latencyBasis'];

/**
 * Rate steps are judged on latency from the intended send instant, which keeps the queueing a stall causes
 * (coordinated omission); closed-loop steps have no intended instant, only the actual send. An slo step's
 * repetition is its open-loop probe at the rate found.
 */
export function latencyBasisOf(mode: StepMode): LatencyBasis {
  return mode === 'rate' || mode === 'slo' ? 'intended' : 'sent';
}

export interface UsableRepetition {
  repetition: RepetitionResult;
  latency: LatencyRecord;
}

/**
 * The repetitions statistics are computed from: valid ones that carry a latency record of the basis. Step aggregation
 * and comparisons both select through here, so an aggregate's counts and a comparison's counts always agree.
 */
export function usableRepetitions(
  repetitions: readonly RepetitionResult[],
  basis: LatencyBasis,
): UsableRepetition[] {
  const out: UsableRepetition[] = [];
  for (const repetition of repetitions) {
    if (repetition.status !== 'valid') continue;
    const latency = repetition.latency[basis];
    if (latency) out.push({ repetition, latency });
  }
  return out;
}
