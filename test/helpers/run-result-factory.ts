import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createLatencyHistogram,
  decodeHistogram,
  mergeHistograms,
  recordMicros,
  summarize,
  toLatencyRecord,
} from '../../src/analysis/histogram.js';
import {
  runResultSchema,
  type Comparison,
  type Environment,
  type Estimate,
  type LatencyRecord,
  type RepetitionResult,
  type RunResult,
  type StepAggregate,
  type StepResult,
  type SystemResult,
} from '../../src/core/result-schema.js';
import type { ResolvedLoadStep, ResolvedScenario, Thresholds } from '../../src/core/scenario-types.js';

/**
 * Builds realistic RunResults for report tests: latencies are generated from a seeded PRNG and recorded into real
 * histograms (src/analysis/histogram.ts), counts and rates agree with them, and every field is filled.
 *
 * The aggregate and comparison fields belong to the statistics module; here they are computed plainly, and say so:
 * medians over valid repetitions with the [min, max] of the repetitions standing in for the bootstrap interval, and an
 * exact permutation test on per-repetition means. The report only formats these numbers, so stand-ins are enough.
 */

// ---- deterministic samples ---------------------------------------------------------------------------------------

import { createRandom as seededRandom } from '../../src/analysis/random.js';
import { aggregateStep } from '../../src/analysis/aggregate-step.js';
export { seededRandom };

/** Log-normal latencies around a median, rounded to 0.1 µs (what the engine's hrtime gives, roughly). */
export function logNormalLatencies(random: () => number, count: number, medianUs: number, sigma: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(logNormal(random, medianUs, sigma));
  return out;
}

function logNormal(random: () => number, medianUs: number, sigma: number): number {
  // Box–Muller; 1 - u keeps log() away from 0.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.round(medianUs * Math.exp(sigma * z) * 10) / 10;
}

function recordAll(latenciesUs: readonly number[]): LatencyRecord {
  const h = createLatencyHistogram();
  for (const us of latenciesUs) recordMicros(h, us);
  return toLatencyRecord(h);
}

// ---- repetitions -------------------------------------------------------------------------------------------------

export interface RepetitionSpec {
  repetition: number;
  startedAt: string;
  /** Latency from the actual send, one per completed request, µs. */
  sentLatenciesUs: number[];
  /** Rate steps: how late each request left, µs (same length). Intended latency = lag + sent latency. */
  sendLagUs?: number[];
  /** Rate steps: requests the step meant to send but never did (the generator fell behind). */
  notSent?: number;
  /** Responses outside 2xx, by status code. */
  non2xx?: Record<string, number>;
  socketErrors?: number;
  timeouts?: number;
  /** Connections the pool grew to (rate steps open more when all are busy). */
  peakConnections?: number;
  /** Connections re-opened after a close or an error (pool growth is not a reconnect). */
  reconnects?: number;
  invalidReasons?: string[];
  warnings?: string[];
}

