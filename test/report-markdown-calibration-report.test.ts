import { describe, expect, it } from 'vitest';
import type { Calibration } from '../src/calibration/calibration.js';
import type { PacingResult } from '../src/calibration/procedures.js';
import { renderCalibration } from '../src/report/render-calibration.js';
import { fixtureEnvironment } from './helpers/run-result-factory.js';

function pacing(rate: number, o: Partial<PacingResult> = {}): PacingResult {
  return {
    rate,
    windows: 1000,
    expectedPerWindow: rate / 100,
    p99Ratio: 1.234,
    maxRatio: 2.5,
    emptyFraction: 0.00123,
    observedRate: rate,
    achievedRate: rate - 0.04,
    sendLagP99Us: 850,
    status: 'valid',
    invalidReasons: [],
    ...o,
  };
}

function calibration(o: Partial<Calibration> = {}): Calibration {
  return {
    kind: 'mesh-bench/calibration',
    schemaVersion: 1,
    createdAt: '2026-11-21T05:00:00.000Z',
    quick: false,
    environment: { ...fixtureEnvironment, hostname: 'bench-01', cpuModel: 'AMD EPYC 7763', cores: 4, kernel: '6.8.0', node: 'v20.19.5', harnessCommit: 'abc123' },
    ceiling: [
      { connections: 1, workers: 1, throughput: 9876.5, p50Us: 95, p99Us: 180, littlesLawRatio: 1.0123 },
      { connections: 64, workers: 2, throughput: 41000.4, p50Us: 1500, p99Us: 4200, littlesLawRatio: null },
    ],
    accuracy: { serviceDelayUs: 2000, connections: 4, floorP50Us: 110, delayedP50Us: 2130, errorUs: 20 },
    pacing: pacing(1000),
    stall: { rate: 500, everyMs: 1000, forMs: 100, connections: 8, p50Us: 900, p95Us: 52_000, p99Us: 91_000, truthP95Us: 50_000, truthP99Us: 90_000, unstalledP50Us: 880 },
    littlesLaw: [],
    ladder: [{ ...pacing(1000), ok: true }, { ...pacing(2000, { p99Ratio: 1.9, maxRatio: 3.25, emptyFraction: 0.02 }), ok: false }],
    checks: [
      { name: 'ceiling', ok: true, detail: 'above 8000 req/s' },
      { name: 'stall', ok: false, detail: 'p99 off by 1 ms' },
    ],
    verdict: { maxRate: 1000, workers: 2, reason: 'the 2000 req/s step missed the p99 window target' },
    ...o,
  };
}

describe('calibration.md', () => {
  it('gives the verdict, the machine, every check and measurement, and the raw figures', () => {
    const c = calibration();
    expect(renderCalibration(c)).toBe(
      [
        '# Calibration of bench-01',
        '',
        '**Verdict: drive at most 1000 req/s** with 2 worker(s) on this machine. the 2000 req/s step missed the p99 window target.',
        '',
        'AMD EPYC 7763, 4 cores, kernel 6.8.0, Node v20.19.5, harness abc123; 2026-11-21T05:00:00.000Z.',
        '',
        '## Checks',
        '',
        '| check | result | detail |',
        '|---|---|---|',
        '| ceiling | pass | above 8000 req/s |',
        '| stall | FAIL | p99 off by 1 ms |',
        '',
        '## Engine ceiling (closed loop, workload server on loopback, no delay)',
        '',
        "| connections | workers | throughput | p50 | p99 | Little's law |",
        '|---:|---:|---:|---:|---:|---:|',
        '| 1 | 1 | 9877 req/s | 95 µs | 180 µs | ×1.012 |',
        '| 64 | 2 | 41000 req/s | 1.50 ms | 4.20 ms | — |',
        '',
        '## Timing accuracy',
        '',
        'Closed loop, 4 connections. p50 with no service delay 110 µs; with 2.00 ms 2.13 ms; error after subtracting both: 20 µs.',
        '',
        '## Pacing at 1000 req/s (arrivals counted at the server per 10 ms)',
        '',
        'p99 window 1.23× expected (target ≤ 1.6×), busiest 2.50× (≤ 3×), 0.12% empty windows (< 1%) over 1000 windows; achieved 1000.0 req/s; send lag p99 850 µs.',
        '',
        '## Stall test: the server stalls 100 ms every 1000 ms, fixed 500 req/s',
        '',
        '|  | measured | truth |',
        '|---|---|---|',
        '| p50 | 900 µs | 880 µs (unstalled run) |',
        '| p95 | 52.00 ms | 50.00 ms |',
        '| p99 | 91.00 ms | 90.00 ms |',
        '',
        '## Fixed-rate ladder',
        '',
        '| rate | achieved | p99 window | busiest | empty | send lag p99 | ok |',
        '|---|---|---|---|---|---|---|',
        '| 1000 | 1000.0 | 1.23× | 2.50× | 0.12% | 850 µs | yes |',
        '| 2000 | 2000.0 | 1.90× | 3.25× | 2.00% | 850 µs | no |',
        '',
        '## Raw',
        '',
        '```json',
        JSON.stringify({ accuracy: c.accuracy, stall: c.stall, littlesLaw: c.littlesLaw }, null, 2),
        '```',
        '',
      ].join('\n'),
    );
  });

  it('says a quick run is a check of the procedure, when no rate met the targets, and names the harness version outside git', () => {
    const c = calibration({ quick: true, verdict: { maxRate: null, workers: 1, reason: 'even 500 req/s missed' } });
    c.environment = { ...c.environment, harnessCommit: null, harnessVersion: '0.1.0' };
    expect(renderCalibration(c).split('\n').slice(0, 5)).toEqual([
      '# Calibration of bench-01 (quick: a check of the procedure, not a calibration)',
      '',
      '**Verdict: no fixed rate met the targets** with 1 worker(s) on this machine. even 500 req/s missed.',
      '',
      'AMD EPYC 7763, 4 cores, kernel 6.8.0, Node v20.19.5, harness 0.1.0; 2026-11-21T05:00:00.000Z.',
    ]);
  });
});
