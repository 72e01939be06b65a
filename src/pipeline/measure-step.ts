import type { LoadRun } from '../core/result-schema.js';
import type { ResolvedLoadStep } from '../core/scenario-types.js';
import type { SloSearch } from '../core/slo-schema.js';
import { defaultMaxConnections, defaultRateConnections } from '../scenario/schema.js';
import { searchSlo } from '../load/slo-search.js';
import { measureEngineCeiling, type EngineCeiling } from '../calibration/engine-ceiling.js';
import type { MeasureOptions, Measurement, PreparedSystem } from '../platform/platform.js';
import { connectionReasons, withIntegrity } from '../platform/target-integrity.js';
import { createLatencyHistogram, toLatencyRecord } from '../analysis/histogram.js';

/** One repetition of a step: the platform measures load steps; an slo step is a search over measured probes. */
export interface StepMeasurement extends Omit<Measurement, 'run'> {
  run: LoadRun & { slo?: SloSearch };
}

/** Where an slo search gets the engine's ceiling when the scenario gives none (tests inject their own). */
export type CeilingSource = (step: ResolvedLoadStep, signal: AbortSignal) => Promise<EngineCeiling | null>;

const measuredCeiling: CeilingSource = (step, signal) => measureEngineCeiling({ workers: step.workers, durationS: 1, signal });

export async function measureStep(
  system: Pick<PreparedSystem, 'measure'>,
  variant: string,
  step: ResolvedLoadStep,
  options: MeasureOptions,
  ceilingSource: CeilingSource = measuredCeiling,
): Promise<StepMeasurement> {
  if (step.mode !== 'slo') return system.measure(variant, step, options);
  const slo = step.slo;
  if (!slo) throw new Error(`step ${step.name} is in mode slo without its search settings`);
  const ceiling: EngineCeiling | null =
    slo.engineCeiling !== null
      ? { rate: slo.engineCeiling, source: 'the scenario (engineCeiling)' }
      : await ceilingSource(step, options.signal);

  // Every probe is measured like any rate step, with the objective's error rate as its budget; the probe at the rate
  // found supplies the repetition's numbers (latency at capacity, resources).
  const measured: Array<{ rate: number; run: LoadRun; resources: Measurement['resources'] }> = [];
  let targetFailure: Error | undefined;
  const probe = async (rate: number): Promise<LoadRun> => {
    const connections = slo.connections ?? defaultRateConnections(rate);
    const probeStep: ResolvedLoadStep = {
      name: `${step.name}@${rate}`,
      mode: 'rate',
      rate,
      connections,
      maxConnections: slo.maxConnections ?? defaultMaxConnections(rate, connections),
      durationS: step.durationS,
      warmupS: step.warmupS,
      arrival: step.arrival,
      workers: step.workers,
      timeoutMs: step.timeoutMs,
    };
    const m = await system.measure(variant, probeStep, { ...options, errorBudget: slo.objective.errorRate });
    targetFailure ??= m.targetFailure;
    const run = withIntegrity(m.run, connectionReasons(m.run));
    measured.push({ rate, run, resources: m.resources });
    return run;
  };

  const search: SloSearch = ceiling
    ? await searchSlo(
        {
          objective: slo.objective,
          startRate: slo.startRate,
          minRate: slo.minRate,
          maxRate: slo.maxRate,
          ceiling,
          precision: slo.precision,
          confirmations: slo.confirmations,
        },
        probe,
        options.signal,
      )
    : {
        objective: slo.objective,
        // Not measured: absent, never a made-up rate; `broken` says why and the repetition is invalid with it.
        ceiling: null,
        found: null,
        upperMiss: null,
        atCeiling: false,
        atMaxRate: false,
        belowMinRate: false,
        broken: "the engine's ceiling could not be measured: no fixed rate met bench calibrate's pacing targets on loopback",
        probes: [],
      };

  const atFound = search.found === null ? undefined : [...measured].reverse().find((m) => m.rate === search.found && m.run.status === 'valid');
  const chosen = atFound ?? measured[measured.length - 1];
  const reasons =
    search.broken !== null
      ? [`SLO search: ${search.broken}`]
      : search.found === null
        ? [`SLO search: no rate met the objective (the lowest probed, ${search.upperMiss ?? slo.minRate} req/s, missed it)`]
        : [];
  const base: LoadRun = chosen?.run ?? emptyRun(step);
  const run: LoadRun & { slo: SloSearch } = {
    ...base,
    mode: 'slo',
    step,
    status: reasons.length ? 'invalid' : base.status,
    invalidReasons: reasons.length ? reasons : base.invalidReasons,
    slo: search,
  };
  return { run, resources: chosen?.resources ?? null, ...(targetFailure ? { targetFailure } : {}) };
}

/** A search that never probed (no ceiling, or interrupted at once): an invalid repetition with nothing measured. */
function emptyRun(step: ResolvedLoadStep): LoadRun {
  return {
    url: '',
    mode: 'slo',
    step,
    startedAt: new Date(0).toISOString(),
    durationS: 0,
    targetRate: null,
    achievedRate: 0,
    throughput: 0,
    errorRate: 0,
    connections: { initial: 0, peak: 0 },
    counts: { sent: 0, completed: 0, ok: 0, non2xx: 0, socketErrors: 0, timeouts: 0, unanswered: 0, reconnects: 0, resent: 0, statusCodes: {} },
    latency: { intended: null, sent: toLatencyRecord(createLatencyHistogram()) },
    sendLag: null,
    littlesLaw: null,
    status: 'invalid',
    // Stryker disable next-line ArrayDeclaration: used only when nothing was probed, so no rate was found and the SLO reason replaces these.
    invalidReasons: [],
    warnings: [],
  };
}
