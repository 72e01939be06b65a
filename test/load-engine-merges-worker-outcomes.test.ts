import { beforeEach, describe, expect, it } from 'vitest';
import { createLatencyHistogram, encodeHistogram, recordMicros } from '../src/analysis/histogram.js';
import type { EncodedHistogram, LoadRun } from '../src/core/result-schema.js';
import { loadRunSchema } from '../src/core/result-schema.js';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import { buildLoadRun, type LoadOptions } from '../src/load/engine.js';
import type { ShareCounts, ShareOutcome } from '../src/load/run-share.js';
import { countsOf } from './helpers/run-share-fakes.js';

// buildLoadRun merges the outcomes of a step's shares (one per engine thread) into the step's one result: counts and
// status codes add up, histograms merge, rates are over the longest window, the first connection error is the
// earliest of any share, and the whole is judged once.
const STARTED = '2026-12-02T05:00:00.000Z';

function hist(...us: number[]): EncodedHistogram {
  const h = createLatencyHistogram();
  for (const v of us) recordMicros(h, v);
  return encodeHistogram(h);
}

function outcome(p: Partial<Omit<ShareOutcome, 'counts'>> & { counts?: Partial<ShareCounts> }): ShareOutcome {
  return {
    statusCodes: {},
    intended: null,
    sent: hist(),
    sendLag: null,
    connections: { initial: 1, peak: 1 },
    windowMs: 1000,
    stoppedEarly: false,
    firstError: null,
    gaveUp: null,
    ...p,
    counts: countsOf(p.counts ?? {}),
  };
}

function options(step: Partial<ResolvedLoadStep>, url = 'http://127.0.0.1:8080/'): LoadOptions {
  return {
    url,
    step: { name: 's', mode: 'rate', rate: 160, connections: 4, maxConnections: 16, durationS: 1, warmupS: 0, arrival: 'uniform', workers: 3, timeoutMs: 2000, ...step },
    errorBudget: 0.001,
    thresholds: { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 },
    seed: 1,
  };
}

describe('buildLoadRun, rate step over three shares', () => {
  const shares = [
    outcome({
      counts: { sent: 70, sentInWindow: 68, completed: 65, ok: 60, non2xx: 5, socketErrors: 3, requestErrors: 2, timeouts: 1, unanswered: 2, reconnects: 6, resent: 7 },
      statusCodes: { '200': 60, '503': 5 },
      intended: hist(1100, 1300),
      sent: hist(1000, 1200),
      sendLag: hist(10, 20),
      connections: { initial: 2, peak: 6 },
      windowMs: 1024,
      firstError: { atEpochMs: 2000, message: 'connection reset by 127.0.0.1:8080 (second)' },
    }),
    outcome({
      counts: { sent: 60, sentInWindow: 61, completed: 50, ok: 48, non2xx: 2, timeouts: 3, unanswered: 7, notSent: 9, reconnects: 1 },
      statusCodes: { '200': 48, '404': 2 },
      intended: hist(1500),
      sent: hist(1400),
      sendLag: hist(30),
      connections: { initial: 1, peak: 3 },
      windowMs: 1000,
      stoppedEarly: true,
      firstError: { atEpochMs: 1000, message: 'connection refused by 127.0.0.1:8080 (first)' },
    }),
    outcome({
      counts: { sent: 31, sentInWindow: 30, completed: 30, ok: 30 },
      statusCodes: { '200': 30 },
      intended: hist(1700),
      sent: hist(1600),
      sendLag: hist(40),
      connections: { initial: 1, peak: 1 },
      windowMs: 1010,
      firstError: { atEpochMs: 1500, message: 'connection reset by 127.0.0.1:8080 (third)' },
    }),
  ];
  let run: LoadRun;
  beforeEach(() => {
    run = buildLoadRun(options({}, 'http://alice:s3cret@127.0.0.1:8080/'), STARTED, shares);
  });

  it('adds up every count and every status code', () => {
    expect(run.counts).toEqual({
      sent: 161,
      completed: 145,
      ok: 138,
      non2xx: 7,
      socketErrors: 3,
      timeouts: 4,
      unanswered: 9,
      reconnects: 7,
      resent: 7,
      statusCodes: { '200': 138, '503': 5, '404': 2 },
    });
    expect(run.connections).toEqual({ initial: 4, peak: 10 });
  });

  it('takes rates over the longest window, to three decimals', () => {
    expect(run.durationS).toBe(1.024);
    // 159 sent in the window (68 + 61 + 30) and 145 completed, over 1.024 s.
    expect(run.achievedRate).toBe(155.273);
    expect(run.throughput).toBe(141.602);
    expect(run.targetRate).toBe(160);
  });

  it('counts as failed the non-2xx, the requests lost to socket errors, the timeouts and the unanswered, over what was sent', () => {
    // (7 + 2 + 4 + 9) / 161, to six decimals; a failed connect with no request on it is not a failed request.
    expect(run.errorRate).toBe(0.136646);
  });

  it('merges the latency histograms of every share', () => {
    expect(run.latency.sent.summary).toMatchObject({ count: 4, minUs: 1000, p50Us: 1200, maxUs: 1600, meanUs: 1300 });
    expect(run.latency.intended!.summary).toMatchObject({ count: 4, minUs: 1100, p50Us: 1300, maxUs: 1700, meanUs: 1400 });
    expect(run.sendLag).toMatchObject({ count: 4, minUs: 10, p50Us: 20, maxUs: 40, meanUs: 25 });
    expect(run.littlesLaw).toBeNull();
  });

  it('names the earliest connection error of any share', () => {
    expect(run.firstConnectionError).toBe('connection refused by 127.0.0.1:8080 (first)');
  });

  it('judges the merged step: stopped early if any share was, the rate short with the requests that never left, the error budget blown', () => {
    expect(run.status).toBe('invalid');
    expect(run.invalidReasons).toEqual([
      'stopped early (interrupted before the measured window ended)',
      'achieved rate 155.3/160 req/s (97.0%) is below 99% of target; 9 requests never left (no connection to send them on)',
      'error rate 13.66% exceeds budget 0.10% (non-2xx 7, socket errors 2, timeouts 4, unanswered 9 of 161 sent)',
    ]);
    expect(run.warnings).toEqual(['7 requests re-sent after the server closed their connection']);
  });

  it('stores the URL without its password, the step as given and the start instant', () => {
    expect(run.url).toBe('http://***@127.0.0.1:8080/');
    expect(run.mode).toBe('rate');
    expect(run.step).toEqual(options({}).step);
    expect(run.startedAt).toBe(STARTED);
    expect(() => loadRunSchema.parse(run)).not.toThrow();
  });
});

