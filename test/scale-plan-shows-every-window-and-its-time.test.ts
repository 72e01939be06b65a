import { readFileSync } from 'node:fs';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { describe, expect, it } from 'vitest';
import { planCommand } from '../src/cli/commands/plan-command.js';
import { ExitCode, InputError } from '../src/core/errors.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { MESH_ADAPTERS_BY_ID } from '../src/mesh/registry.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { parseEstimates } from '../src/platform/estimates.js';
import { estimatePlan, setupSecondsBySystem } from '../src/platform/plan-estimate.js';
import { scaledServerDeployment } from '../src/platform/scale-plan.js';
import { variantsOf } from '../src/platform/cluster-plan.js';
import { expectedDuration, expectedDurationLine, scaleSeconds } from '../src/scenario/expected-duration.js';
import { loadScenario } from '../src/scenario/load-scenario.js';
import { clusterRunFixture } from './helpers/cluster-run.js';

const SCENARIO = 'scenarios/scale.yaml';
const ESTIMATES = 'clusters/estimates.yaml';
const estimates = parseEstimates(readFileSync(new URL(`../${ESTIMATES}`, import.meta.url), 'utf8'), ESTIMATES);

async function plan(systems: string[], o: { target?: 'kind' | 'existing'; estimate?: boolean } = {}): Promise<{ code: number; text: string }> {
  const f = clusterRunFixture(o.target === 'existing' ? { target: 'existing', existing: { kubeconfig: '/home/user/.kube/config', context: 'gke' } } : {});
  let text = '';
  const code = await planCommand({
    systems,
    scenarioPath: SCENARIO,
    options: { ...f.options, workRoot: '/tmp/mesh-bench-plan' },
    deps: { fs: new NodeFileSystem() },
    availableCores: 2,
    io: { out: (t) => (text += t), err: () => {} },
    ...(o.estimate ? { estimates: { ...estimates, source: ESTIMATES } } : {}),
  });
  return { code, text };
}

describe(`bench plan of ${SCENARIO}`, () => {
  it('prints every scale window after the steps: each count’s Deployment, its rollout wait, the idle check and the loaded exec (golden)', async () => {
    const { code, text } = await plan(['istio-ambient']);
    expect(code).toBe(ExitCode.ok);
    await expect(text).toMatchFileSnapshot('fixtures/plan/scale/istio-ambient.plan.txt');
    const titles = [...text.matchAll(/^## (.*)$/gm)].map((m) => m[1]);
    const windows = titles.filter((t) => /\d+ per worker/.test(t ?? ''));
    expect(windows).toEqual([1, 4, 8, 16].flatMap((n) => [
      `Scale mesh-bench/server-1 to ${n * 2} replicas (${n} per worker over 2 workers, CPU request 5m)`,
      `Wait for mesh-bench/server-1 at ${n} per worker`,
      `Idle window at ${n} per worker`,
      `Loaded window at ${n} per worker: 100 req/s for 60 s, kubelets sampled`,
    ]));
  });

  it('--estimate counts the scale windows: exact settle, idle and load per count, plus the estimated rollouts', async () => {
    const { code, text } = await plan(['baseline', 'istio'], { estimate: true });
    expect(code).toBe(ExitCode.ok);
    // 4 counts × (1m rollout + 30s settle + 1m idle + 1m load) = 14m per system.
    expect(text).toContain('| istio | scale windows | 14m | 4 counts (1, 4, 8, 16 per worker) × (1m rollout + 30s settle + 1m idle + 1m at 100 req/s) |');
    expect(text).toContain('| baseline | scale windows | 14m |');
  });

  it('bench run’s expected-duration line says the windows apart (exact) and the rollouts within the set-up', async () => {
    const f = clusterRunFixture();
    const scenario = await loadScenario(SCENARIO, { fs: new NodeFileSystem(), availableCores: 2 });
    const platform = new ClusterPlatform({ ...f.options, estimates: { ...estimates, source: ESTIMATES } });
    const setup = platform.setupEstimate(['istio'], scenario)!;
    const planned = estimatePlan([platform.planInput('istio', scenario)], estimates, ESTIMATES);
    const row = planned.rows.find((r) => r.phase === 'scale windows')!;
    expect(scaleSeconds(scenario)).toBe(10 * 60);
    expect(row.exactS).toBe(scaleSeconds(scenario));
    expect(setupSecondsBySystem(planned).istio).toBe(planned.systems[0]!.seconds - planned.rows.filter((r) => r.phase.startsWith('measure ')).reduce((s, r) => s + r.seconds, 0) - 600);
    const line = expectedDurationLine(expectedDuration(scenario, ['istio'], 'kind', setup), 'kind');
    expect(line).toMatch(/ \+ 10m of scale windows \+ set-up estimated /);
  });

  it('refuses an estimate without the rollout figure, naming the file and field', async () => {
    const { scaleRolloutPerCount: _dropped, ...rest } = estimates;
    void _dropped;
    const f = clusterRunFixture();
    const scenario = await loadScenario(SCENARIO, { fs: new NodeFileSystem(), availableCores: 2 });
    const input = new ClusterPlatform(f.options).planInput('baseline', scenario);
    expect(() => estimatePlan([input], rest, ESTIMATES)).toThrow(`${ESTIMATES}: scaleRolloutPerCount: is required to estimate a scenario with a scale: section`);
  });

  it('on an existing cluster: refused in one line naming the file and field (its workers cannot be planned), nothing printed', async () => {
    const error = await plan(['istio'], { target: 'existing' }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^scenarios\/scale\.yaml: scale: is measured on --target kind only: .*\(--target existing\)/);
  });
});

describe('the scale windows’ server Deployment', () => {
  it('validates against the Kubernetes schema and keeps every field through the API’s own serializer', async () => {
    const f = clusterRunFixture();
    const scenario = await loadScenario(SCENARIO, { fs: new NodeFileSystem(), availableCores: 2 });
    const input = new ClusterPlatform(f.options).planInput('istio', scenario);
    const d = scaledServerDeployment(input, variantsOf(MESH_ADAPTERS_BY_ID.get('istio')!)[0]!, 32);
    new Deployment(d as unknown as ConstructorParameters<typeof Deployment>[0]).validate();
    expect(ObjectSerializer.serialize(d, 'V1Deployment', '')).toEqual(d);
  });
});
