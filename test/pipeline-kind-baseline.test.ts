import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { clusterRunFixture } from './helpers/cluster-run.js';

const results = (f: ReturnType<typeof clusterRunFixture>, dir: string) => runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));

describe('bench run --target kind --mesh baseline (every seam faked)', () => {
  it('runs the exact sequence of commands and API calls of the golden transcript', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    await expect(f.transcript.join('\n') + '\n').toMatchFileSnapshot('fixtures/pipeline/kind-baseline.transcript.txt');
  });

  it('creates the cluster with a run-private kubeconfig, never the default one', async () => {
    const f = clusterRunFixture();
    await f.run(['baseline']);
    const create = f.transcript.find((l) => l.startsWith('$ kind create cluster'))!;
    expect(create).toContain('--kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig');
    expect(f.transcript.join('\n')).not.toMatch(/\.kube\/config/);
  });

  it('writes results with every repetition, resources from the kubelet samples, and the versions the tools reported', async () => {
    const f = clusterRunFixture();
    const outcome = await f.run(['baseline']);
    const r = results(f, outcome.dir);
    expect(r.systems.map((s) => s.id)).toEqual(['baseline']);
    const sys = r.systems[0]!;
    expect(sys.status).toBe('completed');
    expect(sys.target).toBe('kind');
    expect(sys.versions).toMatchObject({ kind: 'v0.32.0', kubectl: 'v1.36.1', kubernetes: 'v1.36.1' });
    expect(sys.steps.map((s) => s.repetitions.length)).toEqual([2, 2]);
    const MiB = 1024 * 1024;
    for (const step of sys.steps) {
      for (const rep of step.repetitions) {
        const res = rep.resources!;
        // Three nodes scraped when the step starts and when it ends, every sample inside the step's window.
        expect(res.scrapes).toBe(6);
        expect(res.notes.filter((n) => /outside/.test(n))).toEqual([]);
        // The measured namespace's server and load client; the unmeasured namespace counts as other.
        expect(res.roles.workload).toMatchObject({ containers: 1, memoryMeanBytes: 20 * MiB, memoryMaxBytes: 20 * MiB });
        expect(res.roles.workload.cpuMeanCores).toBeCloseTo(0.25, 9);
        expect(res.roles['load-client']).toMatchObject({ containers: 1, memoryMeanBytes: 50 * MiB });
        expect(res.roles['load-client'].cpuMeanCores).toBeCloseTo(0.5, 9);
        expect(res.roles.other).toMatchObject({ containers: 2, memoryMeanBytes: 72 * MiB });
        expect(res.roles['sidecar-proxy'].containers).toBe(0);
      }
      expect(step.aggregate.resources!.workload).toMatchObject({ containers: 1, memoryMeanBytes: 20 * MiB });
      expect(step.aggregate.resources!['load-client'].cpuMeanCores).toBeCloseTo(0.5, 9);
    }
    expect(f.fs.read(`${outcome.dir}/report.md`)).toMatch(/\| baseline \| .*20\.0 MiB/);
  });

  it('deletes the cluster at the end', async () => {
    const f = clusterRunFixture();
    await f.run(['baseline']);
    expect(f.transcript.at(-1)).toBe('$ kind delete cluster --name bench-baseline --kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig');
  });

  it('keeps the cluster with --keep-cluster and says how to remove it', async () => {
    const f = clusterRunFixture({ keepCluster: true });
    await f.run(['baseline']);
    expect(f.transcript.some((l) => l.startsWith('$ kind delete'))).toBe(false);
    expect(f.logger.lines.some((l) => l.includes('bench down'))).toBe(true);
  });
});

