import { describe, expect, it } from 'vitest';
import { renderLoadRun } from '../src/report/render-load-run.js';
import type { LoadRun } from '../src/core/result-schema.js';
import { latencyProfile, makeRepetition } from './helpers/repetition-factory.js';

describe('bench load: the terminal summary', () => {
  it('prints an open-loop run: what ran, the latency table aligned, throughput against the target, counts and status', () => {
    const run: LoadRun = makeRepetition({ sentUs: latencyProfile({ p50Us: 1000, p99Us: 1500 }), intendedUs: latencyProfile({ p50Us: 1200, p99Us: 1800 }) });
    run.connections = { initial: 8, peak: 12 };
    run.counts = { ...run.counts, non2xx: 2, socketErrors: 1, timeouts: 3, unanswered: 4, reconnects: 5, resent: 6 };
    run.errorRate = 0.0125;
    run.warnings = ['send lag high'];
    expect(renderLoadRun(run)).toBe(
      [
        'http://127.0.0.1:8080/: open loop at 1000 req/s (uniform), 8→12 connections, 10s measured after 2s warm-up, 1 worker(s)',
        '',
        'latency                 p50      p90      p99    p99.9      max     mean  count',
        'from intended send  1.20 ms  1.20 ms  1.80 ms  1.80 ms  1.80 ms  1.26 ms    100',
        'from actual send    1.00 ms  1.00 ms  1.50 ms  1.50 ms  1.50 ms  1.05 ms    100',
        'send lag              10 µs    20 µs    20 µs    20 µs    20 µs    12 µs      3',
        '',
        'throughput 1000 req/s, achieved 1000 req/s of 1000 req/s, errors 1.3%',
        'requests: 100 sent, 100 completed (100 2xx, 2 other), 1 socket errors, 3 timeouts, 4 unanswered, 5 reconnects, 6 re-sent',
        'status: VALID',
        '  warning: send lag high',
        '',
      ].join('\n'),
    );
  });

  it('prints a closed-loop run stopped early, its Little\'s law check out of tolerance, the first connection error and why it is invalid', () => {
    const run: LoadRun = makeRepetition({ mode: 'connections', throughput: 8000, status: 'invalid', invalidReasons: ['too few requests', 'errors'] });
    run.durationS = 4.5;
    run.littlesLaw = { expectedMeanUs: 2000, measuredMeanUs: 2600, ratio: 1.3, withinTolerance: false };
    run.firstConnectionError = 'connection refused by 127.0.0.1:8080';
    expect(renderLoadRun(run)).toBe(
      [
        'http://127.0.0.1:8080/: closed loop (connections), 16 connections, 4.5s of 10s measured (stopped early) after 2s warm-up, 1 worker(s)',
        '',
        'latency               p50      p90      p99    p99.9      max     mean  count',
        'from actual send  1.00 ms  1.00 ms  1.50 ms  1.50 ms  1.50 ms  1.05 ms    100',
        '',
        'throughput 8000 req/s, errors 0.0%',
        'requests: 100 sent, 100 completed (100 2xx, 0 other), 0 socket errors, 0 timeouts, 0 unanswered, 0 reconnects, 0 re-sent',
        "Little's law: mean 2.60 ms vs connections ÷ throughput 2.00 ms (×1.300, OUT OF TOLERANCE)",
        'first connection error: connection refused by 127.0.0.1:8080',
        'status: INVALID',
        '  invalid: too few requests',
        '  invalid: errors',
        '',
      ].join('\n'),
    );
  });

  it('prints dashes, not 0 µs, when nothing was recorded, and no error rate when nothing was sent', () => {
    const run: LoadRun = { ...makeRepetition({ mode: 'max' }), throughput: 0 };
    run.latency.sent.summary = { ...run.latency.sent.summary, count: 0 };
    run.counts = { ...run.counts, sent: 0, completed: 0, ok: 0, statusCodes: {} };
    run.littlesLaw = { expectedMeanUs: 2000, measuredMeanUs: 2100, ratio: 1.05, withinTolerance: true };
    const lines = renderLoadRun(run).split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'http://127.0.0.1:8080/: closed loop (max), 16 connections, 10s measured after 2s warm-up, 1 worker(s)',
      '',
      'latency           p50  p90  p99  p99.9  max  mean  count',
      'from actual send    —    —    —      —    —     —      0',
      '',
      'throughput 0.00 req/s, errors — (no request was sent)',
      'requests: 0 sent, 0 completed (0 2xx, 0 other), 0 socket errors, 0 timeouts, 0 unanswered, 0 reconnects, 0 re-sent',
      "Little's law: mean 2.10 ms vs connections ÷ throughput 2.00 ms (×1.050)",
    ]);
  });
});
