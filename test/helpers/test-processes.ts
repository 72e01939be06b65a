import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * Processes a test started, found by a marker in their environment (children inherit it), never by a name that any
 * other process on the machine could have: another checkout's or a user's own workload server is not a test's leak.
 */
export const TEST_MARKER_ENV = 'MESH_BENCH_TEST_MARKER';

export const newTestMarker = (): string => `mesh-bench-test-${randomUUID()}`;

/** The environment for a child process (and its descendants) carrying `marker`. */
export function markedEnv(marker: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, [TEST_MARKER_ENV]: marker };
}

export interface MarkedProcess {
  pid: number;
  args: string;
}

/** Live processes whose environment carries `marker` (Linux: /proc/<pid>/environ; elsewhere `ps e`). */
export function processesWithMarker(marker: string): MarkedProcess[] {
  const needle = `${TEST_MARKER_ENV}=${marker}`;
  if (!existsSync('/proc/self/environ')) return processesWithMarkerFromPs(needle);
  const found: MarkedProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'latin1');
    } catch {
      continue; // gone meanwhile, or another user's (it cannot carry our marker)
    }
    if (!environ.split('\0').includes(needle)) continue;
    let args = '';
    try {
      args = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    } catch {
      continue;
    }
    found.push({ pid: Number(name), args });
  }
  return found;
}

function processesWithMarkerFromPs(needle: string): MarkedProcess[] {
  // BSD/macOS ps: `e` appends each process's environment to its command.
  const out = execFileSync('ps', ['eww', '-ax', '-o', 'pid=,command='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.includes(needle))
    .map((line) => {
      const [, pid = '0', args = ''] = /^\s*(\d+)\s+(.*)$/.exec(line) ?? [];
      return { pid: Number(pid), args: args.slice(0, args.indexOf(needle) < 0 ? undefined : args.indexOf(needle)).trim() };
    });
}

/** Whether a process with this pid still exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
