import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../src/core/result-schema.js';
import { ExitCode } from '../src/core/errors.js';
import { clusterRunFixture } from './helpers/cluster-run.js';

/**
 * SIGINT/SIGTERM on the kind platform: whatever long step is running is cancelled through its signal (the command
 * killed, the exec's stream closed), what was created is deleted, and the run exits 130 keeping what completed.
 */
const results = (f: ReturnType<typeof clusterRunFixture>, dir: string) => runResultSchema.parse(JSON.parse(f.fs.read(`${dir}/results.json`)!));

describe('a signal during a kind run', () => {
  const longCommands: Array<{ system: string; prefix: string[]; what: string }> = [
    { system: 'baseline', prefix: ['kind', 'create', 'cluster'], what: 'cluster creation' },
    { system: 'baseline', prefix: ['docker', 'build'], what: 'the image build' },
    { system: 'istio', prefix: ['istioctl', 'install'], what: 'the mesh install' },
  ];

  for (const { system, prefix, what } of longCommands) {
    it(`during ${what} kills the command, deletes the cluster and exits 130`, async () => {
      const f = clusterRunFixture();
      f.runner.hang(prefix, () => f.controller.abort('SIGTERM'));
      const outcome = await f.run([system]);
      expect(outcome.exitCode).toBe(ExitCode.interrupted);
      const r = results(f, outcome.dir);
      expect(r.status).toBe('interrupted');
      expect(r.systems.map((s) => s.status)).toEqual(r.systems.map(() => 'interrupted'));
      // Nothing after the killed command ran, and the (half-created) cluster was deleted last.
      const killed = f.transcript.findIndex((l) => l.startsWith(`$ ${prefix.join(' ')}`));
      expect(killed).toBeGreaterThanOrEqual(0);
      expect(f.transcript.slice(killed + 1)).toEqual([`$ kind delete cluster --name bench-${system} --kubeconfig /tmp/mesh-bench-test/${system}/kubeconfig`]);
    });
  }

  it('during a measured step cuts the load exec short instead of waiting for the pod to finish, and tears down', { timeout: 10_000 }, async () => {
    const f = clusterRunFixture();
    const answer = f.kube.execAnswer;
    let measured = 0;
    f.kube.execAnswer = (argv, signal, where) => {
      // The second measured step (1 s windows; the traffic proof's burst is 2 s) never finishes on its own.
      if (!(argv.includes('load') && argv[argv.indexOf('--duration') + 1] === '1') || ++measured < 2) return answer(argv, signal, where);
      setImmediate(() => f.controller.abort('SIGTERM'));
      return new Promise(() => {});
    };
    const outcome = await f.run(['baseline']);
    expect(outcome.exitCode).toBe(ExitCode.interrupted);
    const sys = results(f, outcome.dir).systems[0]!;
    expect(sys.status).toBe('interrupted');
    // The step that completed is kept; the one cut short is not.
    expect(sys.steps.map((s) => s.repetitions.length)).toEqual([1, 0]);
    expect(f.transcript.at(-1)).toBe('$ kind delete cluster --name bench-baseline --kubeconfig /tmp/mesh-bench-test/baseline/kubeconfig');
  });
});
