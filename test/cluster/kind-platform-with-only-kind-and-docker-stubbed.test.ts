import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deps } from '../../src/core/deps.js';
import { KindStubbedRunner } from '../helpers/kind-stubbed-runner.js';
import { NodeFileSystem } from '../../src/core/node-fs.js';
import { SystemClock } from '../../src/core/system-clock.js';
import { ExecaRunner } from '../../src/exec/execa-runner.js';
import { ClientNodeKube } from '../../src/kube/client-node-kube.js';
import { MESH_ADAPTERS_BY_ID } from '../../src/mesh/registry.js';
import { ClusterPlatform } from '../../src/platform/cluster-platform.js';
import { parseKindConfig } from '../../src/platform/kind-config.js';
import { parseVersions } from '../../src/platform/versions.js';
import { parseScenario } from '../../src/scenario/load-scenario.js';
import { applyKindCoreDns, controlPlaneSuite, serveWorkload, type ServedWorkload } from '../helpers/control-plane-fixture.js';
import { REPO } from '../helpers/control-plane-tools.js';
import { RecordingLogger } from '../helpers/recording-logger.js';

/**
 * `--target kind` against the real control plane, with only what needs Docker stubbed: `kind create cluster` (hands
 * over the control plane's kubeconfig at the path the plan gives), `kind load`, `kind delete`, `kind version`,
 * `docker build` and `docker save`. Everything else is real: the kind platform's readiness waits (every node Ready,
 * CoreDNS rolled out), apply, rollouts, the traffic proof, the exec'd load, the node-proxy scrapes, kubectl.
 */
const suite = controlPlaneSuite('the kind platform on a real control plane (test/cluster)');
const repo = (p: string): string => readFileSync(join(REPO, p), 'utf8');

describe.skipIf(!suite.available)('the kind platform with only kind and docker stubbed, on a real control plane', () => {
  let workload: ServedWorkload;
  let workRoot: string;
  beforeAll(async () => {
    const cp = suite.cp();
    workload = await serveWorkload(cp);
    workRoot = mkdtempSync(join(tmpdir(), 'bench-kind-'));
    const applied = await applyKindCoreDns(cp, 2);
    expect(applied.code, applied.stderr).toBe(0);
  });
  afterAll(async () => {
    await workload?.stop();
    rmSync(workRoot, { recursive: true, force: true });
  });

  it('creates (stubbed), waits for nodes and CoreDNS, deploys, measures through exec and node proxy, and deletes (stubbed)', async () => {
    const cp = suite.cp();
    const runner = new KindStubbedRunner(new ExecaRunner(), cp.kubeconfig, suite.binaries().kubectl);
    const logger = new RecordingLogger();
    const deps: Deps = { runner, fs: new NodeFileSystem(), clock: new SystemClock(), logger, cwd: REPO, env: process.env };
    const platform = new ClusterPlatform({
      target: 'kind',
      deps,
      kubeFactory: (target) => new ClientNodeKube(target),
      versions: parseVersions(repo('clusters/versions.yaml'), 'clusters/versions.yaml'),
      adapters: MESH_ADAPTERS_BY_ID,
      repoDir: REPO,
      workRoot,
      clusterPrefix: 'bench',
      keepCluster: false,
      // The kind target builds its image under a content-hash tag (image-tag.ts); the stubbed docker builds nothing.
      image: 'mesh-bench:0123456789ab',
      kindConfigs: {
        default: parseKindConfig(repo('clusters/kind/default.yaml'), 'clusters/kind/default.yaml'),
        'no-cni': parseKindConfig(repo('clusters/kind/no-cni.yaml'), 'clusters/kind/no-cni.yaml'),
      },
      cores: 4,
    });
    const scenario = parseScenario('name: kind-stubbed\nrepetitions: 1\nsteps:\n  - mode: rate\n    rate: 50\n    duration: 6s\n    warmup: 1s\n', 'inline', 2);
    const signal = new AbortController().signal;
    const prepared = await platform.prepare('baseline', scenario, signal).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n${logger.lines.join('\n')}\n${cp.logs()}`);
    });
    try {
      expect(prepared.versions()).toMatchObject({ kubernetes: 'v1.36.1', kubectl: 'v1.36.1', kind: 'v0.32.0' });
      const m = await prepared.measure('baseline', scenario.steps[0]!, { errorBudget: scenario.errorBudget, thresholds: scenario.thresholds, seed: 1, signal });
      expect(m.run.status, m.run.invalidReasons.join('; ')).toBe('valid');
      expect(m.run.counts.ok).toBeGreaterThan(200);
      expect(m.resources?.roles.workload.containers).toBe(1);
    } finally {
      await prepared.teardown();
    }
    const kinds = runner.calls.filter((c) => c[0] === 'kind' || c[0] === 'docker').map((c) => `${c[0]} ${c[1]}`);
    expect(kinds).toEqual(['kind create', 'docker build', 'docker save', 'kind load', 'kind version', 'kind delete']);
    expect(logger.lines).toContain('ok Waiting for all 3 nodes to be Ready');
  });
});
