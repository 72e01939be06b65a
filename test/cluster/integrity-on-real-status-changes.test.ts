import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runResultSchema, type RepetitionResult } from '../../src/core/result-schema.js';
import { COMPONENT_LABEL, NODE_ROLE_LABEL, NODE_ROLE_LOAD, WORKLOAD_POD_SELECTOR } from '../../src/platform/manifests.js';
import { benchCli, controlPlaneSuite, serveWorkload, type CliRun, type ServedWorkload } from '../helpers/control-plane-fixture.js';

/**
 * The integrity rule against real status changes on a real API server: a measured container restarting, or the
 * node of a measured pod going NotReady, while a repetition runs makes that repetition invalid with the reason.
 * The change is made as the kubelet would make it (the pod's status subresource; the node's Ready condition with
 * kwok no longer heartbeating it) at the moment the load's first connection reaches the workload.
 */
const suite = controlPlaneSuite('the integrity rule on a real control plane (test/cluster)');

const SCENARIO = `
name: integrity
repetitions: 1
steps:
  - mode: rate
    rate: 50
    duration: 5s
    warmup: 1s
`;

describe.skipIf(!suite.available)('a repetition on a target that changes under it, on a real control plane', () => {
  let out: string;
  let workload: ServedWorkload;
  const restore: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    workload = await serveWorkload(suite.cp());
  });
  afterEach(async () => {
    for (const r of restore.splice(0)) await r();
    rmSync(out, { recursive: true, force: true });
  });
  afterAll(async () => {
    await workload?.stop();
  });

  /** One `bench run` of the baseline; `disturb` runs when the step's first connection arrives. */
  async function runDisturbed(disturb: () => Promise<void>): Promise<{ cli: CliRun; rep: RepetitionResult; disturbed: boolean }> {
    const cp = suite.cp();
    out = mkdtempSync(join(tmpdir(), 'bench-integrity-'));
    writeFileSync(join(out, 'scenario.yaml'), SCENARIO);
    let disturbed = false;
    // Not the traffic of the preparation (the burst that proves the path): the load of the measured repetition,
    // whose status line the CLI prints before it snapshots the target and execs the load.
    let measuring: () => void = () => {};
    const measured = new Promise<void>((resolve) => (measuring = resolve));
    const during = measured
      .then(() => workload.nextConnection())
      .then(async () => {
        await disturb();
        disturbed = true;
      });
    const cli = await benchCli(
      suite.binaries(),
      [
        'run', '--target', 'existing', '--context', cp.context, '--kubeconfig', cp.kubeconfig,
        '--image', 'mesh-bench:cluster-test', '--mesh', 'baseline', '--scenario', join(out, 'scenario.yaml'), '--out', out,
      ],
      { onStderr: (all) => /baseline: rate-50, repetition 1\/1/.test(all) && measuring() },
    );
    await Promise.race([during, new Promise((r) => setTimeout(r, 100))]);
    const [runDir] = readdirSync(out).filter((f) => f !== 'scenario.yaml');
    const result = runResultSchema.parse(JSON.parse(readFileSync(join(out, runDir!, 'results.json'), 'utf8')));
    return { cli, rep: result.systems[0]!.steps[0]!.repetitions[0]!, disturbed };
  }

  it('marks the repetition invalid when the server container restarts during it', async () => {
    const cp = suite.cp();
    const { cli, rep, disturbed } = await runDisturbed(async () => {
      const pods = await cp.kubectl(['get', 'pods', '-n', 'mesh-bench', '-l', `${WORKLOAD_POD_SELECTOR},${COMPONENT_LABEL}=server`, '-o', 'name']);
      const pod = pods.stdout.trim().split('\n')[0] ?? '';
      // What a kubelet reports after restarting the container: restartCount 0 → 1.
      const patched = await cp.kubectl([
        'patch', pod, '-n', 'mesh-bench', '--subresource=status', '--type=json',
        '-p', JSON.stringify([{ op: 'replace', path: '/status/containerStatuses/0/restartCount', value: 1 }]),
      ]);
      if (patched.code !== 0) throw new Error(`patching ${pod} failed: ${patched.stderr}`);
    });
    expect(disturbed, cli.stderr).toBe(true);
    expect(cli.code, cli.stderr).toBe(0);
    expect(rep.status).toBe('invalid');
    // Changed during the repetition, not before it.
    expect(rep.invalidReasons.join('\n')).not.toMatch(/before the step/);
    expect(rep.invalidReasons.join('\n')).toMatch(/^target not intact: container server of pod mesh-bench\/server-1-[a-z0-9-]+ restarted during the step \(restarts 0 → 1\)$/m);
  });

  it('marks the repetition invalid when the load client’s node goes NotReady during it', async () => {
    const cp = suite.cp();
    const nodes = await cp.kubectl(['get', 'nodes', '-l', `${NODE_ROLE_LABEL}=${NODE_ROLE_LOAD}`, '-o', 'jsonpath={.items[0].metadata.name}']);
    const node = nodes.stdout.trim();
    const { cli, rep, disturbed } = await runDisturbed(async () => {
      // The kubelet stops (kwok no longer plays it), and its last word is Ready=False.
      await cp.pauseKubelet(node, true);
      restore.push(() => cp.pauseKubelet(node, false));
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const patched = await cp.kubectl([
        'patch', 'node', node, '--subresource=status', '--type=strategic',
        '-p', JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'test: kubelet stopped', lastHeartbeatTime: now, lastTransitionTime: now }] } }),
      ]);
      if (patched.code !== 0) throw new Error(`patching node ${node} failed: ${patched.stderr}`);
    });
    expect(disturbed, cli.stderr).toBe(true);
    expect(rep.status).toBe('invalid');
    expect(rep.invalidReasons).toContain(`target not intact: node ${node} was NotReady (Ready=False, KubeletNotReady) after the step`);
    expect(rep.invalidReasons.join('\n')).not.toMatch(/before the step/);
  });
});
