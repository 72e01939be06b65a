import { afterEach, describe, expect, it } from 'vitest';
import type { Deps } from '../src/core/deps.js';
import { CommandError, ExitCode } from '../src/core/errors.js';
import { runResultSchema, type RunResult } from '../src/core/result-schema.js';
import { LocalPlatform } from '../src/platform/local-platform.js';
import type { Platform } from '../src/platform/platform.js';
import { runBenchmark } from '../src/pipeline/run-benchmark.js';
import { clusterRunFixture, TWO_STEP_SCENARIO } from './helpers/cluster-run.js';
import { FakeClock } from './helpers/fake-clock.js';
import { FakeRunner } from './helpers/fake-cluster.js';
import { MemoryFileSystem } from './helpers/memory-fs.js';
import { RecordingLogger } from './helpers/recording-logger.js';
import { TEST_MARKER_ENV, newTestMarker, processesWithMarker } from './helpers/test-processes.js';

/**
 * Scenario `installs` (issue 12): each system runs on several fresh installs, repetitions nested in them. Every
 * install is a whole prepare → measure → teardown; repetitions say which install measured them; a failure or a signal
 * in a later install keeps what the earlier ones measured and tears down what exists.
 */
type Fixture = ReturnType<typeof clusterRunFixture>;
const results = (f: Fixture, dir: string): RunResult => runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));
const TWO_INSTALLS = `${TWO_STEP_SCENARIO.trim()}\ninstalls: 2\n`;
const CREATE = '$ kind create cluster';
const DELETE = '$ kind delete cluster --name bench-baseline --kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig';
const clusterLifecycle = (f: Fixture): string[] =>
  f.transcript.filter((l) => l.startsWith(CREATE) || l.startsWith('$ kind delete cluster')).map((l) => (l.startsWith(CREATE) ? 'create' : l));
/** [install, repetition] of every repetition of every step. */
const tags = (r: RunResult, system = 0): Array<Array<Array<number | undefined>>> =>
  r.systems[system]!.steps.map((s) => s.repetitions.map((rep) => [rep.install, rep.repetition]));

