import { createLatencyHistogram, recordMicros, toLatencyRecord } from '../../src/analysis/histogram.js';
import {
  repetitionResultSchema,
  type LatencyRecord,
  type RepetitionResult,
  type StepResult,
  type SystemResult,
} from '../../src/core/result-schema.js';
import type { StepMode } from '../../src/core/scenario-types.js';
import { aggregateStep } from '../../src/analysis/aggregate-step.js';

/**
 * Latencies, µs, whose histogram percentiles are exactly the given ones (HdrHistogram reads percentile p as the
 * ceil(p% × count)-th smallest value): 100 values, positions 1–50 at p50, 51–90 at p90, 91–99 at p99, 100 at p999.
 * Keep values below 2048 µs where exact percentiles matter: above that the 3-digit histogram rounds to its buckets.
 */
export function latencyProfile(p: { p50Us: number; p90Us?: number; p99Us?: number; p999Us?: number }): number[] {
  const p90 = p.p90Us ?? p.p50Us;
  const p99 = p.p99Us ?? p90;
  const p999 = p.p999Us ?? p99;
  return [...Array<number>(50).fill(p.p50Us), ...Array<number>(40).fill(p90), ...Array<number>(9).fill(p99), p999];
}

export interface RepetitionSpec {
  repetition?: number;
  /** Default 'rate'. */
  mode?: StepMode;
  /** Latencies recorded into latency.sent, µs. Default latencyProfile({ p50Us: 1000, p99Us: 1500 }). */
  sentUs?: readonly number[];
  /** Latencies recorded into latency.intended (rate mode), µs. Default: the same as sentUs; null: no record. */
  intendedUs?: readonly number[] | null;
  /** Responses per second. Default 1000. */
  throughput?: number;
  status?: 'valid' | 'invalid';
  invalidReasons?: string[];
}

const DURATION_S = 10;
const RATE = 1000;

/** A RepetitionResult with every schema field filled, validated by the schema so fixtures cannot drift from it. */
export function makeRepetition(spec: RepetitionSpec = {}): RepetitionResult {
  const mode = spec.mode ?? 'rate';
  const sentUs = spec.sentUs ?? latencyProfile({ p50Us: 1000, p99Us: 1500 });
  const sent = record(sentUs);
  const intended = mode !== 'rate' || spec.intendedUs === null ? null : record(spec.intendedUs ?? sentUs);
  const throughput = spec.throughput ?? RATE;
  const status = spec.status ?? 'valid';
  const completed = sentUs.length;
  const connections = mode === 'rate' ? 8 : 16;
  const achievedRate = mode === 'rate' ? RATE : throughput;
  return repetitionResultSchema.parse({
    url: 'http://127.0.0.1:8080/',
    mode,
    step: {
      name: mode === 'rate' ? 'r1000' : `${mode}-16`,
      mode,
      rate: mode === 'rate' ? RATE : null,
      connections,
      maxConnections: mode === 'rate' ? 64 : connections,
      durationS: DURATION_S,
      warmupS: 2,
      arrival: 'uniform',
      workers: 1,
      timeoutMs: 10_000,
    },
    startedAt: '2025-01-01T00:00:00.000Z',
    durationS: DURATION_S,
    targetRate: mode === 'rate' ? RATE : null,
    achievedRate,
    throughput,
    errorRate: 0,
    connections: { initial: connections, peak: connections },
    counts: {
      sent: completed,
      completed,
      ok: completed,
      non2xx: 0,
      socketErrors: 0,
      timeouts: 0,
      unanswered: 0,
      reconnects: 0,
      resent: 0,
      statusCodes: { '200': completed },
    },
    latency: { intended, sent },
    sendLag: mode === 'rate' ? record([5, 10, 20]).summary : null,
    littlesLaw:
      mode === 'rate'
        ? null
        : {
            expectedMeanUs: (connections / throughput) * 1e6,
            measuredMeanUs: sent.summary.meanUs,
            ratio: sent.summary.meanUs / ((connections / throughput) * 1e6),
            withinTolerance: true,
          },
    status,
    invalidReasons: spec.invalidReasons ?? (status === 'invalid' ? ['achieved rate 900/1000 req/s (90.0%)'] : []),
    warnings: [],
    repetition: spec.repetition ?? 1,
    resources: null,
  });
}

/** Repetitions numbered 1…n, one per spec. */
export function makeRepetitions(specs: readonly RepetitionSpec[]): RepetitionResult[] {
  return specs.map((spec, i) => makeRepetition({ repetition: i + 1, ...spec }));
}

/** Repetitions whose per-repetition p50 (and p99) take the given values, µs. */
export function repetitionsWithPercentiles(
  p50s: readonly number[],
  p99s: readonly number[] = p50s.map((p) => p + 500),
  mode: StepMode = 'rate',
): RepetitionResult[] {
  return makeRepetitions(
    p50s.map((p50Us, i) => ({ mode, sentUs: latencyProfile({ p50Us, p99Us: p99s[i] ?? p50Us }) })),
  );
}

/** A step as the pipeline would store it, aggregated with a fixed seed. */
export function makeStep(name: string, repetitions: RepetitionResult[]): StepResult {
  const first = repetitions[0];
  if (!first) throw new Error('makeStep needs at least one repetition');
  const named = repetitions.map((r) => ({ ...r, step: { ...r.step, name } }));
  return {
    name,
    config: { ...first.step, name },
    repetitions: named,
    aggregate: aggregateStep(named, { seed: 1, maxCv: 0.05, resamples: 200 }),
  };
}

export function makeSystem(id: string, steps: StepResult[]): SystemResult {
  return {
    id,
    target: 'local',
    status: 'completed',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:10:00.000Z',
    failure: null,
    versions: {},
    meshComponents: [],
    steps,
  };
}

function record(latenciesUs: readonly number[]): LatencyRecord {
  const h = createLatencyHistogram();
  for (const us of latenciesUs) recordMicros(h, us);
  return toLatencyRecord(h);
}
