import type { LoadRun } from '../core/result-schema.js';
import type { LoadMode, ResolvedLoadStep, Thresholds } from '../core/scenario-types.js';
import { runLoad } from '../load/engine.js';
import { decodeHistogram } from '../analysis/histogram.js';
import { startLocalChain, type LocalChain } from '../workload/local-servers.js';
import { fetchArrivals, pacingStats, resetArrivals, type PacingStats } from './pacing.js';
import { stallTruthQuantileMs } from './stall-truth.js';

/**
 * The measurements behind `bench calibrate` and the `npm run bench:*` scripts: the real engine against the real
 * workload server (a child process) on loopback. Each returns plain data; judging it against targets is targets.ts.
 */
export interface ProcedureOptions {
  /** Seconds per measured window. */
  durationS: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export const CALIBRATION_THRESHOLDS: Thresholds = { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 };

export function stepOf(p: {
  mode: LoadMode;
  rate?: number;
  connections: number;
  maxConnections?: number;
  durationS: number;
  warmupS?: number;
  workers?: number;
}): ResolvedLoadStep {
  return {
    name: p.mode === 'rate' ? `rate-${p.rate}` : `c-${p.connections}`,
    mode: p.mode,
    rate: p.mode === 'rate' ? p.rate! : null,
    connections: p.connections,
    maxConnections: p.maxConnections ?? p.connections,
    durationS: p.durationS,
    warmupS: p.warmupS ?? 1,
    arrival: 'uniform',
    workers: p.workers ?? 1,
    timeoutMs: 10_000,
  };
}

export async function withServer<T>(
  spec: { serviceDelayUs?: number; flags?: string[]; responseBytes?: number; signal?: AbortSignal },
  body: (chain: LocalChain) => Promise<T>,
): Promise<T> {
  const chain = await startLocalChain({
    hops: 1,
    responseBytes: spec.responseBytes ?? 1024,
    serviceDelayUs: spec.serviceDelayUs ?? 0,
    extraFlags: spec.flags ?? [],
    ...(spec.signal ? { signal: spec.signal } : {}),
  });
  try {
    return await body(chain);
  } finally {
    await chain.stop();
  }
}

export function load(url: string, step: ResolvedLoadStep, signal?: AbortSignal): Promise<LoadRun> {
  return runLoad({ url, step, errorBudget: 0.001, thresholds: CALIBRATION_THRESHOLDS, seed: 1, ...(signal ? { signal } : {}) });
}

// ---- engine ceiling ------------------------------------------------------------------------------------------------

export interface CeilingRow {
  connections: number;
  workers: number;
  throughput: number;
  p50Us: number;
  p99Us: number;
  littlesLawRatio: number | null;
}

export async function measureCeiling(
  url: string,
  connections: readonly number[],
  workers: readonly number[],
  o: ProcedureOptions,
): Promise<CeilingRow[]> {
  const rows: CeilingRow[] = [];
  for (const c of connections) {
    for (const w of workers) {
      const run = await load(url, stepOf({ mode: 'max', connections: c, workers: w, durationS: o.durationS }), o.signal);
      const s = run.latency.sent.summary;
      rows.push({ connections: c, workers: w, throughput: run.throughput, p50Us: s.p50Us, p99Us: s.p99Us, littlesLawRatio: run.littlesLaw?.ratio ?? null });
      o.log?.(`ceiling c=${c} workers=${w}: ${run.throughput.toFixed(0)} req/s, p50 ${s.p50Us} µs`);
    }
  }
  return rows;
}

// ---- timing accuracy -----------------------------------------------------------------------------------------------

export interface AccuracyResult {
  serviceDelayUs: number;
  connections: number;
  /** p50 against the same server with no delay: the loopback + server + engine floor. */
  floorP50Us: number;
  delayedP50Us: number;
  /** delayed − floor − service delay: what the engine (and the server's delay) got wrong, µs. */
  errorUs: number;
}

export async function measureAccuracy(serviceDelayUs: number, connections: number, o: ProcedureOptions): Promise<AccuracyResult> {
  const step = stepOf({ mode: 'connections', connections, durationS: o.durationS });
  const floor = await withServer({ ...(o.signal ? { signal: o.signal } : {}) }, (c) => load(c.url, step, o.signal));
  const delayed = await withServer({ serviceDelayUs, ...(o.signal ? { signal: o.signal } : {}) }, (c) => load(c.url, step, o.signal));
  const floorP50Us = floor.latency.sent.summary.p50Us;
  const delayedP50Us = delayed.latency.sent.summary.p50Us;
  const r = { serviceDelayUs, connections, floorP50Us, delayedP50Us, errorUs: delayedP50Us - floorP50Us - serviceDelayUs };
  o.log?.(`accuracy: floor p50 ${floorP50Us} µs, with ${serviceDelayUs} µs delay p50 ${delayedP50Us} µs, error ${r.errorUs} µs`);
  return r;
}

// ---- pacing --------------------------------------------------------------------------------------------------------

export interface PacingResult extends PacingStats {
  rate: number;
  achievedRate: number;
  sendLagP99Us: number;
  status: LoadRun['status'];
  invalidReasons: string[];
}

export async function measurePacingAt(url: string, rate: number, o: ProcedureOptions & { workers?: number }): Promise<PacingResult> {
  await resetArrivals(url);
  const step = stepOf({
    mode: 'rate',
    rate,
    connections: Math.max(8, Math.ceil(rate / 500)),
    maxConnections: Math.max(64, Math.ceil(rate / 4)),
    durationS: o.durationS,
    workers: o.workers ?? 1,
  });
  const run = await load(url, step, o.signal);
  const arrivals = await fetchArrivals(url);
  const from = Date.parse(run.startedAt);
  const stats = pacingStats(arrivals, from, from + run.durationS * 1000, rate);
  const r: PacingResult = {
    rate,
    ...stats,
    achievedRate: run.achievedRate,
    sendLagP99Us: run.sendLag?.p99Us ?? 0,
    status: run.status,
    invalidReasons: run.invalidReasons,
  };
  o.log?.(
    `pacing ${rate} req/s: p99 window ${r.p99Ratio.toFixed(2)}×, max ${r.maxRatio.toFixed(2)}×, ` +
      `${(r.emptyFraction * 100).toFixed(2)}% empty, achieved ${r.achievedRate.toFixed(1)}, send lag p99 ${r.sendLagP99Us} µs`,
  );
  return r;
}

// ---- stall ---------------------------------------------------------------------------------------------------------

export interface StallResult {
  rate: number;
  everyMs: number;
  forMs: number;
  connections: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  truthP95Us: number;
  truthP99Us: number;
  unstalledP50Us: number;
}

export async function measureStall(
  p: { rate: number; everyMs: number; forMs: number; connections: number },
  o: ProcedureOptions,
): Promise<StallResult> {
  const step = stepOf({
    mode: 'rate',
    rate: p.rate,
    connections: p.connections,
    // Enough to keep sending through a whole stall (rate × stall length), or the stall hides itself.
    maxConnections: Math.ceil((p.rate * p.forMs) / 1000) + p.connections,
    durationS: o.durationS,
  });
  const signal = o.signal ? { signal: o.signal } : {};
  const unstalled = await withServer(signal, (c) => load(c.url, step, o.signal));
  const stalled = await withServer(
    { flags: ['--stall-every-ms', String(p.everyMs), '--stall-for-ms', String(p.forMs)], ...signal },
    (c) => load(c.url, step, o.signal),
  );
  const s = stalled.latency.intended!.summary;
  const r: StallResult = {
    ...p,
    p50Us: s.p50Us,
    p95Us: percentileOf(stalled, 95),
    p99Us: s.p99Us,
    truthP95Us: Math.round(stallTruthQuantileMs(0.95, p.everyMs, p.forMs) * 1000),
    truthP99Us: Math.round(stallTruthQuantileMs(0.99, p.everyMs, p.forMs) * 1000),
    unstalledP50Us: unstalled.latency.intended!.summary.p50Us,
  };
  o.log?.(
    `stall ${p.forMs} ms every ${p.everyMs} ms at ${p.rate} req/s: p50 ${r.p50Us} µs (unstalled ${r.unstalledP50Us}), ` +
      `p95 ${(r.p95Us / 1000).toFixed(1)} ms (truth ${r.truthP95Us / 1000}), p99 ${(r.p99Us / 1000).toFixed(1)} ms (truth ${r.truthP99Us / 1000})`,
  );
  return r;
}


function percentileOf(run: LoadRun, q: number): number {
  const rec = run.latency.intended ?? run.latency.sent;
  return decodeHistogram(rec.histogram).getValueAtPercentile(q);
}

// ---- closed-loop consistency ---------------------------------------------------------------------------------------

export interface LittleResult {
  closeEvery: number | null;
  connections: number;
  throughput: number;
  meanUs: number;
  expectedMeanUs: number;
  ratio: number;
  reconnects: number;
}

/** Closed loop against a server that closes every `closeEvery` requests (null: never): Little's law must hold. */
export async function measureLittle(closeEvery: number | null, connections: number, o: ProcedureOptions): Promise<LittleResult> {
  const flags = closeEvery ? ['--close-every', String(closeEvery)] : [];
  const run = await withServer({ flags, ...(o.signal ? { signal: o.signal } : {}) }, (c) =>
    load(c.url, stepOf({ mode: 'connections', connections, durationS: o.durationS }), o.signal),
  );
  const l = run.littlesLaw!;
  const r = {
    closeEvery,
    connections,
    throughput: run.throughput,
    meanUs: l.measuredMeanUs,
    expectedMeanUs: l.expectedMeanUs,
    ratio: l.ratio,
    reconnects: run.counts.reconnects,
  };
  o.log?.(`Little's law c=${connections} close-every=${closeEvery ?? 'never'}: ratio ${r.ratio.toFixed(3)}, ${r.reconnects} reconnects`);
  return r;
}
