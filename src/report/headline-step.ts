import type { ResolvedLoadStep } from '../core/scenario-types.js';

/** The load a night is summed up at: the rate step nearest this (the "added p99 at 1000 req/s"). */
export const HEADLINE_RATE = 1000;

/**
 * The headline step of a scenario: the rate step nearest HEADLINE_RATE req/s (the lower on a tie), else the first
 * step; undefined without steps. The history follows it across nights (src/history/headline.ts), and a crowded run
 * draws its latency spectrum at it alone (src/report/charts/report-charts.ts), and gives its resources and cost per
 * 1000 req/s at it alone (render-resources.ts).
 */
export function headlineLoadStep<S extends Pick<ResolvedLoadStep, 'mode' | 'rate'>>(steps: readonly S[]): S | undefined {
  const rates = steps.filter((s) => s.mode === 'rate' && s.rate !== null);
  const best = [...rates].sort((a, b) => Math.abs((a.rate ?? 0) - HEADLINE_RATE) - Math.abs((b.rate ?? 0) - HEADLINE_RATE) || (a.rate ?? 0) - (b.rate ?? 0))[0];
  return best ?? steps[0];
}