describe('installs: 2 on kind', () => {
  it('creates and deletes a cluster per install, in order, each measuring its own repetitions', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE, 'create', DELETE]);
    const r = results(f, outcome.dir);
    expect(r.scenario.installs).toBe(2);
    expect(r.systems[0]!.status).toBe('completed');
    // 2 repetitions per install, numbered across installs.
    expect(tags(r)).toEqual([
      [[1, 1], [1, 2], [2, 3], [2, 4]],
      [[1, 1], [1, 2], [2, 3], [2, 4]],
    ]);
    // Every measured exec of install 2 comes after install 1's cluster is deleted, and uses its own seeds.
    const firstDelete = f.transcript.indexOf(DELETE);
    const measuredSeeds = f.transcript
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => l.startsWith('api exec') && / load /.test(l) && !/ --duration 2 /.test(l))
      .map(({ l, i }) => ({ install: i < firstDelete ? 1 : 2, seed: Number(/--seed (\d+)/.exec(l)![1]) }));
    expect(measuredSeeds.filter((m) => m.install === 1).map((m) => m.seed)).toEqual([2, 2, 3, 3]);
    expect(measuredSeeds.filter((m) => m.install === 2).map((m) => m.seed)).toEqual([4, 4, 5, 5]);
    // The report says how the repetitions were nested.
    expect(f.fs.read(`${outcome.dir}/report.md`)).toContain('2 repetitions on each of 2 fresh installs per system (4 in all).');
  });

  it('records every phase with the install it belongs to', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    const phases = results(f, outcome.dir).systems[0]!.phases!;
    const of = (install: number): string[] => phases.filter((p) => p.install === install).map((p) => p.name);
    for (const install of [1, 2]) {
      expect(of(install)[0]).toBe('cluster create');
      expect(of(install).at(-1)).toBe('teardown');
    }
    expect(of(1).filter((n) => n.startsWith('measure'))).toEqual([
      'measure baseline rate-100 #1',
      'measure baseline c-4 #1',
      'measure baseline rate-100 #2',
      'measure baseline c-4 #2',
    ]);
    expect(of(2).filter((n) => n.startsWith('measure'))).toEqual([
      'measure baseline rate-100 #3',
      'measure baseline c-4 #3',
      'measure baseline rate-100 #4',
      'measure baseline c-4 #4',
    ]);
    expect(phases.every((p) => p.install === 1 || p.install === 2)).toBe(true);
    // The report's phase table names the install of every row, measured steps summed per install.
    const report = f.fs.read(`${outcome.dir}/report.md`)!;
    const rows = report.split('\n').filter((l) => l.startsWith('| baseline | install '));
    expect(rows.map((l) => l.split(' | ')[1]!.replace(/ \(.*$/, ''))).toEqual(
      [1, 2].flatMap((k) => of(k).filter((n, i, all) => !n.startsWith('measure') || all.findIndex((m) => m.startsWith('measure')) === i).map((n) => `install ${k}: ${n.startsWith('measure') ? 'measure' : n}`)),
    );
  });

  it('a failed install 2 keeps install 1, names the install in the failure, tears down and exits 4', async () => {
    const f = clusterRunFixture();
    let builds = 0;
    f.runner.on(['docker', 'build'], (argv) => {
      if (++builds === 2) throw new CommandError(argv, 1, 'ERROR: no space left on device', 'exit code 1');
      return { stdout: '', stderr: '', exitCode: 0 };
    });
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE, 'create', DELETE]);
    expect(f.transcript.at(-1)).toBe(DELETE);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure!.step).toBe('prepare');
    expect(sys.failure!.message).toMatch(/^install 2\/2: /);
    expect(sys.failure!.output).toContain('no space left on device');
    expect(tags(results(f, outcome.dir))).toEqual([
      [[1, 1], [1, 2]],
      [[1, 1], [1, 2]],
    ]);
  });

  it('a measurement failing in install 2 keeps install 1 and the install 2 repetitions before it, then tears down', async () => {
    const f = clusterRunFixture();
    const answer = f.kube.execAnswer;
    let measured = 0;
    // Measured loads only (the proof's burst runs for 2 s): the 6th is install 2's c-4, repetition 3.
    f.kube.execAnswer = (argv, signal, where) =>
      argv.includes('load') && argv[argv.indexOf('--duration') + 1] === '1' && ++measured === 6
        ? { stdout: '', stderr: 'node: out of memory', exitCode: 9 }
        : answer(argv, signal, where);
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const r = results(f, outcome.dir);
    expect(r.systems[0]!.failure).toMatchObject({ step: 'measure baseline c-4 (repetition 3)', message: expect.stringMatching(/^install 2\/2: .*exited 9/) });
    expect(tags(r)).toEqual([
      [[1, 1], [1, 2], [2, 3]],
      [[1, 1], [1, 2]],
    ]);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE, 'create', DELETE]);
    expect(f.transcript.at(-1)).toBe(DELETE);
  });

  it('a signal between installs creates no second cluster, keeps install 1 and exits 130', async () => {
    const f = clusterRunFixture();
    const { stepStart } = f.logger;
    // The signal arrives while install 1 is being deleted: the deletion finishes, install 2 never starts.
    f.logger.stepStart = (t) => {
      if (t === 'Delete cluster bench-baseline') f.controller.abort('SIGINT');
      stepStart.call(f.logger, t);
    };
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE]);
    const r = results(f, outcome.dir);
    expect(r.status).toBe('interrupted');
    expect(r.systems[0]!.status).toBe('interrupted');
    expect(tags(r)).toEqual([
      [[1, 1], [1, 2]],
      [[1, 1], [1, 2]],
    ]);
  });

  it('a signal during install 2 keeps every repetition completed, discards the cut one and deletes install 2', async () => {
    const f = clusterRunFixture();
    const answer = f.kube.execAnswer;
    let measured = 0;
    // The 6th measured load is install 2's second (c-4, repetition 3): the signal arrives while it runs.
    f.kube.execAnswer = (argv, signal, where) => {
      if (argv.includes('load') && argv[argv.indexOf('--duration') + 1] === '1' && ++measured === 6) f.controller.abort('SIGINT');
      return answer(argv, signal, where);
    };
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    expect(tags(results(f, outcome.dir))).toEqual([
      [[1, 1], [1, 2], [2, 3]],
      [[1, 1], [1, 2]],
    ]);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE, 'create', DELETE]);
    expect(f.transcript.at(-1)).toBe(DELETE);
  });

  it('with --keep-cluster keeps install 1 when it is where the system failed, starting no install 2', async () => {
    const f = clusterRunFixture({ keepCluster: true });
    const answer = f.kube.execAnswer;
    let measured = 0;
    f.kube.execAnswer = (argv, signal, where) =>
      argv.includes('load') && argv[argv.indexOf('--duration') + 1] === '1' && ++measured === 2
        ? { stdout: '', stderr: 'node: out of memory', exitCode: 9 }
        : answer(argv, signal, where);
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(clusterLifecycle(f)).toEqual(['create']);
    expect(results(f, outcome.dir).systems[0]!.failure!.message).toMatch(/^install 1\/2: /);
    expect(f.logger.lines.filter((l) => l.includes('keeping cluster bench-baseline'))).toHaveLength(1);
  });

  it('with --keep-cluster deletes every install but the last, which it keeps', async () => {
    const f = clusterRunFixture({ keepCluster: true });
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE, 'create']);
    expect(f.logger.lines.filter((l) => l.includes('keeping cluster bench-baseline'))).toHaveLength(1);
  });

  it('a teardown failing between installs fails the system naming install 1, creating no second cluster', async () => {
    const f = clusterRunFixture();
    f.runner.fail(['kind', 'delete', 'cluster'], 'ERROR: failed to delete cluster "bench-baseline"');
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE]);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.failure).toMatchObject({ step: 'teardown', message: expect.stringMatching(/^install 1\/2: /) });
    expect(tags(results(f, outcome.dir))).toEqual([
      [[1, 1], [1, 2]],
      [[1, 1], [1, 2]],
    ]);
  });

  it('a teardown failing after the last install fails the system naming that install, keeping every repetition', async () => {
    const f = clusterRunFixture();
    let deletes = 0;
    f.runner.on(['kind', 'delete', 'cluster'], (argv) => {
      if (++deletes === 2) throw new CommandError(argv, 1, 'ERROR: failed to delete cluster "bench-baseline"', 'exit code 1');
      f.kube.reset();
      return { stdout: '', stderr: '', exitCode: 0 };
    });
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    expect(clusterLifecycle(f)).toEqual(['create', DELETE, 'create', DELETE]);
    const r = results(f, outcome.dir);
    expect(r.systems[0]!.failure).toMatchObject({ step: 'teardown', message: expect.stringMatching(/^install 2\/2: /) });
    expect(tags(r)[0]!.map((t) => t[0])).toEqual([1, 1, 2, 2]);
    expect(f.logger.lines).toContain(`warn teardown of baseline (install 2/2) failed: ${r.systems[0]!.failure!.message.replace(/^install 2\/2: /, '')}`);
  });
});

