import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import { runLoad } from '../src/load/engine.js';
import { okServerForFile } from './helpers/ok-http-server.js';

// runLoad on one thread against a plain HTTP server on loopback: when the measured window starts (and the instant the
// result says it started), and how an abort signal ends a step early.
const ok = okServerForFile();

function step(p: Partial<ResolvedLoadStep>): ResolvedLoadStep {
  return { name: 's', mode: 'connections', rate: null, connections: 1, maxConnections: 1, durationS: 0.3, warmupS: 0.2, arrival: 'uniform', workers: 1, timeoutMs: 2000, ...p };
}

const thresholds = { minRateFraction: 0.99, maxCv: 0.05, littlesLawTolerance: 0.1 };
const epochNow = (): number => performance.timeOrigin + performance.now();

describe('runLoad', () => {
  it('starts the measured window after a 50 ms lead and the warm-up, and says so in startedAt', async () => {
    const before = epochNow();
    const run = await runLoad({ url: ok.url, step: step({}), errorBudget: 0.001, thresholds, seed: 1 });
    const after = epochNow();
    const started = Date.parse(run.startedAt);
    // ISO instants keep whole milliseconds: 1 ms of slack either way.
    expect(started).toBeGreaterThanOrEqual(before + 50 + 200 - 1);
    expect(started + 300).toBeLessThanOrEqual(after + 1);
    expect(run.status).toBe('valid');
    expect(run.counts.completed).toBeGreaterThan(0);
  });

  it('ends early when aborted, and says it stopped early', async () => {
    const controller = new AbortController();
    const started = performance.now();
    // 10 s asked for; anything under 6 s (the machine may be busy) shows the abort ended it.
    setTimeout(() => controller.abort(), 400);
    const run = await runLoad({ url: ok.url, step: step({ durationS: 10, warmupS: 0 }), errorBudget: 0.001, thresholds, seed: 1, signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(6000);
    expect(run.status).toBe('invalid');
    expect(run.invalidReasons).toContain('stopped early (interrupted before the measured window ended)');
    expect(run.durationS).toBeLessThan(2);
    expect(run.counts.completed).toBeGreaterThan(0);
  });

  it('ends at once when the signal was aborted before it began', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = performance.now();
    const run = await runLoad({ url: ok.url, step: step({ durationS: 10, warmupS: 0, timeoutMs: 500 }), errorBudget: 0.001, thresholds, seed: 1, signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(6000);
    expect(run.invalidReasons[0]).toBe('stopped early (interrupted before the measured window ended)');
  });

  it('leaves no listener on the signal once the step is over (one signal serves every step of a run)', async () => {
    const controller = new AbortController();
    const run = await runLoad({ url: ok.url, step: step({ warmupS: 0, durationS: 0.2 }), errorBudget: 0.001, thresholds, seed: 1, signal: controller.signal });
    expect(run.status).toBe('valid');
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
  });
});
