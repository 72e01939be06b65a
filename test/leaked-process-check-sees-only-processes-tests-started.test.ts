import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { markedEnv, newTestMarker, processesWithMarker } from './helpers/test-processes.js';

/**
 * The leak check of the CLI tests: a process counts only when it carries the marker of the test that started it, so a
 * workload server someone else runs on this machine (another checkout, a user's own) never fails a test.
 */
const started: ChildProcess[] = [];
const markers: string[] = [];
const marked = () => {
  const m = newTestMarker();
  markers.push(m);
  return m;
};
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  // Grandchildren too: this file must not leak what it checks for.
  for (const m of markers.splice(0)) for (const p of processesWithMarker(m)) process.kill(p.pid, 'SIGKILL');
});

/** A node process that looks like a workload server by its argv and, with `withChild`, starts one more like it. */
function sleeper(env: NodeJS.ProcessEnv, withChild = false): Promise<ChildProcess> {
  const script = withChild
    ? `require('node:child_process').spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'dist/src/workload/main.js'], { stdio: 'ignore' }); console.log('up'); setTimeout(() => {}, 60000)`
    : `console.log('up'); setTimeout(() => {}, 60000)`;
  const child = spawn(process.execPath, ['-e', script, 'dist/src/workload/main.js'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', () => resolve(child));
    child.once('error', reject);
  });
}

async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the leaked-process check', () => {
  it('finds the processes a test started, their children included, by the marker in their environment', async () => {
    const marker = marked();
    const parent = await sleeper(markedEnv(marker), true);
    await until(() => processesWithMarker(marker).length === 2);
    const found = processesWithMarker(marker);
    expect(found.map((p) => p.pid)).toContain(parent.pid);
    expect(found.every((p) => p.args.includes('dist/src/workload/main.js'))).toBe(true);
  });

  it('does not see a process with the same command line that no test of this run started', async () => {
    const someoneElses = await sleeper({ ...process.env });
    const otherMarker = marked();
    const otherTest = await sleeper(markedEnv(otherMarker));
    const marker = marked();
    expect(processesWithMarker(marker)).toEqual([]);
    // Both look-alikes are alive and findable by what marks them, or by nothing at all.
    expect(processesWithMarker(otherMarker).map((p) => p.pid)).toEqual([otherTest.pid]);
    expect(someoneElses.exitCode).toBeNull();
    expect(process.kill(someoneElses.pid!, 0)).toBe(true);
  });

  it('no longer sees a process once it has exited', async () => {
    const marker = marked();
    const child = await sleeper(markedEnv(marker));
    expect(processesWithMarker(marker).map((p) => p.pid)).toEqual([child.pid]);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    expect(processesWithMarker(marker)).toEqual([]);
  });
});