describe('faults during a kind run', () => {
  const preparationCommands = [
    ['kind', 'create', 'cluster'],
    ['docker', 'build'],
    ['docker', 'save'],
    ['kind', 'load', 'image-archive'],
  ];

  for (const prefix of preparationCommands) {
    it(`tears the cluster down, records the failing command and its output, and exits 4 when \`${prefix.join(' ')}\` fails`, async () => {
      const f = clusterRunFixture();
      f.runner.fail(prefix, `ERROR: ${prefix.join(' ')} went wrong\nline 2`);
      const outcome = await f.run(['baseline']);
      expect(outcome.exitCode).toBe(ExitCode.runFailed);
      expect(f.transcript.at(-1)).toMatch(/^\$ kind delete cluster --name bench-baseline/);
      const sys = results(f, outcome.dir).systems[0]!;
      expect(sys.status).toBe('failed');
      expect(sys.failure!.step).toBe('prepare');
      expect(sys.failure!.command!.slice(0, prefix.length)).toEqual(prefix);
      expect(sys.failure!.output).toContain('went wrong');
      expect(f.transcript.some((l) => l.startsWith('api exec'))).toBe(false);
    });
  }

  it('names the pod, its phase and its last events when a rollout never completes, and still tears down', async () => {
    const f = clusterRunFixture();
    f.kube.stuck.add('mesh-bench/server-1');
    const outcome = await f.run(['baseline']);
    const failure = results(f, outcome.dir).systems[0]!.failure!;
    expect(failure.message).toMatch(/^Deployment mesh-bench\/server-1 not ready after 300 s \(0\/1 ready, 1 updated\)/);
    expect(failure.message).toContain('pod server-1-7d9f-abcde: phase Pending; server: ImagePullBackOff');
    expect(failure.message).toContain('Failed to pull image');
    expect(f.transcript.at(-1)).toMatch(/^\$ kind delete cluster/);
  });

  it('on SIGINT during a step keeps the completed repetitions, discards the cut one, tears down and exits 130', async () => {
    const f = clusterRunFixture();
    let loads = 0;
    const answer = f.kube.execAnswer;
    f.kube.execAnswer = (argv, signal, where) => {
      // The first load is the traffic proof's burst; the fourth is the third measured step.
      if (argv.includes('load') && ++loads === 4) f.controller.abort('SIGINT');
      return answer(argv, signal, where);
    };
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    const r = results(f, outcome.dir);
    expect(r.status).toBe('interrupted');
    expect(r.systems[0]!.status).toBe('interrupted');
    expect(r.systems[0]!.steps.map((s) => s.repetitions.length)).toEqual([1, 1]);
    expect(f.transcript.at(-1)).toMatch(/^\$ kind delete cluster/);
  });

  it('fails a load client that cannot answer, naming its exit code and stderr', async () => {
    const f = clusterRunFixture();
    const answer = f.kube.execAnswer;
    // Only the measured steps' loads fail (rate 100 is the scenario's first step; the proof's burst runs at 50).
    f.kube.execAnswer = (argv, signal, where) =>
      argv.includes('load') && argv[argv.indexOf('--rate') + 1] === '100'
        ? { stdout: '', stderr: 'node: bad option: --frobnicate', exitCode: 9 }
        : answer(argv, signal, where);
    const outcome = await f.run(['baseline']);
    const failure = results(f, outcome.dir).systems[0]!.failure!;
    expect(failure.step).toBe('measure baseline rate-100 (repetition 1)');
    expect(failure.message).toContain('exited 9: node: bad option: --frobnicate');
  });

  it('fails in prepare, measuring nothing, when the traffic proof burst cannot run', async () => {
    const f = clusterRunFixture();
    f.kube.execAnswer = () => ({ stdout: '', stderr: 'node: bad option: --frobnicate', exitCode: 9 });
    const outcome = await f.run(['baseline']);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.status).toBe('failed');
    expect(sys.failure!.step).toBe('prepare');
    expect(sys.failure!.message).toMatch(/traffic proof: .*exited 9/);
    expect(sys.steps.every((s) => s.repetitions.length === 0)).toBe(true);
  });
});

describe('bench run --target existing', () => {
  const existing = { kubeconfig: '/home/user/.kube/config', context: 'eks-prod' };

  it('creates no cluster and removes only its own namespaces', async () => {
    const f = clusterRunFixture({ target: 'existing', existing });
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.ok);
    expect(f.transcript.some((l) => l.startsWith('$ kind'))).toBe(false);
    expect(f.transcript.some((l) => l.startsWith('$ docker'))).toBe(false);
    expect(f.transcript.at(-1)).toBe(
      '$ kubectl --kubeconfig /home/user/.kube/config --context eks-prod delete namespace mesh-bench --ignore-not-found --wait=true --timeout=180s',
    );
  });

  it("refuses to start when a namespace it needs exists and is not its own, creating nothing", async () => {
    const f = clusterRunFixture({ target: 'existing', existing });
    f.kube.namespaces.set('mesh-bench', { team: 'payments' });
    await expect(f.run(['baseline'])).rejects.toMatchObject({
      exitCode: ExitCode.preflight,
      message: expect.stringMatching(/namespace mesh-bench already exists in context eks-prod and is not mesh-bench's/),
    });
    expect(f.kube.applied).toEqual([]);
    expect([...f.fs.files.keys()].filter((p) => p.startsWith('/results'))).toEqual([]);
    expect(f.transcript.some((l) => l.includes('delete namespace'))).toBe(false);
  });

  it('removes a leftover namespace of its own before starting', async () => {
    const f = clusterRunFixture({ target: 'existing', existing });
    f.kube.namespaces.set('mesh-bench', { 'app.kubernetes.io/managed-by': 'mesh-bench' });
    await f.run(['baseline']);
    expect(f.transcript.indexOf('api delete Namespace mesh-bench')).toBeLessThan(f.transcript.indexOf('api apply Namespace mesh-bench'));
  });
});

describe('preflight before a kind run', () => {
  it('exits 3 with one line per problem and its fix, creating nothing, when the Docker engine is unreachable', async () => {
    const f = clusterRunFixture();
    f.runner.fail(['docker', 'version'], 'null\nCannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    await expect(f.run(['baseline'])).rejects.toMatchObject({
      exitCode: ExitCode.preflight,
      message: expect.stringMatching(/docker/i),
    });
    expect(f.transcript.some((l) => l.startsWith('$ kind create'))).toBe(false);
    expect([...f.fs.files.keys()].filter((p) => p.startsWith('/results'))).toEqual([]);
  });

  it('checks the CLIs the selected meshes need', async () => {
    const f = clusterRunFixture();
    f.runner.fail(['istioctl', 'version', '--remote=false'], 'spawn istioctl ENOENT', 127);
    await expect(f.run(['baseline', 'istio'])).rejects.toMatchObject({ exitCode: ExitCode.preflight, message: expect.stringMatching(/istioctl/) });
    expect(f.transcript.some((l) => l.startsWith('$ kind create'))).toBe(false);
  });
});
