import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { InputError } from '../src/core/errors.js';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { systemPlan } from '../src/platform/cluster-plan.js';
import { meshInstallS, parseEstimates, type Estimates } from '../src/platform/estimates.js';
import { estimatePlan } from '../src/platform/plan-estimate.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { formatDuration } from '../src/scenario/durations.js';
import { bench } from './helpers/cli.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';

/** `bench plan --estimate` walks the plan the run executes: its rows are the phases a result records, no more, no less. */
const SOURCE = 'clusters/estimates.yaml';
const shipped = readFileSync(new URL(`../${SOURCE}`, import.meta.url), 'utf8');
const estimates = parseEstimates(shipped, SOURCE);

function estimateFor(systems: string[], scenarioText: string, target: 'kind' | 'existing' = 'kind', e: Estimates = estimates) {
  const f = clusterRunFixture(target === 'existing' ? { target, existing: { kubeconfig: '/home/user/.kube/config', context: 'gke-bench' } } : {});
  const platform = new ClusterPlatform(f.options);
  const scenario = parseScenario(scenarioText, 'tiny.yaml', 2);
  return estimatePlan(systems.map((id) => platform.planInput(id, scenario)), e, SOURCE);
}

function problemOf(text: string): InputError {
  try {
    parseEstimates(text, SOURCE);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

const edited = (path: string[], value: unknown): string => {
  const doc = parseDocument(shipped);
  if (value === undefined) doc.deleteIn(path);
  else doc.setIn(path, value);
  return doc.toString();
};

describe('bench plan --estimate: phases', () => {
  it('has one row per phase the run records, with the repetitions of a measured step summed', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    const system = outcome.result.systems[0]!;
    expect(system.status).toBe('completed');
    // The run records `measure <variant> <step> #<repetition>`; the estimate one row per variant and step.
    const recorded = [...new Set((system.phases ?? []).map((p) => p.name.replace(/ #\d+$/, '')))];
    expect(recorded.length).toBeGreaterThan(5);
    expect(estimateFor(['baseline'], TWO_STEP_SCENARIO).rows.map((r) => r.phase).sort()).toEqual(recorded.sort());
  });

  it('for a mesh: every phase of its plan, the mesh install included, and both namespaces measured', () => {
    const f = clusterRunFixture();
    const input = new ClusterPlatform(f.options).planInput('istio', parseScenario(TWO_STEP_SCENARIO, 'tiny.yaml', 2));
    const planned = systemPlan(input).flatMap((s) => (s.phase ? [s.phase] : []));
    expect(planned).toContain('mesh install');
    const phases = estimateFor(['istio'], TWO_STEP_SCENARIO).rows.map((r) => r.phase);
    expect(phases).toEqual([
      ...planned,
      ...['istio', 'istio/unmeshed'].flatMap((v) => input.scenario.steps.map((step) => `measure ${v} ${step.name}`)),
      'teardown',
    ]);
  });

  it('takes set-up figures from the data file: the first image build is cold, a later one comes from the cache', () => {
    const e = estimateFor(['baseline', 'istio'], TWO_STEP_SCENARIO);
    const row = (system: string, phase: string) => e.rows.find((r) => r.system === system && r.phase === phase)!.seconds;
    expect(row('baseline', 'image load')).toBe(estimates.imageLoad.firstBuild + estimates.imageLoad.saveAndLoad);
    expect(row('istio', 'image load')).toBe(estimates.imageLoad.cachedBuild + estimates.imageLoad.saveAndLoad);
    expect(row('istio', 'mesh install')).toBe(estimates.meshInstall.istio);
    expect(row('istio', 'deploy')).toBe(2 * estimates.deployPerVariant);
    expect(e.rows.some((r) => r.system === 'baseline' && r.phase === 'mesh install')).toBe(false);
    expect(e.runS).toBe(e.systems[0]!.seconds + e.systems[1]!.seconds);
  });

  it('repeats set-up and measurement for every install; only the very first image build is cold', () => {
    const one = estimateFor(['istio'], TWO_STEP_SCENARIO);
    const two = estimateFor(['istio'], `${TWO_STEP_SCENARIO}installs: 2\n`);
    expect(two.installs).toBe(2);
    const image = estimates.imageLoad.firstBuild - estimates.imageLoad.cachedBuild;
    expect(two.runS).toBe(2 * one.runS - image);
    expect(two.rows.map((r) => r.phase)).toEqual(one.rows.map((r) => r.phase));
    expect(two.rows[0]!.how).toMatch(/^2 installs: /);
  });

  it('on an existing cluster: no cluster, image or mesh install, namespaces deleted, and no nightly job around it', () => {
    const e = estimateFor(['istio'], TWO_STEP_SCENARIO, 'existing');
    const phases = e.rows.map((r) => r.phase);
    expect(phases).not.toContain('cluster create');
    expect(phases).not.toContain('image load');
    expect(phases).not.toContain('mesh install');
    expect(e.rows.find((r) => r.phase === 'teardown')?.seconds).toBe(estimates.teardown.existing);
    expect(e.rows.find((r) => r.phase === 'teardown')?.how).toBe('delete the harness namespaces');
    expect(e.job).toBeUndefined();
  });
});

describe('clusters/estimates.yaml', () => {
  it('has a mesh-install figure for every registered system and for nothing else', () => {
    expect(Object.keys(estimates.meshInstall).sort()).toEqual(MESH_ADAPTERS.map((a) => a.id).sort());
    expect(estimates.meshInstall.baseline).toBe(0);
  });

  it('says what its figures are (the header of every estimate repeats it)', () => {
    expect(estimates.basis).toMatch(/guess/);
    expect(shipped).toMatch(/src\/platform\/phase-timing\.ts/);
  });

  it('refuses a missing, unknown or negative figure with one line naming the file and the field', () => {
    expect(problemOf(edited(['readiness'], undefined)).message).toBe(`${SOURCE}: readiness: is required`);
    expect(problemOf(edited(['clusterCreate', 'no-cni'], -1)).message).toMatch(/^clusters\/estimates\.yaml: clusterCreate\["no-cni"\]|clusterCreate\.no-cni: /);
    expect(problemOf(edited(['teardwn'], 30)).message).toBe(`${SOURCE}: teardwn: unknown field`);
  });

  it('refuses to estimate a system it has no mesh-install figure for, naming the field', () => {
    const { cilium: _dropped, ...rest } = estimates.meshInstall;
    expect(() => meshInstallS({ ...estimates, meshInstall: rest }, SOURCE, 'cilium')).toThrow(`${SOURCE}: meshInstall.cilium: is required (one figure per registered system)`);
    expect(() => estimateFor(['cilium'], TWO_STEP_SCENARIO, 'kind', { ...estimates, meshInstall: rest })).toThrow(InputError);
  });
});

describe('bench plan --estimate, the built CLI', () => {
  it('prints the table from clusters/estimates.yaml and the nightly job’s total, executing nothing, exit 0', async () => {
    // PATH holds only shims that log their call: any tool the plan ran would be in the log (or fail, not found).
    const shims = mkdtempSync(join(tmpdir(), 'bench-plan-shims-'));
    const log = join(shims, 'calls.log');
    for (const tool of ['kind', 'docker', 'kubectl', 'helm', 'istioctl', 'linkerd', 'cilium', 'openssl', 'git']) {
      writeFileSync(join(shims, tool), `#!/bin/sh\necho "${tool} $*" >> '${log}'\n`, { mode: 0o755 });
    }
    const path = process.env.PATH;
    process.env.PATH = shims;
    let r: Awaited<ReturnType<typeof bench>>;
    try {
      r = await bench(['plan', '--mesh', 'baseline,linkerd', '--estimate', '--scenario', 'scenarios/smoke.yaml']);
    } finally {
      process.env.PATH = path;
    }
    const calls = existsSync(log) ? readFileSync(log, 'utf8') : '';
    rmSync(shims, { recursive: true, force: true });
    expect(calls).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# mesh-bench estimate: baseline, linkerd on kind, scenario smoke \(scenarios\/smoke\.yaml\)\n/);
    expect(r.stdout).toContain(`| linkerd | mesh install | ${formatDuration(estimates.meshInstall.linkerd!)} | `);
    expect(r.stdout).toMatch(/^\| \*\*job total\*\* \| \*\*\d+m(\d+s)?\*\* \|$/m);
    expect(r.stdout).not.toMatch(/kind create cluster --name/);
  });
});
