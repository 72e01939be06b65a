import { describe, expect, it } from 'vitest';
import { planCommand } from '../src/cli/commands/plan-command.js';
import { NodeFileSystem } from '../src/core/node-fs.js';
import { ExitCode } from '../src/core/errors.js';
import { MESH_ADAPTERS } from '../src/mesh/registry.js';
import { clusterRunFixture } from './helpers/cluster-run.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { readFileSync } from 'node:fs';

async function plan(systems: string[], target: 'kind' | 'existing' = 'kind'): Promise<{ code: number; text: string }> {
  const f = clusterRunFixture(target === 'existing' ? { target, existing: { kubeconfig: '/home/user/.kube/config', context: 'gke-bench' } } : {});
  let text = '';
  const code = await planCommand({
    systems,
    scenarioPath: 'scenarios/smoke.yaml',
    options: { ...f.options, workRoot: '/tmp/mesh-bench-plan' },
    deps: { fs: new NodeFileSystem() },
    availableCores: 2,
    io: { out: (t) => (text += t), err: () => {} },
  });
  return { code, text };
}

describe('bench plan', () => {
  for (const adapter of MESH_ADAPTERS) {
    it(`prints every command and manifest of a ${adapter.id} run, in order (golden)`, async () => {
      const { code, text } = await plan([adapter.id]);
      expect(code).toBe(ExitCode.ok);
      await expect(text).toMatchFileSnapshot(`fixtures/plan/${adapter.id}.plan.txt`);
    });
  }

  it('executes nothing: no command runs and no file is written', async () => {
    const f = clusterRunFixture();
    // The only file system the command gets (its own and the platform's): in memory, holding the scenario.
    const fs = new MemoryFileSystem({ '/repo/scenarios/smoke.yaml': readFileSync(new URL('../scenarios/smoke.yaml', import.meta.url), 'utf8') });
    const code = await planCommand({
      systems: ['baseline', 'istio-ambient'],
      scenarioPath: '/repo/scenarios/smoke.yaml',
      options: { ...f.options, deps: { ...f.options.deps, fs } },
      deps: { fs },
      availableCores: 2,
      io: { out: () => {}, err: () => {} },
    });
    expect(code).toBe(ExitCode.ok);
    expect(fs.calls).toEqual([{ op: 'readFile', path: '/repo/scenarios/smoke.yaml' }]);
    expect([...fs.files.keys()]).toEqual(['/repo/scenarios/smoke.yaml']);
    expect(f.transcript).toEqual([]);
    expect(f.fs.calls).toEqual([]);
  });

  it('on an existing cluster plans no cluster, image or mesh install, and deletes only its namespaces', async () => {
    const { text } = await plan(['istio'], 'existing');
    expect(text).not.toMatch(/^kind /m);
    expect(text).not.toMatch(/istioctl install/);
    expect(text).toMatch(/kubectl --kubeconfig \/home\/user\/\.kube\/config --context gke-bench delete namespace mesh-bench /);
    expect(text).toMatch(/delete namespace mesh-bench-plain /);
  });

  it('rejects an unknown system with exit 2 before printing anything', async () => {
    await expect(plan(['consul'])).rejects.toMatchObject({ exitCode: ExitCode.invalidInput, message: expect.stringMatching(/^--mesh: unknown system consul; known: baseline, cilium/) });
  });
});
