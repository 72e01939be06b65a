import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { capText, collectDiagnostics, diagnosticCommands, FILE_CAP_BYTES } from '../src/platform/diagnostics.js';
import { ClusterPlatform } from '../src/platform/cluster-platform.js';
import { meshContext } from '../src/platform/cluster-plan.js';
import { parseScenario } from '../src/scenario/load-scenario.js';
import { renderMarkdown } from '../src/report/render-markdown.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

const KUBELET_LOG = 'E1201 15:40:01.123 kubelet.go:3117] "Container runtime network not ready" reason:NetworkPluginNotReady\n';

/** Issue 8, build 2: a diagnostics bundle on every failed system, collected before teardown, capped, listed. */

function input(systemId: string, target: 'kind' | 'existing' = 'kind') {
  const f = clusterRunFixture(target === 'existing' ? { target, existing: { kubeconfig: '/home/u/.kube/config', context: 'gke-x' } } : {});
  const p = new ClusterPlatform(f.options).planInput(systemId, parseScenario(TWO_STEP_SCENARIO, 'x.yaml', 2));
  return { p, ctx: meshContext(p) };
}

describe('diagnostics bundle', () => {
  it('on kind: exports kind logs and reads pods, events, nodes, the benchmark and mesh namespaces and the mesh CLI status', () => {
    const { p, ctx } = input('istio-ambient');
    const { kindLogs, entries } = diagnosticCommands(p, ctx, '/r/diagnostics/istio-ambient');
    expect(kindLogs).toEqual(['kind', 'export', 'logs', '/r/diagnostics/istio-ambient/kind-logs', '--name', 'bench-istio-ambient']);
    expect(entries.map((e) => e.file)).toEqual([
      'pods.txt',
      'events.txt',
      'nodes.txt',
      'describe-pods-mesh-bench.txt',
      'describe-pods-mesh-bench-plain.txt',
      'describe-pods-istio-system.txt',
      'mesh-istioctl-proxy-status.txt',
      'mesh-istioctl-ztunnel-workloads.txt',
    ]);
    for (const e of entries) expect(e.argv).toContain('/tmp/mesh-bench-test/istio-ambient/kubeconfig');
  });

  it('on an existing cluster: the harness namespaces only, no kind, nothing cluster-wide, no mesh CLI', () => {
    const { p, ctx } = input('linkerd', 'existing');
    const { kindLogs, entries } = diagnosticCommands(p, ctx, '/r/d');
    expect(kindLogs).toBeNull();
    expect(entries.map((e) => e.file)).toEqual([
      'pods-mesh-bench.txt',
      'events-mesh-bench.txt',
      'pods-mesh-bench-plain.txt',
      'events-mesh-bench-plain.txt',
      'describe-pods-mesh-bench.txt',
      'describe-pods-mesh-bench-plain.txt',
    ]);
    expect(entries.every((e) => !e.argv.includes('--all-namespaces'))).toBe(true);
  });

  it('writes every file capped to its tail, lists each with its size, and records what failed', async () => {
    const { p, ctx } = input('cilium');
    const runner = new FakeRunner();
    const fs = new MemoryFileSystem();
    const dir = '/results/run/diagnostics/cilium';
    const huge = `${'x'.repeat(FILE_CAP_BYTES)}\nLAST LINE\n`;
    runner.on(['kubectl', '--kubeconfig', p.kubeconfig, 'get', 'events'], huge);
    runner.fail(['cilium', 'status'], 'Error: Unable to connect to Cilium daemon');
    runner.on(['kind', 'export', 'logs'], (argv) => {
      void fs.mkdir(`${argv[3]}/bench-cilium-worker`);
      void fs.writeFileAtomic(`${argv[3]}/bench-cilium-worker/kubelet.log`, KUBELET_LOG);
      return { stdout: '', stderr: '', exitCode: 0 };
    });
    const b = await collectDiagnostics(p, ctx, dir, 'nodes not Ready after 300 s', { runner, fs, clock: new FakeClock(), logger: new RecordingLogger() });
    const events = b.files.find((f) => f.path === 'events.txt')!;
    expect(events.truncated).toBe(true);
    expect(events.bytes).toBeLessThanOrEqual(FILE_CAP_BYTES);
    expect(fs.read(`${dir}/events.txt`)).toMatch(/LAST LINE\n$/);
    expect(b.files.find((f) => f.path === 'kind-logs/bench-cilium-worker/kubelet.log')).toEqual({ path: 'kind-logs/bench-cilium-worker/kubelet.log', bytes: KUBELET_LOG.length, truncated: false });
    // The failing status command is listed as a problem, and its output is still kept.
    expect(b.problems.some((x) => x.startsWith('mesh-cilium-status.txt: '))).toBe(true);
    expect(fs.read(`${dir}/mesh-cilium-status.txt`)).toContain('Unable to connect to Cilium daemon');
    expect(b.lookFirst).toMatch(/^nodes\.txt: /);
    for (const f of b.files) expect(fs.read(`${dir}/${f.path}`)?.length).toBeGreaterThan(0);
  });

  it('cuts a long text to its last bytes with a note', () => {
    const c = capText(`${'a'.repeat(100)}END`, 60);
    expect(c.truncated).toBe(true);
    expect(Buffer.byteLength(c.text)).toBeLessThanOrEqual(60);
    expect(c.text.endsWith('END')).toBe(true);
    expect(capText('short', 60)).toEqual({ text: 'short', truncated: false });
  });

  it('is collected before teardown when a system fails, listed in the result, and named in the report', async () => {
    const f = clusterRunFixture();
    f.kube.stuck.add('mesh-bench/server-1');
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const r = runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!));
    const d = r.systems[0]!.diagnostics!;
    expect(d.dir).toBe('diagnostics/baseline');
    expect(d.files.map((x) => x.path)).toContain('events.txt');
    for (const file of d.files) expect(f.fs.read(`${outcome.dir}/${d.dir}/${file.path}`)).toBeDefined();
    const exportAt = f.transcript.findIndex((l) => l.startsWith('$ kind export logs'));
    const deleteAt = f.transcript.findIndex((l) => l.startsWith('$ kind delete cluster'));
    expect(exportAt).toBeGreaterThan(0);
    expect(exportAt).toBeLessThan(deleteAt);
    expect(renderMarkdown(r)).toContain(`Diagnostics, collected before teardown: \`diagnostics/baseline/\``);
    expect(renderMarkdown(r)).toMatch(/Look first at events\.txt: /);
  });

  it('is not collected for a system that completed', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    const r = runResultSchema.parse(JSON.parse(f.fs.read(`${outcome.dir}/results.json`)!));
    expect(r.systems[0]!.diagnostics).toBeUndefined();
    expect(f.transcript.some((l) => l.startsWith('$ kind export logs'))).toBe(false);
    void parse;
  });
});