describe('installs: 2 on an existing cluster', () => {
  it('creates and deletes the harness namespaces once per install', async () => {
    const f = clusterRunFixture({ target: 'existing', existing: { kubeconfig: '/home/user/.kube/config', context: 'eks-prod' } });
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    const lifecycle = f.transcript.filter((l) => l === 'api apply Namespace mesh-bench' || / delete namespace mesh-bench /.test(l));
    expect(lifecycle.map((l) => (l.startsWith('api') ? 'create' : 'delete'))).toEqual(['create', 'delete', 'create', 'delete']);
    expect(tags(results(f, outcome.dir))[0]!.map((t) => t[0])).toEqual([1, 1, 2, 2]);
  });

  it('a namespace taken by someone else before install 2 fails the system, keeping install 1 (not exit 3)', async () => {
    const f = clusterRunFixture({ target: 'existing', existing: { kubeconfig: '/home/user/.kube/config', context: 'eks-prod' } });
    const { stepStart } = f.logger;
    // Right after install 1's namespaces are deleted, another team creates one of the same name.
    f.logger.stepStart = (t) => {
      stepStart.call(f.logger, t);
      if (t === 'Preparing baseline (install 2/2)') f.kube.namespaces.set('mesh-bench', { team: 'payments' });
    };
    const outcome = await f.run(['baseline'], TWO_INSTALLS);
    expect(outcome.exitCode).toBe(ExitCode.runFailed);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.failure!.message).toMatch(/^install 2\/2: .*namespace mesh-bench already exists in context eks-prod and is not mesh-bench's/);
    expect(tags(results(f, outcome.dir))[0]!.map((t) => t[0])).toEqual([1, 1]);
  });
});

describe('installs: 2 on the local target', () => {
  const previous = process.env[TEST_MARKER_ENV];
  afterEach(() => {
    if (previous === undefined) delete process.env[TEST_MARKER_ENV];
    else process.env[TEST_MARKER_ENV] = previous;
  });

  it('starts fresh workload server processes per install and stops each before the next starts', async () => {
    // The servers inherit this environment: the marker finds exactly the processes this test started.
    const marker = newTestMarker();
    process.env[TEST_MARKER_ENV] = marker;
    const local = new LocalPlatform();
    // Which server processes are alive at each measurement.
    const alive: number[][] = [];
    const platform: Platform = {
      target: 'local',
      supports: (id) => local.supports(id),
      unsupportedReason: (id) => local.unsupportedReason(id),
      async prepare(id, scenario, signal) {
        const prepared = await local.prepare(id, scenario, signal);
        return {
          ...prepared,
          measure: (variant, step, o) => {
            alive.push(processesWithMarker(marker).map((p) => p.pid));
            return prepared.measure(variant, step, o);
          },
        };
      },
    };
    const scenario = 'name: local\ninstalls: 2\nrepetitions: 1\nsteps:\n  - { mode: rate, rate: 200, duration: 0.3s, warmup: 0s }\n';
    const fs = new MemoryFileSystem({ '/scenario.yaml': scenario });
    const deps: Deps = { runner: new FakeRunner(), fs, clock: new FakeClock(), logger: new RecordingLogger(), cwd: '/', env: {} };
    const outcome = await runBenchmark(
      { scenarioPath: '/scenario.yaml', systems: ['baseline'], outDir: '/results', command: ['bench', 'run'] },
      { ...deps, platform, availableCores: 2, signal: new AbortController().signal, repoDir: '/repo' },
    );
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(alive).toHaveLength(2);
    const [first, second] = alive as [number[], number[]];
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBe(first.length);
    // No process of install 1 is alive during install 2, and none is left at the end.
    expect(second.filter((pid) => first.includes(pid))).toEqual([]);
    expect(processesWithMarker(marker)).toEqual([]);
    const r = runResultSchema.parse(JSON.parse(fs.read(`${outcome.dir}/results.json`)!));
    expect(tags(r)).toEqual([[[1, 1], [2, 2]]]);
  });
});
