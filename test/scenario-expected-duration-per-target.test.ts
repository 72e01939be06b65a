import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { parseEstimates } from '../src/platform/estimates.js';
import { LocalPlatform } from '../src/platform/local-platform.js';
import type { Platform } from '../src/platform/platform.js';
import { estimatePlan } from '../src/platform/plan-estimate.js';
import { expectedDuration, expectedDurationLine, type SetupEstimate } from '../src/scenario/expected-duration.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture } from './helpers/cluster-run.js';

// 3 repetitions × ((2 s + 10 s) + (1 s + 5 s)) = 54 s of load per measured namespace.
const scenario = parseScenario(
  'name: a\nrepetitions: 3\nsteps:\n  - { mode: rate, rate: 5, duration: 10s, warmup: 2s }\n  - { mode: max, connections: 1, duration: 5s, warmup: 1s }\n',
  'f.yaml',
  2,
);
const oneStep = (duration: string) =>
  parseScenario(`name: a\nrepetitions: 1\nsteps:\n  - { mode: rate, rate: 5, duration: ${duration}, warmup: 0s }\n`, 'f.yaml', 2);

const SOURCE = 'clusters/estimates.yaml';
const estimates = { ...parseEstimates(readFileSync(new URL(`../${SOURCE}`, import.meta.url), 'utf8'), SOURCE), source: SOURCE };
/** A set-up estimate with round figures, for the arithmetic of the line. */
const setup: SetupEstimate = { perSystemS: { baseline: 120, cilium: 480 }, lowFraction: 0.5 };

describe('expected duration per target', () => {
  it('adds each system’s set-up as a range, from the low fraction of its figure up to the figure', () => {
    const e = expectedDuration(scenario, ['baseline', 'cilium'], 'existing', setup);
    // baseline: 1 namespace; cilium: enrolled and unenrolled = 3 namespaces × 54 s; set-up (60 + 240)–(120 + 480) s.
    expect(e).toEqual({ loadS: 162, namespaces: 3, setupS: [300, 600] });
    expect(expectedDurationLine(e, 'existing')).toBe(
      'expected duration: 2m42s of load (3 namespaces × 54s) + set-up estimated 5m–10m (existing) ≈ 7m42s–12m42s',
    );
  });

  it('measures one namespace per system on the local target, meshed or not, and needs no set-up figures', () => {
    expect((new LocalPlatform() as Platform).setupEstimate).toBeUndefined();
    const e = expectedDuration(scenario, ['baseline', 'cilium'], 'local', null);
    expect(e).toEqual({ loadS: 108, namespaces: 2, setupS: [0, 0] });
    // Even handed figures, the local target adds none.
    expect(expectedDuration(scenario, ['baseline', 'cilium'], 'local', setup).setupS).toEqual([0, 0]);
  });

  it('treats the named reference, not "baseline", as the unmeshed system', () => {
    // cilium is the reference here: 1 namespace; baseline counts as meshed: 2 namespaces.
    expect(expectedDuration(scenario, ['cilium', 'baseline'], 'kind', setup, 'cilium')).toEqual({ loadS: 162, namespaces: 3, setupS: [300, 600] });
  });

  it('says 0 s for no systems instead of dividing by zero namespaces', () => {
    const e = expectedDuration(scenario, [], 'kind', setup);
    expect(e).toEqual({ loadS: 0, namespaces: 0, setupS: [0, 0] });
    expect(expectedDurationLine(e, 'kind')).toBe('expected duration: 0s of load (0 namespaces × 0s), plus a few seconds to start the workload servers');
  });

  it('says the set-up is not estimated on a cluster target without an estimates file, rather than guessing', () => {
    const e = expectedDuration(scenario, ['baseline'], 'kind', null);
    expect(e).toEqual({ loadS: 54, namespaces: 1, setupS: [0, 0], setupUnknown: true });
    expect(expectedDurationLine(e, 'kind')).toBe('expected duration: 54s of load (1 namespace × 54s) + set-up not estimated (kind, no estimates file)');
  });

  it('refuses a system the set-up estimate does not name', () => {
    expect(() => expectedDuration(scenario, ['baseline', 'linkerd'], 'kind', setup)).toThrow('no set-up estimate for linkerd');
  });

  it('rounds to tenths of a second below a minute and to whole seconds from a minute up', () => {
    // 0.25 s → 0.3 s (tenths); 59.96 s → 60 s once rounded; 60.4 s → 60 s (whole seconds).
    expect(expectedDurationLine(expectedDuration(oneStep('0.25s'), ['baseline'], 'local', null), 'local')).toBe(
      'expected duration: 300ms of load (1 namespace × 300ms), plus a few seconds to start the workload servers',
    );
    expect(expectedDurationLine(expectedDuration(oneStep('60.4s'), ['baseline'], 'local', null), 'local')).toBe(
      'expected duration: 1m of load (1 namespace × 1m), plus a few seconds to start the workload servers',
    );
    expect(expectedDuration(oneStep('59.96s'), ['baseline'], 'local', null).loadS).toBe(59.96);
  });
});

describe('one source of set-up figures: the expected-duration line and bench plan --estimate', () => {
  it.each(['kind', 'existing'] as const)('on %s, each system’s set-up is the plan estimate’s rows other than measurement', (target) => {
    const f = clusterRunFixture(target === 'existing' ? { target, existing: { kubeconfig: '/home/u/.kube/config', context: 'kind-x' } } : {});
    const platform = new ClusterPlatform({ ...f.options, estimates });
    const systems = ['baseline', 'istio-ambient-cilium', 'cilium-ztunnel'];
    const plan = estimatePlan(systems.map((id) => platform.planInput(id, scenario)), estimates, SOURCE);
    const got = platform.setupEstimate(systems, scenario)!;
    expect(got.lowFraction).toBe(estimates.expectedLowFraction);
    for (const s of plan.systems) {
      const measured = plan.rows.filter((r) => r.system === s.system && r.phase.startsWith('measure ')).reduce((sum, r) => sum + r.seconds, 0);
      expect(got.perSystemS[s.system]).toBe(s.seconds - measured);
    }
    // The mesh install figure of the file is in it: a system that installs more is estimated longer.
    if (target === 'kind') {
      expect(got.perSystemS['istio-ambient-cilium']! - got.perSystemS['cilium-ztunnel']!).toBe(
        estimates.meshInstall['istio-ambient-cilium']! - estimates.meshInstall['cilium-ztunnel']!,
      );
    }
    const line = expectedDurationLine(expectedDuration(scenario, systems, target, got), target);
    expect(line).toMatch(new RegExp(`set-up estimated \\S+–\\S+ \\(${target}\\)`));
  });

  it('without an estimates file the cluster platform gives no figures (and the line says so)', () => {
    expect(new ClusterPlatform(clusterRunFixture().options).setupEstimate(['baseline'], scenario)).toBeNull();
  });
});
