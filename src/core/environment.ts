import os from 'node:os';
import { createRequire } from 'node:module';
import type { Environment } from './result-schema.js';
import type { ProcessRunner } from './deps.js';
import { harnessVersion } from './package-root.js';

const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}


/** What the result records about the machine that measured. git is asked through the runner seam. */
export async function collectEnvironment(runner: ProcessRunner, repoDir: string): Promise<Environment> {
  let commit: string | null = null;
  let dirty: boolean | null = null;
  try {
    commit = (await runner.run(['git', '-C', repoDir, 'rev-parse', 'HEAD'])).stdout.trim() || null;
    dirty = (await runner.run(['git', '-C', repoDir, 'status', '--porcelain', '--untracked-files=no'])).stdout.trim() !== '';
  } catch {
    // Not a checkout (an installed package, a container image): recorded as unknown, not guessed.
  }
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    arch: os.arch(),
    kernel: os.release(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: Math.max(1, os.availableParallelism()),
    memoryBytes: os.totalmem(),
    node: process.version,
    harnessVersion: harnessVersion(),
    harnessCommit: commit,
    harnessDirty: dirty,
    tools: {
      autocannon: packageVersion('autocannon'),
      'hdr-histogram-js': packageVersion('hdr-histogram-js'),
      'simple-statistics': packageVersion('simple-statistics'),
    },
  };
}
