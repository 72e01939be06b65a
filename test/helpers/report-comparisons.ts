import type { Comparison } from '../../src/core/result-schema.js';
import { est } from './report-resources-run.js';

/**
 * A comparison of istio with the baseline at rate-1k, 5 repetitions each, as results written before the robust test
 * hold it (no `statistic`): by default a significant +100 µs at p50 and −300 µs at p99, p = 0.01 on both.
 */
export function legacyComparison(o: Partial<Comparison> = {}): Comparison {
  return {
    step: 'rate-1k',
    reference: 'baseline',
    system: 'istio',
    latencyBasis: 'intended',
    deltaP50Us: est(100, 50, 150),
    deltaP99Us: est(-300, -400, -200),
    pValueP50: 0.01,
    pValueP99: 0.01,
    repetitions: { reference: 5, system: 5 },
    ...o,
  };
}
