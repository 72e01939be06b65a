import { describe, expect, it } from 'vitest';
import { expectedDuration, expectedDurationLine, setupEstimateS } from '../src/scenario/expected-duration.js';
import { parseScenario } from '../src/scenario/load-scenario.js';

// 3 repetitions × ((2 s + 10 s) + (1 s + 5 s)) = 54 s of load per measured namespace.
const scenario = parseScenario(
  'name: a\nrepetitions: 3\nsteps:\n  - { mode: rate, rate: 5, duration: 10s, warmup: 2s }\n  - { mode: max, connections: 1, duration: 5s, warmup: 1s }\n',
  'f.yaml',
  2,
);
const oneStep = (duration: string) =>
  parseScenario(`name: a\nrepetitions: 1\nsteps:\n  - { mode: rate, rate: 5, duration: ${duration}, warmup: 0s }\n`, 'f.yaml', 2);

describe('expected duration per target', () => {
  it('estimates 30 s–2 min of set-up per system on an existing cluster, meshed or not', () => {
    expect(setupEstimateS('existing', true)).toEqual([30, 120]);
    expect(setupEstimateS('existing', false)).toEqual([30, 120]);
    const e = expectedDuration(scenario, ['baseline', 'cilium'], 'existing');
    // baseline: 1 namespace; cilium: enrolled and unenrolled = 3 namespaces × 54 s.
    expect(e).toEqual({ loadS: 162, namespaces: 3, setupS: [60, 240] });
    expect(expectedDurationLine(e, 'existing')).toBe(
      'expected duration: 2m42s of load (3 namespaces × 54s) + set-up estimated 1m–4m (existing) ≈ 3m42s–6m42s',
    );
  });

  it('measures one namespace per system on the local target, meshed or not', () => {
    const e = expectedDuration(scenario, ['baseline', 'cilium'], 'local');
    expect(e).toEqual({ loadS: 108, namespaces: 2, setupS: [0, 0] });
  });

  it('treats the named reference, not "baseline", as the unmeshed system', () => {
    // cilium is the reference here: 1 namespace and 1–2 min; baseline counts as meshed: 2 namespaces and 2–6 min.
    expect(expectedDuration(scenario, ['cilium', 'baseline'], 'kind', 'cilium')).toEqual({
      loadS: 162,
      namespaces: 3,
      setupS: [180, 480],
    });
  });

  it('says 0 s for no systems instead of dividing by zero namespaces', () => {
    const e = expectedDuration(scenario, [], 'kind');
    expect(e).toEqual({ loadS: 0, namespaces: 0, setupS: [0, 0] });
    expect(expectedDurationLine(e, 'kind')).toBe(
      'expected duration: 0s of load (0 namespaces × 0s), plus a few seconds to start the workload servers',
    );
  });

  it('rounds to tenths of a second below a minute and to whole seconds from a minute up', () => {
    // 0.25 s → 0.3 s (tenths); 59.96 s → 60 s once rounded; 60.4 s → 60 s (whole seconds).
    expect(expectedDurationLine(expectedDuration(oneStep('0.25s'), ['baseline'], 'local'), 'local')).toBe(
      'expected duration: 300ms of load (1 namespace × 300ms), plus a few seconds to start the workload servers',
    );
    expect(expectedDurationLine(expectedDuration(oneStep('60.4s'), ['baseline'], 'local'), 'local')).toBe(
      'expected duration: 1m of load (1 namespace × 1m), plus a few seconds to start the workload servers',
    );
    expect(expectedDuration(oneStep('59.96s'), ['baseline'], 'local').loadS).toBe(59.96);
  });
});
