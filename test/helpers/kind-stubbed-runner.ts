import { copyFileSync } from 'node:fs';
import type { ProcessRunner, RunOptions, RunOutput } from '../../src/core/deps.js';

/**
 * A process runner for `--target kind` against the real control plane (test/cluster), with only what needs Docker
 * stubbed: `kind create cluster` (hands over the control plane's kubeconfig at the path the plan gives), `kind load`,
 * `kind delete`, `kind version`, `docker build` and `docker save`; `kubectl` is the built one. Anything else fails.
 */
export class KindStubbedRunner implements ProcessRunner {
  readonly calls: string[][] = [];
  constructor(
    private readonly real: ProcessRunner,
    private readonly kubeconfig: string,
    private readonly kubectl: string,
  ) {}

  async run(argv: readonly string[], options?: RunOptions): Promise<RunOutput> {
    this.calls.push([...argv]);
    const ok = (stdout = ''): RunOutput => ({ stdout, stderr: '', exitCode: 0 });
    const [cmd, sub] = argv;
    if (cmd === 'kubectl') return this.real.run([this.kubectl, ...argv.slice(1)], options);
    if (cmd === 'kind' && sub === 'create') {
      // kind writes the new cluster's credentials to --kubeconfig: here, the real control plane's.
      copyFileSync(this.kubeconfig, argv[argv.indexOf('--kubeconfig') + 1]!);
      return ok();
    }
    if (cmd === 'kind' && (sub === 'load' || sub === 'delete')) return ok();
    if (cmd === 'kind' && sub === 'version') return ok('kind v0.32.0 go1.26.8 linux/amd64\n');
    if (cmd === 'docker' && (sub === 'build' || sub === 'save')) return ok();
    throw new Error(`KindStubbedRunner: not set up for ${argv.join(' ')}`);
  }

  async pipe(from: readonly string[], to: readonly string[]): Promise<RunOutput> {
    throw new Error(`KindStubbedRunner: not set up for ${from.join(' ')} | ${to.join(' ')}`);
  }
}