/** One repetition of one step, as the load engine would report it. */
export function makeRepetition(step: ResolvedLoadStep, spec: RepetitionSpec, thresholds: Thresholds): RepetitionResult {
  const completed = spec.sentLatenciesUs.length;
  const non2xx = Object.values(spec.non2xx ?? {}).reduce((a, b) => a + b, 0);
  const socketErrors = spec.socketErrors ?? 0;
  const timeouts = spec.timeouts ?? 0;
  const sent = completed + socketErrors + timeouts;
  const sentRecord = recordAll(spec.sentLatenciesUs);

  let durationS: number;
  let intended: LatencyRecord | null = null;
  let sendLag: RepetitionResult['sendLag'] = null;
  let littlesLaw: RepetitionResult['littlesLaw'] = null;
  if (step.mode === 'rate') {
    durationS = step.durationS;
    const lags = spec.sendLagUs ?? spec.sentLatenciesUs.map(() => 0);
    intended = recordAll(spec.sentLatenciesUs.map((us, i) => us + (lags[i] ?? 0)));
    sendLag = recordAll(lags).summary;
  } else {
    // A closed loop with C connections for T seconds spends C × T seconds waiting for responses.
    const busyUs = spec.sentLatenciesUs.reduce((a, b) => a + b, 0);
    durationS = round(busyUs / step.connections / 1e6, 3);
  }
  const throughput = round(completed / durationS, 3);
  if (step.mode !== 'rate') {
    const expectedMeanUs = round((step.connections / throughput) * 1e6, 3);
    const measuredMeanUs = sentRecord.summary.meanUs;
    const ratio = round(measuredMeanUs / expectedMeanUs, 4);
    littlesLaw = {
      expectedMeanUs,
      measuredMeanUs,
      ratio,
      withinTolerance: Math.abs(ratio - 1) <= thresholds.littlesLawTolerance,
    };
  }
  const invalidReasons = spec.invalidReasons ?? [];
  return {
    url: 'http://echo.bench.svc.cluster.local:8080/echo',
    mode: step.mode,
    step,
    startedAt: spec.startedAt,
    durationS,
    targetRate: step.rate,
    achievedRate: round(sent / durationS, 3),
    throughput,
    errorRate: round((non2xx + socketErrors + timeouts) / sent, 6),
    connections: { initial: step.connections, peak: spec.peakConnections ?? step.connections },
    counts: {
      sent,
      completed,
      ok: completed - non2xx,
      non2xx,
      socketErrors,
      timeouts,
      unanswered: 0,
      reconnects: spec.reconnects ?? 0,
      resent: 0,
      statusCodes: { '200': completed - non2xx, ...(spec.non2xx ?? {}) },
    },
    latency: { intended, sent: sentRecord },
    sendLag,
    littlesLaw,
    status: invalidReasons.length > 0 ? 'invalid' : 'valid',
    invalidReasons,
    warnings: spec.warnings ?? [],
    repetition: spec.repetition,
    resources: null,
  };
}

// ---- aggregates and comparisons (stand-ins for src/analysis) --------------------------------------------------------

function basisRecord(rep: RepetitionResult): LatencyRecord {
  return rep.mode === 'rate' && rep.latency.intended ? rep.latency.intended : rep.latency.sent;
}

/** Plain statistics over the valid repetitions of one step. */
export function makeStepResult(
  step: ResolvedLoadStep,
  repetitions: RepetitionResult[],
  thresholds: Thresholds,
  extraNotes: string[] = [],
): StepResult {
  const valid = repetitions.filter((r) => r.status === 'valid');
  const summaries = valid.map((r) => basisRecord(r).summary);
  const merged = valid.length > 0 ? mergeHistograms(valid.map((r) => decodeHistogram(basisRecord(r).histogram))) : null;
  const mergedRecord = merged ? toLatencyRecord(merged) : null;
  const p50s = summaries.map((s) => s.p50Us);
  const p99s = summaries.map((s) => s.p99Us);
  const throughputs = valid.map((r) => r.throughput);
  const cv = { p50: cvOf(p50s), p99: cvOf(p99s), throughput: cvOf(throughputs) };
  const noisy = cv.p50 !== null && cv.p50 > thresholds.maxCv;
  // Notes in the style src/analysis/aggregate-step.ts writes them.
  const invalid = repetitions.filter((r) => r.status !== 'valid');
  const notes = [
    ...(invalid.length > 0
      ? [
          `${invalid.length} of ${repetitions.length} repetitions invalid: ` +
            invalid.map((r) => `#${r.repetition} ${r.invalidReasons.join(', ')}`).join('; '),
        ]
      : []),
    ...(valid.length > 0 && valid.length < 3
      ? [`fewer than 3 valid repetitions (${valid.length}): intervals are not meaningful`]
      : []),
    ...(noisy && cv.p50 !== null ? [`noisy: CV of p50 ${percent(cv.p50)} > ${percent(thresholds.maxCv)}`] : []),
    ...extraNotes,
  ];
  const aggregate: StepAggregate = {
    latencyBasis: step.mode === 'rate' ? 'intended' : 'sent',
    validRepetitions: valid.length,
    merged: mergedRecord ? mergedRecord.summary : null,
    mergedHistogram: mergedRecord ? mergedRecord.histogram : null,
    resources: null,
    median:
      valid.length === 0
        ? null
        : {
            p50Us: estimate(p50s),
            p90Us: estimate(summaries.map((s) => s.p90Us)),
            p99Us: estimate(p99s),
            p999Us: estimate(summaries.map((s) => s.p999Us)),
            throughput: estimate(throughputs),
          },
    cv,
    noisy,
    notes,
  };
  return { name: step.name, config: step, repetitions, aggregate };
}

