import { describe, expect, it } from 'vitest';
import { digestOf, executeOperations, manifestObjects, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

function deps(): OperationDeps & { transcript: string[]; kube_: FakeKube; fake: FakeRunner; fsm: MemoryFileSystem } {
  const transcript: string[] = [];
  const kube = new FakeKube(transcript);
  const runner = new FakeRunner(transcript);
  const fs = new MemoryFileSystem();
  return {
    runner,
    fs,
    clock: new FakeClock(),
    logger: new RecordingLogger(),
    signal: new AbortController().signal,
    kube: () => kube,
    checks: {},
    captured: new Map(),
    transcript,
    kube_: kube,
    fake: runner,
    fsm: fs,
  };
}

const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n---\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: x\n';

describe('executing operations', () => {
  it('applies a downloaded manifest only when its digest matches the pin', async () => {
    const d = deps();
    d.fake.on(['curl'], manifest);
    const op = (value: string): Operation => ({ op: 'apply-url', title: 'crds', url: 'https://example.test/a.yaml', digest: { algorithm: 'sha256', value }, timeoutMs: 1000 });
    await executeOperations([op(digestOf('sha256', manifest))], d);
    expect(d.kube_.applied.map((o) => o.metadata.name)).toEqual(['a', 'b']);
    const bad = deps();
    bad.fake.on(['curl'], manifest);
    await expect(executeOperations([op('0'.repeat(64))], bad)).rejects.toThrow(/does not match the pinned 0{64}; not applied/);
    expect(bad.kube_.applied).toEqual([]);
  });

  it('computes git blob ids the way git does', () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(digestOf('git-blob-sha1', 'hello\n')).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });

  it('server-side applies what a manifest-printing command printed, skipping empty documents', async () => {
    const d = deps();
    d.fake.on(['linkerd', 'install'], manifest);
    await executeOperations([{ op: 'run-apply', title: 'linkerd', argv: ['linkerd', 'install'], timeoutMs: 1000 }], d);
    expect(d.transcript).toEqual(['$ linkerd install', 'api apply ConfigMap x/a', 'api apply ConfigMap x/b']);
  });

  it('rejects a manifest document without a kind', () => {
    expect(() => manifestObjects('apiVersion: v1\nmetadata:\n  name: a\n')).toThrow(/without apiVersion, kind or metadata.name/);
  });

  it('stops at the first failing operation and does not run the rest', async () => {
    const d = deps();
    d.fake.on(['true'], '').fail(['false'], 'boom').on(['echo'], '');
    const ops: Operation[] = [
      { op: 'run', title: 'one', argv: ['true'], timeoutMs: 1000 },
      { op: 'run', title: 'two', argv: ['false'], timeoutMs: 1000 },
      { op: 'run', title: 'three', argv: ['echo'], timeoutMs: 1000 },
    ];
    await expect(executeOperations(ops, d)).rejects.toMatchObject({ argv: ['false'], output: 'boom' });
    expect(d.transcript).toEqual(['$ true', '$ false']);
  });

  it('lets an optional command fail with a warning', async () => {
    const d = deps();
    d.fake.fail(['kind', 'delete'], 'no such cluster');
    await executeOperations([{ op: 'run', title: 'delete', argv: ['kind', 'delete'], timeoutMs: 1000, optional: true }], d);
    expect((d.logger as RecordingLogger).lines.some((l) => l.startsWith('warn delete:'))).toBe(true);
  });

  it('keeps the output of version queries', async () => {
    const d = deps();
    await executeOperations([{ op: 'run', title: 'v', argv: ['kind', 'version'], timeoutMs: 1000, capture: 'kind' }], d);
    expect(d.captured!.get('kind')).toMatch(/^kind v0\.32\.0/);
  });

  it('writes files through the filesystem seam', async () => {
    const d = deps();
    await executeOperations([{ op: 'write-file', title: 'w', path: '/work/x/kind.yaml', content: 'kind: Cluster\n' }], d);
    expect(d.fsm.read('/work/x/kind.yaml')).toBe('kind: Cluster\n');
  });

  it('runs named checks and fails on an unknown one', async () => {
    const d = deps();
    let ran = false;
    d.checks['ok'] = async () => {
      ran = true;
    };
    await executeOperations([{ op: 'check', title: 'c', check: 'ok', description: '' }], d);
    expect(ran).toBe(true);
    await expect(executeOperations([{ op: 'check', title: 'c', check: 'missing', description: '' }], d)).rejects.toThrow(/no implementation for check missing/);
  });

  it('waits for a DaemonSet rollout through the API, polling until every node runs a ready pod', async () => {
    const d = deps();
    d.kube_.readyAfterPolls = 3;
    d.kube_.declareWorkload('DaemonSet', 'kube-system', 'cilium', { 'k8s-app': 'cilium' });
    const clock = d.clock.now();
    await executeOperations([{ op: 'wait-rollout', title: 'ds', kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium', timeoutMs: 60_000 }], d);
    expect(d.transcript).toEqual(Array(3).fill('api get DaemonSet kube-system/cilium'));
    expect(d.clock.now() - clock).toBe(4000);
  });

  it('fails a wait for a DaemonSet that was never created, saying it was not found', async () => {
    const d = deps();
    await expect(
      executeOperations([{ op: 'wait-rollout', title: 'ds', kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium', timeoutMs: 5000 }], d),
    ).rejects.toThrow(/^DaemonSet kube-system\/cilium not ready after 5 s \(not found\)/);
  });
});
