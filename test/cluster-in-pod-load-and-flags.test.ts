import { describe, expect, it } from 'vitest';
import { loadArgv, parseInPodResult } from '../src/platform/in-cluster-load.js';
import { resolveLoadFlags, type LoadFlags } from '../src/cli/load-flags.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { harnessClusters } from '../src/cli/commands/down-command.js';
import { validateClusterFlags } from '../src/cli/cluster-setup.js';
import { parseToolVersions } from '../src/platform/tool-versions.js';
import { classifierFor } from '../src/platform/cluster-platform.js';
import { variantsOf } from '../src/platform/cluster-plan.js';
import { istioSidecar } from '../src/mesh/istio.js';
import { ExitCode } from '../src/core/errors.js';
import { fakeLoadClientAnswer } from './helpers/fake-cluster.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { readFileSync } from 'node:fs';

const scenario = parseScenario(readFileSync(new URL('../scenarios/default.yaml', import.meta.url), 'utf8'), 'scenarios/default.yaml', 2);

/** argv → the flags object commander would build. */
function flagsOf(argv: string[]): LoadFlags {
  const f: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--') || a === '--json') continue;
    const key = a.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) f[key] = true;
    else f[key] = argv[++i]!;
  }
  return f as unknown as LoadFlags;
}

/** A scenario whose thresholds differ from `bench load`'s defaults, with one step of each mode. */
const strict = parseScenario(
  [
    'name: strict',
    'errorBudget: 0.5%',
    'thresholds: { minRateFraction: 0.95, littlesLawTolerance: 0.25, maxCv: 0.2 }',
    'steps:',
    '  - { mode: rate, rate: 300, arrival: poisson }',
    '  - { mode: connections, connections: 8 }',
    '  - { mode: max, connections: 16 }',
  ].join('\n'),
  'strict.yaml',
  2,
);

describe('in-cluster load', () => {
  for (const s of [scenario, strict]) {
    for (const step of s.steps) {
      it(`passes ${s.name}'s ${step.name} to the pod as flags that resolve to exactly the same step and thresholds`, () => {
        const argv = loadArgv('http://server-1.mesh-bench.svc.cluster.local:8080/', step, { errorBudget: s.errorBudget, thresholds: s.thresholds, seed: 3 });
        expect(argv.slice(0, 5)).toEqual(['node', 'bin/bench.js', 'load', 'http://server-1.mesh-bench.svc.cluster.local:8080/', '--json']);
        const back = resolveLoadFlags(flagsOf(argv.slice(4)), 2);
        expect({ ...back.step, name: step.name }).toEqual(step);
        expect(back.errorBudget).toBe(s.errorBudget);
        expect(back.seed).toBe(3);
        // maxCv judges repetitions (the pipeline's job), not one step: only the per-step thresholds must match.
        expect({ ...back.thresholds, maxCv: s.thresholds.maxCv }).toEqual(s.thresholds);
      });
    }
  }

  it("drives a max step in the load-client pod through a whole run, judged with the scenario's Little's-law tolerance", async () => {
    const f = clusterRunFixture();
    // The fake pod answers 500–599 µs per request at c=16: mean ≈ 549 µs vs 16 ÷ throughput = 500 µs, ratio ≈ 1.10.
    const outcome = await f.run(['baseline'], 'name: max\nrepetitions: 1\nthresholds: { littlesLawTolerance: 0.05 }\nsteps:\n  - { mode: max, connections: 16, duration: 1s, warmup: 0s }\n');
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const step = outcome.result.systems[0]!.steps[0]!;
    const rep = step.repetitions[0]!;
    expect(f.kube.programs.loads.at(-1)!.run.mode).toBe('max');
    expect(rep.mode).toBe('max');
    expect(rep.step).toEqual(step.config);
    expect(rep.littlesLaw!.ratio).toBeGreaterThan(1.05);
    expect(rep.littlesLaw!.withinTolerance).toBe(false);
    expect(rep.warnings.join()).toMatch(/tolerance ±5%/);
  });

  it("reads the pod's result and keeps the scenario's step name", () => {
    const step = scenario.steps[0]!;
    const answer = fakeLoadClientAnswer(loadArgv('http://server-1.mesh-bench.svc.cluster.local:8080/', step, { errorBudget: 0.001, thresholds: scenario.thresholds, seed: 1 }));
    expect(parseInPodResult(answer.stdout, step).step).toEqual(step);
  });

  it('says what the pod printed when it is not a result', () => {
    expect(() => parseInPodResult('Error: Cannot find module', scenario.steps[0]!)).toThrow(/printed no JSON result \(first 200 bytes: "Error: Cannot find module"\)/);
  });
});

