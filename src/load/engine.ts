import { Worker } from 'node:worker_threads';
import { urlToHttpOptions } from 'node:url';
import type { LoadRun, RequestCounts } from '../core/result-schema.js';
import type { LoadMode, ResolvedLoadStep, Thresholds } from '../core/scenario-types.js';
import { InputError } from '../core/errors.js';
import { compiledSibling } from '../core/compiled-path.js';
import { decodeHistogram, mergeHistograms, summarize, toLatencyRecord } from '../analysis/histogram.js';
import type { ConnectionTarget } from './paced-connection.js';
import { createShare, type ShareHandle, type ShareOutcome, type ShareSpec } from './run-share.js';
import { judgeStep, littlesLaw } from './validity.js';

/**
 * The load engine: runs one step against one URL and returns a LoadRun (the results schema's unit).
 * With `workers` > 1 the step is split into interleaved shares on worker threads, started at one common instant.
 */
export interface LoadOptions {
  url: string;
  step: ResolvedLoadStep;
  errorBudget: number;
  thresholds: Thresholds;
  seed: number;
  headers?: Record<string, string>;
  /** Aborting ends the step early; the result is marked invalid ("stopped early"). */
  signal?: AbortSignal;
}

/** Lead time between "all connections open" and the first request, so every worker starts on the same instant. */
const START_LEAD_MS = 50;

/**
 * The URL as it may be printed or stored: credentials (`user:pass@`) replaced by `***`, so a results file or a
 * terminal log never carries a password. The credentials themselves still go out as Basic auth (connectionTarget).
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '***';
    u.password = '';
    return u.toString();
  } catch {
    // Not a URL: hide anything that looks like userinfo before an @.
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
  }
}

export function connectionTarget(url: string, headers: Record<string, string> = {}): ConnectionTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw InputError.single('<url>', '', `not a valid URL: ${redactUrl(url)}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw InputError.single('<url>', '', `only http:// and https:// URLs are supported, got ${u.protocol}`);
  }
  const o = urlToHttpOptions(u);
  return {
    hostname: o.hostname ?? u.hostname,
    host: u.host,
    port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)),
    protocol: u.protocol,
    path: `${u.pathname}${u.search}`,
    method: 'GET',
    // RFC 7617 Basic auth from the URL's userinfo (percent-decoded), as curl does; an explicit header wins.
    headers:
      u.username || u.password
        ? { authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`, ...headers }
        : headers,
  };
}

/** Splits n into `parts` integers that differ by at most one. */
export function splitEvenly(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));
}

/** The engine runs rate, connections and max steps; an slo step is a search whose probes are rate steps. */
function engineMode(step: ResolvedLoadStep): LoadMode {
  if (step.mode === 'slo') throw new Error(`step ${step.name} is an slo search: run its probes (src/load/slo-search.ts), not the step`);
  return step.mode;
}

export function shareSpecs(o: LoadOptions, target: ConnectionTarget): ShareSpec[] {
  const s = o.step;
  const mode = engineMode(s);
  const workers = Math.max(1, Math.min(s.workers, s.connections));
  const conns = splitEvenly(s.connections, workers);
  const maxConns = splitEvenly(Math.max(s.maxConnections, s.connections), workers);
  return conns.map((connections, workerIndex) => ({
    target,
    mode,
    rate: s.rate,
    arrival: s.arrival,
    seed: o.seed,
    workerIndex,
    workerCount: workers,
    connections,
    maxConnections: Math.max(connections, maxConns[workerIndex]!),
    warmupMs: s.warmupS * 1000,
    durationMs: s.durationS * 1000,
    timeoutMs: s.timeoutMs,
  }));
}

/** One share of a step, running inline or on a worker thread. */
export interface RunningShare {
  ready: Promise<void>;
  start(startAtEpochMs: number): Promise<ShareOutcome>;
  stop(): void;
}

function inlineShare(spec: ShareSpec): RunningShare {
  const h: ShareHandle = createShare(spec);
  return {
    ready: h.ready,
    start: (epoch) => h.start(epoch - performance.timeOrigin),
    stop: () => h.stop(),
  };
}

/** The worker thread that runs one share: share-worker.ts, compiled (worker threads run JavaScript). */
function startShareWorker(spec: ShareSpec): Worker {
  return new Worker(compiledSibling(import.meta.url, './share-worker.js'), { workerData: spec });
}

/**
 * One share on a worker thread, through share-worker.ts's protocol. `startWorker` is the seam a test replaces with a
 * worker of its own, to see how a worker that crashes, exits or answers is read.
 */
export function workerShare(spec: ShareSpec, startWorker: (spec: ShareSpec) => Worker = startShareWorker): RunningShare {
  const worker = startWorker(spec);
  let resolveOutcome: (o: ShareOutcome) => void = () => {};
  let rejectAll: (e: Error) => void = () => {};
  const outcome = new Promise<ShareOutcome>((res, rej) => {
    resolveOutcome = res;
    rejectAll = rej;
  });
  // A worker that fails before start also fails `ready`, which reports it; nobody may ever await this outcome then, and
  // an unhandled rejection would end the process past the one place errors become exit codes (src/cli/exit.ts).
  outcome.catch(() => {});
  const ready = new Promise<void>((res, rej) => {
    worker.on('message', (m: unknown) => {
      if (m === 'ready') return res();
      resolveOutcome((m as { outcome: ShareOutcome }).outcome);
    });
    worker.on('error', (e) => {
      rej(e);
      rejectAll(e);
    });
    worker.on('exit', (code) => {
      const e = new Error(`load worker ${spec.workerIndex} exited with code ${code} before reporting`);
      rej(e);
      rejectAll(e);
    });
  });
  return {
    ready,
    start(epoch) {
      worker.postMessage({ startAtEpochMs: epoch });
      return outcome;
    },
    stop: () => worker.postMessage('stop'),
  };
}

