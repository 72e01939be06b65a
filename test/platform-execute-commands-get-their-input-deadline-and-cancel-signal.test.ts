import { describe, expect, it } from 'vitest';
import type { RunOptions } from '../src/core/deps.js';
import { digestOf, executeOperations, type OperationDeps } from '../src/platform/execute-operations.js';
import type { Operation } from '../src/platform/operations.js';
import { FakeKube, FakeRunner } from './helpers/fake-cluster.js';
import { FakeClock } from './helpers/fake-clock.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';

/**
 * What crosses the process-runner seam for each kind of command operation: the operation's own timeout, the run's
 * cancel signal (so SIGINT kills a hung `linkerd install` or download), and the operation's stdin, nothing else.
 */

const MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n';

function setup(): { deps: OperationDeps; logger: RecordingLogger; options: Map<string, RunOptions>; signal: AbortSignal } {
  const runner = new FakeRunner();
  const logger = new RecordingLogger();
  const signal = new AbortController().signal;
  const options = new Map<string, RunOptions>();
  const record = (stdout: string) => (argv: readonly string[], o: RunOptions) => {
    options.set(argv[0] ?? '', o);
    return { stdout, stderr: '', exitCode: 0 };
  };
  runner.on(['kind', 'create'], record('')).on(['kubectl', 'version'], record('')).on(['linkerd', 'install'], record(MANIFEST)).on(['curl'], record(MANIFEST));
  const kube = new FakeKube();
  return {
    deps: { runner, fs: new MemoryFileSystem(), clock: new FakeClock(), logger, signal, kube: () => kube, checks: {} },
    logger,
    options,
    signal,
  };
}

describe('command operations and the process runner', () => {
  it('feeds a command its stdin when the operation has one, and gives a command without stdin no input at all', async () => {
    const s = setup();
    await executeOperations(
      [
        { op: 'run', title: 'create', argv: ['kind', 'create', 'cluster', '--config', '-'], stdin: 'kind: Cluster\n', timeoutMs: 300_000 },
        { op: 'run', title: 'version', argv: ['kubectl', 'version', '--client'], timeoutMs: 10_000 },
      ],
      s.deps,
    );
    expect(s.options.get('kind')).toStrictEqual({ timeoutMs: 300_000, signal: s.signal, input: 'kind: Cluster\n' });
    // Not even `input: undefined`: the seam's options are exactly what the operation asks for.
    expect(s.options.get('kubectl')).toStrictEqual({ timeoutMs: 10_000, signal: s.signal });
  });

  it('runs a manifest-printing command with the operation timeout and the run cancel signal', async () => {
    const s = setup();
    await executeOperations([{ op: 'run-apply', title: 'linkerd', argv: ['linkerd', 'install'], timeoutMs: 120_000 }], s.deps);
    expect(s.options.get('linkerd')).toStrictEqual({ timeoutMs: 120_000, signal: s.signal });
  });

  it('downloads a pinned manifest with the operation timeout and the run cancel signal', async () => {
    const s = setup();
    const op: Operation = { op: 'apply-url', title: 'crds', url: 'https://example.test/a.yaml', digest: { algorithm: 'sha256', value: digestOf('sha256', MANIFEST) }, timeoutMs: 60_000 };
    await executeOperations([op], s.deps);
    expect(s.options.get('curl')).toStrictEqual({ timeoutMs: 60_000, signal: s.signal });
  });

  it('ends each status line as a success once its operation has succeeded', async () => {
    const s = setup();
    await executeOperations(
      [
        { op: 'run', title: 'Checking kubectl', argv: ['kubectl', 'version', '--client'], timeoutMs: 10_000 },
        { op: 'note', title: 'Scraping', text: 'kubelet every 10 s' },
      ],
      s.deps,
    );
    expect(s.logger.lines).toEqual(['start Checking kubectl', 'ok Checking kubectl', 'start Scraping', 'debug kubelet every 10 s', 'ok Scraping']);
  });
});
