import type { ProcessRunner } from '../../core/deps.js';
import { ExitCode, type ExitCodeValue } from '../../core/errors.js';
import type { CliIo } from '../io.js';

/**
 * `bench down`: deletes every kind cluster this harness creates (`<prefix>-<system id>`) and nothing else, e.g.
 * after `--keep-cluster` or a run killed hard.
 */
export function harnessClusters(kindGetClusters: string, prefix: string, systemIds: readonly string[]): string[] {
  const ours = new Set(systemIds.map((id) => `${prefix}-${id}`));
  return kindGetClusters
    .split('\n')
    .map((l) => l.trim())
    .filter((name) => ours.has(name));
}

export async function downCommand(p: { prefix: string; systemIds: readonly string[]; runner: ProcessRunner; io: CliIo }): Promise<ExitCodeValue> {
  const listed = await p.runner.run(['kind', 'get', 'clusters'], { timeoutMs: 60_000 });
  const clusters = harnessClusters(listed.stdout, p.prefix, p.systemIds);
  if (clusters.length === 0) {
    p.io.out(`no ${p.prefix}-<system> kind clusters to delete\n`);
    return ExitCode.ok;
  }
  for (const name of clusters) {
    await p.runner.run(['kind', 'delete', 'cluster', '--name', name], { timeoutMs: 5 * 60_000 });
    p.io.out(`deleted ${name}\n`);
  }
  return ExitCode.ok;
}
