import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { parseEstimates } from '../src/platform/estimates.js';
import { resolvedScenarioSchema } from '../src/core/scenario-types.js';
import { expectedDuration, expectedDurationLine, loadSeconds } from '../src/scenario/expected-duration.js';
import { installCount, repetitionsOfInstall, totalRepetitions } from '../src/scenario/installs.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture } from './helpers/cluster-run.js';

/**
 * Scenario `installs` (issue 12): `repetitions` is per install, repetitions are numbered across installs, and the
 * expected duration counts load and set-up once per install.
 */
const estimates = { ...parseEstimates(readFileSync(new URL('../clusters/estimates.yaml', import.meta.url), 'utf8'), 'clusters/estimates.yaml'), source: 'clusters/estimates.yaml' };
const parse = (extra: string) =>
  parseScenario(`name: a\n${extra}steps:\n  - { mode: rate, rate: 5, duration: 10s, warmup: 2s }\n  - { mode: max, connections: 1, duration: 5s, warmup: 1s }\n`, 'f.yaml', 2);

describe('installs in a scenario', () => {
  it('default to 1, and the resolved scenario says so', () => {
    const s = parse('');
    expect(s.installs).toBe(1);
    expect(resolvedScenarioSchema.parse(s)).toEqual(s);
  });

  it('are read as written, with repetitions per install', () => {
    const s = parse('installs: 3\nrepetitions: 4\n');
    expect({ installs: s.installs, repetitions: s.repetitions, total: totalRepetitions(s) }).toEqual({ installs: 3, repetitions: 4, total: 12 });
  });

  it('are absent from results written before them, which ran one install', () => {
    const { installs: _installs, ...old } = parse('installs: 2\n');
    expect(resolvedScenarioSchema.parse(old).installs).toBeUndefined();
    expect(installCount(resolvedScenarioSchema.parse(old))).toBe(1);
  });

  it('number repetitions across installs, install 1 as a single-install run would', () => {
    const s = parse('installs: 3\nrepetitions: 2\n');
    expect([1, 2, 3].map((k) => repetitionsOfInstall(s, k))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });
});

describe('expected duration with installs', () => {
  const s = parse('installs: 2\nrepetitions: 3\n');

  it('is installs × repetitions × Σ(warm-up + duration) of load per namespace', () => {
    expect(loadSeconds(s)).toBe(2 * 3 * (12 + 6));
  });

  it('counts set-up once per install on kind (the plan estimate’s figures), and says so', () => {
    const platform = new ClusterPlatform({ ...clusterRunFixture().options, estimates });
    const once = platform.setupEstimate(['baseline', 'istio'], parse('installs: 1\nrepetitions: 3\n'))!;
    const twice = platform.setupEstimate(['baseline', 'istio'], s)!;
    // istio is the second system: its image comes from the cache in both installs, so its set-up doubles exactly.
    expect(twice.perSystemS.istio).toBe(2 * once.perSystemS.istio!);
    const e = expectedDuration(s, ['baseline', 'istio'], 'kind', { perSystemS: { baseline: 360, istio: 600 }, lowFraction: 0.5 });
    expect(e).toEqual({ loadS: 3 * 108, namespaces: 3, installs: 2, setupS: [480, 960] });
    expect(expectedDurationLine(e, 'kind')).toBe(
      'expected duration: 5m24s of load (2 installs × 3 namespaces × 54s) + set-up estimated 8m–16m (kind, 2 installs) ≈ 13m24s–21m24s',
    );
  });

  it('starts the local servers once per install', () => {
    expect(expectedDurationLine(expectedDuration(s, ['baseline'], 'local', null), 'local')).toBe(
      'expected duration: 1m48s of load (2 installs × 1 namespace × 54s), plus a few seconds per install to start the workload servers',
    );
  });
});