export async function runLoad(o: LoadOptions): Promise<LoadRun> {
  const target = connectionTarget(o.url, o.headers);
  const specs = shareSpecs(o, target);
  const shares = specs.map((spec) => (specs.length === 1 ? inlineShare(spec) : workerShare(spec)));
  const onAbort = (): void => shares.forEach((s) => s.stop());
  if (o.signal?.aborted) onAbort();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: an AbortSignal fires 'abort' at most once, and `finally` removes the listener either way.
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all(shares.map((s) => s.ready));
    const startAtEpochMs = performance.timeOrigin + performance.now() + START_LEAD_MS;
    const startedAt = new Date(startAtEpochMs + o.step.warmupS * 1000).toISOString();
    const outcomes = await Promise.all(shares.map((s) => s.start(startAtEpochMs)));
    return buildLoadRun(o, startedAt, outcomes);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}

/** Merges the shares' outcomes into one LoadRun and judges it. Pure. */
export function buildLoadRun(o: LoadOptions, startedAt: string, outcomes: readonly ShareOutcome[]): LoadRun {
  const step = o.step;
  const mode = engineMode(step);
  const sum = (f: (x: ShareOutcome) => number): number => outcomes.reduce((a, x) => a + f(x), 0);
  const statusCodes: Record<string, number> = {};
  for (const x of outcomes) {
    for (const [code, n] of Object.entries(x.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  }
  const counts: RequestCounts = {
    sent: sum((x) => x.counts.sent),
    completed: sum((x) => x.counts.completed),
    ok: sum((x) => x.counts.ok),
    non2xx: sum((x) => x.counts.non2xx),
    socketErrors: sum((x) => x.counts.socketErrors),
    timeouts: sum((x) => x.counts.timeouts),
    unanswered: sum((x) => x.counts.unanswered),
    reconnects: sum((x) => x.counts.reconnects),
    resent: sum((x) => x.counts.resent),
    statusCodes,
  };
  const notSent = sum((x) => x.counts.notSent);
  const stoppedEarly = outcomes.some((x) => x.stoppedEarly);
  const windowS = Math.max(...outcomes.map((x) => x.windowMs)) / 1000;
  const perSecond = (n: number): number => (windowS > 0 ? round(n / windowS, 3) : 0);
  const achievedRate = perSecond(sum((x) => x.counts.sentInWindow));
  const throughput = perSecond(counts.completed);
  // Failed *requests*: a connect that fails with no request on it is a socket error but not a failed request, or a
  // refused port would report thousands of percent (an error rate is a fraction of what was sent).
  const requestErrors = sum((x) => x.counts.requestErrors);
  const failed = counts.non2xx + requestErrors + counts.timeouts + counts.unanswered;
  const errorRate = counts.sent > 0 ? round(failed / counts.sent, 6) : failed + counts.socketErrors > 0 ? 1 : 0;
  const firstError = outcomes
    .map((x) => x.firstError)
    .filter((e): e is NonNullable<typeof e> => e !== null)
    .sort((a, b) => a.atEpochMs - b.atEpochMs)[0];
  const gaveUp = outcomes.find((x) => x.gaveUp !== null)?.gaveUp ?? null;

  const merge = (pick: (x: ShareOutcome) => ShareOutcome['sent'] | null) => {
    const parts = outcomes.map(pick).filter((e): e is NonNullable<typeof e> => e !== null);
    return parts.length ? mergeHistograms(parts.map(decodeHistogram)) : null;
  };
  const sentHist = merge((x) => x.sent)!;
  // Shares keep these two only in rate mode (run-share.ts): null from every share of a closed-loop step.
  const intendedHist = merge((x) => x.intended);
  const lagHist = merge((x) => x.sendLag);
  const sentRecord = toLatencyRecord(sentHist);
  const ll =
    step.mode === 'rate'
      ? null
      : littlesLaw(step.connections, throughput, sentRecord.summary.meanUs, o.thresholds.littlesLawTolerance);
  const verdict = judgeStep({
    mode,
    targetRate: step.rate,
    achievedRate,
    errorRate,
    errorBudget: o.errorBudget,
    counts,
    notSent,
    stoppedEarly,
    littlesLaw: ll,
    thresholds: o.thresholds,
    requestErrors,
    connectionError: firstError?.message ?? null,
    gaveUp,
  });
  return {
    url: redactUrl(o.url),
    mode,
    step,
    startedAt,
    durationS: round(windowS, 3),
    targetRate: step.rate,
    achievedRate,
    throughput,
    errorRate,
    connections: {
      initial: sum((x) => x.connections.initial),
      peak: sum((x) => x.connections.peak),
    },
    counts,
    latency: { intended: intendedHist ? toLatencyRecord(intendedHist) : null, sent: sentRecord },
    sendLag: lagHist ? summarize(lagHist) : null,
    littlesLaw: ll,
    ...(firstError ? { firstConnectionError: firstError.message } : {}),
    ...verdict,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
