import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { markedEnv, newTestMarker } from './test-processes.js';

/** The built CLI as users run it (`npm test` builds dist/ first). */
export const BENCH = fileURLToPath(new URL('../../bin/bench.js', import.meta.url));
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** In the environment of the bench process and everything it started: `processesWithMarker(marker)` finds leftovers. */
  marker: string;
}

export function bench(
  args: string[],
  o: { onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; cwd?: string; marker?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const marker = o.marker ?? newTestMarker();
    const child = spawn(process.execPath, [BENCH, ...args], { cwd: o.cwd ?? REPO, stdio: ['ignore', 'pipe', 'pipe'], env: markedEnv(marker) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      o.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, marker }));
  });
}