/** system − reference on per-repetition p50 and p99 of the valid repetitions. */
export function makeComparison(
  step: string,
  referenceId: string,
  reference: StepResult,
  systemId: string,
  system: StepResult,
): Comparison {
  const values = (s: StepResult, key: 'p50Us' | 'p99Us') =>
    s.repetitions.filter((r) => r.status === 'valid').map((r) => basisRecord(r).summary[key]);
  const delta = (key: 'p50Us' | 'p99Us'): Estimate => {
    const ref = values(reference, key);
    const sys = values(system, key);
    return {
      value: median(sys) - median(ref),
      ci95: [Math.min(...sys) - Math.max(...ref), Math.max(...sys) - Math.min(...ref)],
    };
  };
  return {
    step,
    reference: referenceId,
    system: systemId,
    latencyBasis: reference.aggregate.latencyBasis,
    deltaP50Us: delta('p50Us'),
    deltaP99Us: delta('p99Us'),
    pValueP50: permutationPValue(values(reference, 'p50Us'), values(system, 'p50Us')),
    pValueP99: permutationPValue(values(reference, 'p99Us'), values(system, 'p99Us')),
    repetitions: { reference: values(reference, 'p50Us').length, system: values(system, 'p50Us').length },
  };
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

function estimate(xs: readonly number[]): Estimate {
  return { value: median(xs), ci95: [Math.min(...xs), Math.max(...xs)] };
}

function cvOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1);
  return mean === 0 ? null : round(Math.sqrt(variance) / mean, 4);
}

/** Exact two-sided permutation test on the difference of means (every split of the pooled values). */
function permutationPValue(a: readonly number[], b: readonly number[]): number {
  const pooled = [...a, ...b];
  const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const observed = Math.abs(mean(b) - mean(a));
  let extreme = 0;
  let total = 0;
  const choose = (start: number, picked: number[]): void => {
    if (picked.length === a.length) {
      const rest = pooled.filter((_, i) => !picked.includes(i));
      const first = picked.map((i) => pooled[i] ?? 0);
      total++;
      if (Math.abs(mean(rest) - mean(first)) >= observed - 1e-9) extreme++;
      return;
    }
    for (let i = start; i < pooled.length; i++) choose(i + 1, [...picked, i]);
  };
  choose(0, []);
  return round(extreme / total, 4);
}

