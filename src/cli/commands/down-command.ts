import type { ProcessRunner } from '../../core/deps.js';
import { CommandError, ExitCode, PreflightError, type ExitCodeValue } from '../../core/errors.js';
import { INSTALL_SCRIPT } from '../../platform/preflight.js';
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
  const listed = await listKindClusters(p.runner);
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

/**
 * `kind get clusters`, or a preflight error (exit 3) saying what is missing: without kind, or without a Docker engine
 * for kind to ask, there is nothing this command can list or delete, and raw tool output would not say so.
 */
async function listKindClusters(runner: ProcessRunner): Promise<{ stdout: string }> {
  try {
    return await runner.run(['kind', 'get', 'clusters'], { timeoutMs: 60_000 });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    if (error.exitCodeOfCommand === null && /\bENOENT\b/.test(`${error.message}\n${error.output}`)) {
      throw new PreflightError([`kind not found on PATH: nothing to list or delete (install it with ${INSTALL_SCRIPT})`]);
    }
    const last = error.output.trim().split('\n').filter(Boolean).pop() ?? error.message;
    throw new PreflightError([`\`kind get clusters\` failed (${last.trim()}): is the Docker engine running? (bench doctor checks it)`]);
  }
}