describe('container roles per measured namespace', () => {
  const [meshed, plain] = variantsOf(istioSidecar);
  it('counts sidecars of the measured namespace as sidecar proxies and the other namespace as other', () => {
    const c = classifierFor(istioSidecar, meshed!);
    expect(c({ namespace: 'mesh-bench', pod: 'server-1-x', container: 'server' })).toBe('workload');
    expect(c({ namespace: 'mesh-bench', pod: 'server-1-x', container: 'istio-proxy' })).toBe('sidecar-proxy');
    expect(c({ namespace: 'mesh-bench', pod: 'load-client-x', container: 'load' })).toBe('load-client');
    expect(c({ namespace: 'mesh-bench-plain', pod: 'server-1-y', container: 'server' })).toBe('other');
    expect(c({ namespace: 'istio-system', pod: 'istiod-z', container: 'discovery' })).toBe('control-plane');
  });
  it('still counts the mesh control plane when the unmeshed namespace is measured', () => {
    const c = classifierFor(istioSidecar, plain!);
    expect(c({ namespace: 'mesh-bench-plain', pod: 'server-1-y', container: 'server' })).toBe('workload');
    expect(c({ namespace: 'mesh-bench', pod: 'server-1-x', container: 'server' })).toBe('other');
    expect(c({ namespace: 'istio-system', pod: 'istiod-z', container: 'discovery' })).toBe('control-plane');
  });
});

describe('cluster flags and housekeeping', () => {
  it('bench down picks only <prefix>-<system> clusters', () => {
    expect(harnessClusters('bench-baseline\nbench-istio\nkind\nbench-foo\nmy-bench-istio\n', 'bench', ['baseline', 'istio', 'cilium'])).toEqual([
      'bench-baseline',
      'bench-istio',
    ]);
  });

  it('requires a context and an image for an existing cluster, naming each flag', () => {
    expect(() => validateClusterFlags({ target: 'existing', clusterPrefix: 'bench' })).toThrow(
      /^--context: required with --target existing.*\n--image: required with --target existing/s,
    );
  });

  it('refuses a :latest image and kind-only misuse of --context', () => {
    expect(() => validateClusterFlags({ target: 'existing', context: 'c', image: 'ghcr.io/me/mesh-bench:latest', clusterPrefix: 'bench' })).toThrow(
      /--image: must be pinned by a version tag or a digest; the "latest" tag is refused/,
    );
    expect(() => validateClusterFlags({ target: 'kind', context: 'c', clusterPrefix: 'bench' })).toThrow(/--context: only with --target existing/);
    let error: unknown;
    try {
      validateClusterFlags({ target: 'kind', clusterPrefix: 'Bad_Prefix' });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ exitCode: ExitCode.invalidInput, message: expect.stringMatching(/^--cluster-prefix: must be a short DNS label/) });
  });

  it('reads versions from what the tools print', () => {
    expect(parseToolVersions(new Map([['kind', 'kind v0.32.0 go1.25.3 linux/amd64\n'], ['kubectl', '{"clientVersion":{"gitVersion":"v1.36.1"}}']]))).toEqual({
      kind: 'v0.32.0',
      kubectl: 'v1.36.1',
    });
  });
});