function percent(fraction: number): string {
  return `${Number((fraction * 100).toFixed(1))}%`;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

// ---- the two-system fixture ----------------------------------------------------------------------------------------

export const fixtureThresholds: Thresholds = { minRateFraction: 0.95, maxCv: 0.1, littlesLawTolerance: 0.2 };

const rateStep: ResolvedLoadStep = {
  name: 'rate-1k',
  mode: 'rate',
  rate: 1000,
  connections: 8,
  maxConnections: 64,
  durationS: 20,
  warmupS: 5,
  arrival: 'poisson',
  workers: 1,
  timeoutMs: 5000,
};

const connectionsStep: ResolvedLoadStep = {
  name: 'conn-4',
  mode: 'connections',
  rate: null,
  connections: 4,
  maxConnections: 4,
  durationS: 5,
  warmupS: 2,
  arrival: 'uniform',
  workers: 1,
  timeoutMs: 5000,
};

export const fixtureScenario: ResolvedScenario = {
  name: 'two-systems',
  description: 'Added latency of Istio ambient over no mesh, one hop, small responses.',
  source: 'scenarios/two-systems.yaml',
  repetitions: 3,
  seed: 42,
  errorBudget: 0.01,
  workload: { responseBytes: 1024, serviceDelayUs: 0, hops: 1, replicas: 1, path: '/echo' },
  thresholds: fixtureThresholds,
  steps: [rateStep, connectionsStep],
};

export const fixtureEnvironment: Environment = {
  hostname: 'bench-01',
  platform: 'linux',
  arch: 'x64',
  kernel: '6.8.0-1017-azure',
  cpuModel: 'AMD EPYC 7763 64-Core Processor',
  cores: 4,
  memoryBytes: 16_768_094_208,
  node: 'v20.19.5',
  harnessVersion: '0.1.0',
  harnessCommit: '280c901d6b4f0a3e5c7d9e1f2a4b6c8d0e1f3a5b',
  harnessDirty: false,
  tools: { autocannon: '9.0.0', 'hdr-histogram-js': '3.0.1', kind: '0.30.0', kubectl: 'v1.34.1', docker: '28.5.1' },
};

interface StepPlan {
  /** Median latency from the actual send, per repetition, µs. */
  medianUs: readonly number[];
  sigma: number;
}

function timestamp(baseMs: number, offsetS: number): string {
  return new Date(baseMs + offsetS * 1000).toISOString();
}

function measureSystem(
  random: () => number,
  startMs: number,
  plans: { rate: StepPlan; conn: StepPlan },
  tweak: (step: string, rep: number, spec: RepetitionSpec) => RepetitionSpec = (_s, _r, spec) => spec,
): StepResult[] {
  let clockS = 0;
  const steps: StepResult[] = [];
  for (const [step, plan] of [
    [rateStep, plans.rate],
    [connectionsStep, plans.conn],
  ] as const) {
    const reps: RepetitionResult[] = [];
    for (let rep = 1; rep <= fixtureScenario.repetitions; rep++) {
      const medianUs = plan.medianUs[rep - 1] ?? 0;
      let spec: RepetitionSpec;
      if (step.mode === 'rate') {
        const count = (step.rate ?? 0) * step.durationS;
        const sent = logNormalLatencies(random, count, medianUs, plan.sigma);
        // Most requests leave within a few µs of their instant; a few wait behind a busy event loop.
        const lags = sent.map(() => (random() < 0.01 ? Math.round(random() * 400) : Math.round(random() * 12)));
        spec = { repetition: rep, startedAt: timestamp(startMs, clockS), sentLatenciesUs: sent, sendLagUs: lags };
      } else {
        const budgetUs = step.connections * step.durationS * 1e6;
        const sent: number[] = [];
        for (let busy = 0; busy < budgetUs; ) {
          const us = logNormal(random, medianUs, plan.sigma);
          sent.push(us);
          busy += us;
        }
        spec = { repetition: rep, startedAt: timestamp(startMs, clockS), sentLatenciesUs: sent };
      }
      reps.push(makeRepetition(step, tweak(step.name, rep, spec), fixtureThresholds));
      clockS += step.warmupS + step.durationS + 3;
    }
    steps.push(makeStepResult(step, reps, fixtureThresholds));
  }
  return steps;
}

/**
 * The reference fixture: baseline and istio-ambient on kind, a rate step and a closed-loop step, 3 repetitions;
 * istio-ambient's second rate repetition is invalid (a 40 ms stall left the generator behind), its closed-loop step is
 * noisy; istio failed installing the mesh. Deterministic: same code, same bytes.
 */
export function buildTwoSystemRun(): RunResult {
  const random = seededRandom(fixtureScenario.seed);
  const created = Date.parse('2026-11-21T05:49:00.000Z');

  const baselineSteps = measureSystem(
    random,
    created + 95_000,
    { rate: { medianUs: [312, 305, 318], sigma: 0.35 }, conn: { medianUs: [241, 236, 247], sigma: 0.3 } },
    (step, rep, spec) => (step === 'rate-1k' && rep === 3 ? { ...spec, non2xx: { '503': 2 } } : spec),
  );

  const ambientSteps = measureSystem(
    random,
    created + 410_000,
    { rate: { medianUs: [401, 389, 396], sigma: 0.4 }, conn: { medianUs: [292, 334, 391], sigma: 0.35 } },
    (step, rep, spec) => {
      if (step !== 'rate-1k' || rep !== 2) return spec;
      // A 40 ms stall at 3 s: the requests due during it leave late, and the generator never catches up fully.
      const lags = (spec.sendLagUs ?? []).map((lag, i) => (i >= 3000 && i < 3040 ? lag + (3040 - i) * 1000 : lag));
      const kept = 18_240;
      return {
        ...spec,
        sentLatenciesUs: spec.sentLatenciesUs.slice(0, kept),
        sendLagUs: lags.slice(0, kept),
        peakConnections: 12,
        invalidReasons: ['achieved rate 912.0 req/s is below 95% of the 1000 req/s target'],
        warnings: ['send lag p99.9 above 10 ms: the load generator stalled'],
      };
    },
  );

  const baseline: SystemResult = {
    id: 'baseline',
    target: 'kind',
    status: 'completed',
    startedAt: '2026-11-21T05:49:01.000Z',
    finishedAt: '2026-11-21T05:55:43.000Z',
    failure: null,
    versions: { kind: 'v0.30.0', kubernetes: 'v1.34.0' },
    meshComponents: [],
    steps: baselineSteps,
  };
  const ambient: SystemResult = {
    id: 'istio-ambient',
    target: 'kind',
    status: 'completed',
    startedAt: '2026-11-21T05:55:44.000Z',
    finishedAt: '2026-11-21T06:04:12.000Z',
    failure: null,
    versions: { kind: 'v0.30.0', kubernetes: 'v1.34.0', istio: '1.28.0', ztunnel: '1.28.0' },
    meshComponents: [],
    steps: ambientSteps,
  };
  // Exactly what the pipeline writes for a system whose mesh install failed (test/report-failed-system-as-the-
  // pipeline-writes-it.test.ts produces it from the real pipeline): step `prepare`, the failing command as the runner
  // reported it, no versions (nothing was prepared), every step present with no repetitions.
  const installArgv = ['istioctl', 'install', '--skip-confirmation', '--set', 'profile=minimal', '--kubeconfig', '/tmp/mesh-bench-Qx81f2/istio/kubeconfig'];
  const sidecar: SystemResult = {
    id: 'istio',
    target: 'kind',
    status: 'failed',
    startedAt: '2026-11-21T06:04:13.000Z',
    finishedAt: '2026-11-21T06:10:02.000Z',
    failure: {
      step: 'prepare',
      message: `command failed (exit code 1): ${installArgv.join(' ')}`,
      command: installArgv,
      output: [
        '\u001b[32m✔\u001b[0m Istio core installed ⛵️',
        '\u001b[31m✘\u001b[0m Istiod encountered an error: failed to wait for resource: ' +
          'resources not ready after 5m0s: context deadline exceeded',
        '  Deployment/istio-system/istiod (containers with unready status: [discovery])',
        "Error: failed to install manifests: errors occurred during operation",
        '',
      ].join('\n'),
    },
    versions: {},
    meshComponents: [],
    steps: fixtureScenario.steps.map((step) => ({
      name: step.name,
      config: step,
      repetitions: [],
      aggregate: aggregateStep([], { seed: fixtureScenario.seed, maxCv: fixtureScenario.thresholds.maxCv, mode: step.mode }),
    })),
  };

  const comparisons = fixtureScenario.steps.map((step) => {
    const ref = baselineSteps.find((s) => s.name === step.name);
    const sys = ambientSteps.find((s) => s.name === step.name);
    if (!ref || !sys) throw new Error(`fixture: step ${step.name} missing`);
    return makeComparison(step.name, 'baseline', ref, 'istio-ambient', sys);
  });

  return runResultSchema.parse({
    schemaVersion: 1,
    kind: 'mesh-bench/run',
    runId: '2026-11-21T05-49-00Z-two-systems',
    createdAt: '2026-11-21T05:49:00.000Z',
    finishedAt: '2026-11-21T06:10:03.000Z',
    status: 'failed',
    command: ['bench', 'run', '--scenario', 'scenarios/two-systems.yaml', '--mesh', 'baseline,istio-ambient,istio'],
    scenario: fixtureScenario,
    environment: fixtureEnvironment,
    reference: 'baseline',
    systems: [baseline, ambient, sidecar],
    comparisons,
  } satisfies RunResult);
}

/** Where the fixture lives; report-markdown-rendering.test.ts checks it equals what buildTwoSystemRun() gives. */
export const twoSystemFixturePath = fileURLToPath(new URL('../fixtures/results/run-two-systems.json', import.meta.url));

/** The committed fixture, parsed and validated (fast: no histograms are recorded). */
export function loadTwoSystemFixture(): RunResult {
  return runResultSchema.parse(JSON.parse(readFileSync(twoSystemFixturePath, 'utf8')));
}

/** The fixture as it is written to disk. */
export function fixtureJson(result: RunResult = buildTwoSystemRun()): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** A sanity helper for tests: summary of a list of latencies as the histograms would give it. */
export function summaryOf(latenciesUs: readonly number[]) {
  const h = createLatencyHistogram();
  for (const us of latenciesUs) recordMicros(h, us);
  return summarize(h);
}

/** The fixture's rate step (1000 req/s, poisson, 8 connections up to 64, 20 s after 5 s warm-up), for tests of one step. */
export { rateStep as fixtureRateStep };
