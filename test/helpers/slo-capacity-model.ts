import type { LatencySummary, LoadRun } from '../../src/core/result-schema.js';
import type { SloSearchSettings } from '../../src/load/slo-search.js';
import { makeRepetition } from './repetition-factory.js';

/**
 * A system of known capacity for the SLO search (src/load/slo-search.ts), with no network: a probe at a rate at or
 * below `capacity` meets p99 ≤ 5 ms (p99 3000 µs), a probe above it misses (p99 40 000 µs and the achieved rate falls
 * short, as judgeStep words it). `script` overrides the outcome of the next probes at a rate, one entry per probe, in
 * order. `onProbe` runs inside a probe (to abort the search mid-probe, say). The model refuses a rate that is not
 * whole, below 1 or above `ceiling`: the search must never ask for one.
 */
export type ScriptedOutcome = 'meets' | 'misses' | { broken: string[] };

export interface CapacityModel {
  probe: (rate: number) => Promise<LoadRun>;
  /** Every rate probed, in order. */
  asked: number[];
}

const { repetition: _r, resources: _res, install: _i, slo: _s, ...BASE_RUN } = makeRepetition();

/** The intended-latency summary of a probe, every percentile given. */
export function summary(p: { p50Us: number; p90Us: number; p99Us: number; p999Us: number }): LatencySummary {
  return { count: 100, minUs: 100, meanUs: p.p50Us, stdevUs: 10, maxUs: p.p999Us, ...p };
}

/** One probe's run as the engine returns it, with the fields judgeProbe reads set. */
export function probeRun(p: {
  rate: number;
  achievedRate?: number;
  errorRate?: number;
  invalidReasons?: string[];
  /** null: no intended latency (a closed-loop run). */
  intended?: LatencySummary | null;
}): LoadRun {
  const reasons = p.invalidReasons ?? [];
  const intended = p.intended === undefined ? summary({ p50Us: 1000, p90Us: 2000, p99Us: 3000, p999Us: 4000 }) : p.intended;
  return {
    ...BASE_RUN,
    targetRate: p.rate,
    achievedRate: p.achievedRate ?? p.rate,
    errorRate: p.errorRate ?? 0,
    latency: { sent: BASE_RUN.latency.sent, intended: intended === null ? null : { summary: intended, histogram: BASE_RUN.latency.sent.histogram } },
    status: reasons.length ? 'invalid' : 'valid',
    invalidReasons: reasons,
  };
}

export function capacityModel(p: {
  capacity: number;
  ceiling?: number;
  script?: Record<number, ScriptedOutcome[]>;
  onProbe?: (rate: number, nth: number) => void;
}): CapacityModel {
  const asked: number[] = [];
  const script = new Map(Object.entries(p.script ?? {}).map(([rate, outcomes]) => [Number(rate), [...outcomes]]));
  const probe = async (rate: number): Promise<LoadRun> => {
    if (!Number.isInteger(rate) || rate < 1) throw new Error(`probed a rate that is not whole: ${rate}`);
    if (p.ceiling !== undefined && rate > p.ceiling) throw new Error(`probed ${rate} req/s above the engine ceiling ${p.ceiling}`);
    if (asked.length >= 200) throw new Error('probed more than 200 times: the search does not end');
    asked.push(rate);
    p.onProbe?.(rate, asked.length);
    const scripted = script.get(rate);
    const outcome: ScriptedOutcome = scripted !== undefined && scripted.length > 0 ? scripted.shift()! : rate <= p.capacity ? 'meets' : 'misses';
    if (outcome === 'meets') return probeRun({ rate });
    if (outcome === 'misses') {
      const achieved = Math.round(rate * 0.9);
      return probeRun({
        rate,
        achievedRate: achieved,
        intended: summary({ p50Us: 1000, p90Us: 20_000, p99Us: 40_000, p999Us: 50_000 }),
        invalidReasons: [`achieved rate ${achieved.toFixed(1)}/${rate} req/s (90.0%) is below 99% of target`],
      });
    }
    return probeRun({ rate, invalidReasons: outcome.broken });
  };
  return { probe, asked };
}

export const P99_5MS = { latency: [{ percentile: 'p99' as const, maxUs: 5000 }], errorRate: 0.001 };

/** Search settings with one confirmation (each verdict one probe), so a probe sequence reads as the rates decided. */
export function searchSettings(o: Partial<SloSearchSettings> = {}): SloSearchSettings {
  return {
    objective: P99_5MS,
    startRate: 100,
    minRate: 10,
    maxRate: null,
    ceiling: { rate: 100_000, source: 'test' },
    precision: 0.02,
    confirmations: 1,
    ...o,
  };
}