describe('buildLoadRun, closed loop', () => {
  it("keeps no intended-time latency or send lag, and checks Little's law with the step's connections", () => {
    const shares = [
      outcome({ counts: { sent: 1000, sentInWindow: 1000, completed: 1000, ok: 1000 }, statusCodes: { '200': 1000 }, sent: hist(1000, 1500) }),
      outcome({ counts: { sent: 1000, sentInWindow: 1000, completed: 1000, ok: 1000 }, statusCodes: { '200': 1000 }, sent: hist(2000) }),
    ];
    const run = buildLoadRun(options({ mode: 'connections', rate: null, connections: 3, maxConnections: 3, workers: 2 }), STARTED, shares);
    expect(run.latency.intended).toBeNull();
    expect(run.sendLag).toBeNull();
    // 3 connections at 2000 responses/s: 1500 µs each, as measured.
    expect(run.littlesLaw).toEqual({ expectedMeanUs: 1500, measuredMeanUs: 1500, ratio: 1, withinTolerance: true });
    expect(run.mode).toBe('connections');
    expect(run.targetRate).toBeNull();
    expect(run.throughput).toBe(2000);
    expect(run.errorRate).toBe(0);
    expect(run.status).toBe('valid');
    expect(run.invalidReasons).toEqual([]);
    expect(run.warnings).toEqual([]);
    expect('firstConnectionError' in run).toBe(false);
  });
});

describe('buildLoadRun, nothing measured', () => {
  it('a window that never opened gives rates of 0, not a division by zero', () => {
    const run = buildLoadRun(options({ mode: 'connections', rate: null, connections: 2, maxConnections: 2 }), STARTED, [outcome({ windowMs: 0, stoppedEarly: true }), outcome({ windowMs: 0 })]);
    expect([run.durationS, run.achievedRate, run.throughput, run.errorRate]).toEqual([0, 0, 0, 0]);
    expect(run.invalidReasons).toEqual(['stopped early (interrupted before the measured window ended)', 'no responses in the measured window']);
  });

  it('nothing sent but connects failing: an error rate of 1, and the first error named in the reason', () => {
    const run = buildLoadRun(options({ mode: 'connections', rate: null, connections: 2, maxConnections: 2 }), STARTED, [
      outcome({ counts: { socketErrors: 5 }, firstError: { atEpochMs: 5, message: 'connection refused by 127.0.0.1:1' } }),
      outcome({}),
    ]);
    expect(run.errorRate).toBe(1);
    expect(run.firstConnectionError).toBe('connection refused by 127.0.0.1:1');
    expect(run.invalidReasons).toEqual(['no responses in the measured window: connection refused by 127.0.0.1:1']);
  });

  it('nothing sent and no errors: an error rate of 0', () => {
    const run = buildLoadRun(options({ mode: 'connections', rate: null, connections: 1, maxConnections: 1, workers: 1 }), STARTED, [outcome({})]);
    expect(run.errorRate).toBe(0);
  });

  it('a share that gave up says why, first, whichever share it was', () => {
    const why = 'stopped after 3.0 s without a response: connection refused by 127.0.0.1:1';
    const run = buildLoadRun(options({}), STARTED, [
      outcome({ counts: { socketErrors: 4 }, firstError: { atEpochMs: 9, message: 'connection refused by 127.0.0.1:1' } }),
      outcome({ gaveUp: why, stoppedEarly: true }),
    ]);
    expect(run.invalidReasons).toEqual([why, 'no responses in the measured window', 'achieved rate 0.0/160 req/s (0.0%) is below 99% of target']);
  });
});
