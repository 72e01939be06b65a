import { describe, expect, it } from 'vitest';
import type { ResolvedLoadStep } from '../src/core/scenario-types.js';
import { execTimeoutMs, parseInPodResult } from '../src/platform/in-cluster-load.js';

const step: ResolvedLoadStep = {
  name: 'rate-1000',
  mode: 'rate',
  rate: 1000,
  connections: 8,
  maxConnections: 64,
  durationS: 30,
  warmupS: 5,
  arrival: 'uniform',
  workers: 1,
  timeoutMs: 2000,
};

describe('in-cluster load: how long the exec may take', () => {
  it('allows the warm-up plus the window, the drain timeout and one minute of start-up slack', () => {
    // (5 s + 30 s) of load, 2 s for the last requests to drain, 60 s for node to start in the pod.
    expect(execTimeoutMs(step)).toBe(35_000 + 2_000 + 60_000);
  });

  it('rounds a fractional window up to a whole millisecond, never down', () => {
    expect(execTimeoutMs({ ...step, warmupS: 0.0004, durationS: 1, timeoutMs: 250 })).toBe(61_251);
  });
});

describe('in-cluster load: a pod answer that is not a result', () => {
  it('quotes only the first 200 bytes of what the pod printed', () => {
    const printed = `${'x'.repeat(200)}TAIL-NOT-QUOTED`;
    let message = '';
    try {
      parseInPodResult(printed, step);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    expect(message).toBe(`load client printed no JSON result (first 200 bytes: "${'x'.repeat(200)}")`);
  });
});
